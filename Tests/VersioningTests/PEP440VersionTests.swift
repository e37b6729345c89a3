import Testing
import Versioning

@Suite("PEP440Version")
struct PEP440VersionTests {
    /// The ordering example from PEP 440 ("Summary of permitted suffixes and relative ordering").
    static let pepOrdering = [
        "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
        "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    ]

    /// (lower, higher); cross-checked with `packaging.version.Version`.
    static let ordered: [(String, String)] = zip(pepOrdering, pepOrdering.dropFirst()).map { ($0, $1) } + [
        ("1.0a1", "1.0b1"),
        ("1.0b1", "1.0rc1"),
        ("1.0rc1", "1.0"),
        ("1.0", "1.0.post1"),
        ("1.0.dev1", "1.0a1"),                   // a dev release precedes every pre-release of the version
        ("1.0a1.dev1", "1.0a1"),
        ("1.0a1", "1.0a1.post1"),
        ("1.0a1.post1", "1.0a2"),
        ("1.0rc1", "1.0rc1.post1"),
        ("1.0.post1.dev1", "1.0.post1"),
        ("1.0.dev0", "1.0.dev1"),
        ("1.0a", "1.0a1"),                       // implicit number is 0
        ("1.0.post", "1.0.post1"),
        ("1.0-1", "1.0-2"),
        ("1.0", "1.0+local"),                    // local versions sort after the public one
        ("4.2.8", "4.2.8+sp1"),
        ("1.0+a", "1.0+1"),                      // numeric local segments beat alphanumeric ones
        ("1.0+a.1", "1.0+a.2"),
        ("1.0+1", "1.0+1.a"),                    // longer local wins when the prefix matches
        ("1.0+abc", "1.0+abd"),
        ("1.0+9", "1.0+10"),
        ("1.0+zzz", "1.0.post0"),
        ("1.0.post1", "1.0.1"),
        ("1.9", "1.10"),
        ("0.9", "1.0"),
        ("1.0", "1.0.0.0.1"),
        ("1.0.0.0.1", "1.0.1"),
        ("2024.1", "2024.1.1"),
        ("2.0", "1!1.0"),                        // epoch first
        ("1!1.0", "1!1.1"),
        ("1.0", "1!0.1"),
        ("1.0rc1", "1.0.0"),
        ("2.0.0a1", "2.0.0rc1"),
    ]

    static let equivalent: [(String, String)] = [
        ("1.0RC1", "1.0rc1"),
        ("1.0.post", "1.0.post0"),
        ("1.0c1", "1.0rc1"),
        ("1.0pre1", "1.0rc1"),
        ("1.0preview1", "1.0rc1"),
        ("1.0alpha1", "1.0a1"),
        ("1.0-alpha-1", "1.0a1"),
        ("1.0.a.1", "1.0a1"),
        ("1.0_b_2", "1.0b2"),
        ("1.0-1", "1.0.post1"),
        ("1.0-r1", "1.0.post1"),
        ("1.0.rev1", "1.0.post1"),
        ("1.0-post1", "1.0.post1"),
        ("v1.0", "1.0"),
        ("V1.0", "1.0"),
        ("1.0", "1.0.0"),
        ("1", "1.0.0.0"),
        ("0!1.0", "1.0"),
        ("1.0-dev", "1.0.dev0"),
        ("1.0a", "1.0a0"),
        ("01.0", "1.0"),
        ("1.0+Ubuntu-1", "1.0+ubuntu.1"),
        ("1.0+00", "1.0+0"),
        ("1.0+A", "1.0+a"),
        (" 1.0 ", "1.0"),
    ]

    static let invalid: [String] = [
        "", "1.0-", "1.0.", "a1.0", "1.0+", "1.0+a..b", "1..0", "1.0 a", "1.0+a_", "1.0.post1.post2", "1.0ab",
        "1.0a1b1", "1!2!3", "1.0abc", "1.0+á", "latest", "1.0.dev1.dev2", "vv1.0", "1.0-rc-1-", "!1.0",
    ]

    static let normalized: [(String, String)] = [
        ("1.0RC1", "1.0rc1"), ("1.0-1", "1.0.post1"), ("v1!2.0-dev", "1!2.0.dev0"), ("1.0.post", "1.0.post0"),
        ("01.02", "1.2"), ("1.0+Ubuntu-1", "1.0+ubuntu.1"), ("1.0alpha", "1.0a0"), ("1.0-r1", "1.0.post1"),
        ("1.0c1", "1.0rc1"), ("1.0a.1", "1.0a1"), ("2024.01.05", "2024.1.5"), ("1.0.0+ABC.007", "1.0.0+abc.7"),
        ("1.0-PREVIEW-2", "1.0rc2"), ("1.0b2.post345.dev456", "1.0b2.post345.dev456"),
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(PEP440Version.self, pair.0, pair.1)
    }

    @Test("equivalent pairs (normalisation)", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(PEP440Version.self, pair.0, pair.1)
        try expectSameHash(PEP440Version.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(PEP440Version.self, text)
    }

    @Test("normalized form matches packaging's str(Version)", arguments: normalized)
    func normalizedForm(_ pair: (String, String)) throws {
        #expect(try PEP440Version(parsing: pair.0).normalized == pair.1)
    }

    @Test func pepOrderingExample() throws {
        try expectStrictlyIncreasing(PEP440Version.self, Self.pepOrdering)
    }

    @Test func localVersionIsIgnoredForSpecifierStyleMatching() throws {
        let v = try PEP440Version(parsing: "4.2.8+sp1")
        #expect(v.publicVersion == (try PEP440Version(parsing: "4.2.8")))
        #expect(v.publicVersion.local.isEmpty)
        #expect(v > (try PEP440Version(parsing: "4.2.8")))
        #expect(try PEP440Version(parsing: "1.0").publicVersion.description == "1.0")
    }

    @Test func components() throws {
        let v = try PEP440Version(parsing: "2!1.2.3rc4.post5.dev6+ubuntu.7")
        #expect(v.epoch == "2")
        #expect(v.release == ["1", "2", "3"])
        #expect(v.preRelease?.kind == .releaseCandidate)
        #expect(v.preRelease?.number == "4")
        #expect(v.postRelease == "5")
        #expect(v.devRelease == "6")
        #expect(v.local == [.text("ubuntu"), .number("7")])
        #expect(v.isPreRelease)
        #expect(try !PEP440Version(parsing: "1.0.post1").isPreRelease)
        // Arbitrarily large numbers do not overflow.
        try expectOrdered(PEP440Version.self, "1.99999999999999999999999", "1.100000000000000000000000")
    }
}
