import Testing
import Versioning

@Suite("SemVer (npm)")
struct SemVerTests {
    /// SemVer 2.0 §11 example.
    static let specOrdering = [
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
        "1.0.0-rc.1", "1.0.0",
    ]

    /// (lower, higher); cross-checked with node-semver (`semver.compare(semver.clean(a), semver.clean(b))`).
    static let ordered: [(String, String)] = zip(specOrdering, specOrdering.dropFirst()).map { ($0, $1) } + [
        ("1.0.0", "2.0.0"),
        ("2.0.0", "2.1.0"),
        ("2.1.0", "2.1.1"),
        ("1.9.0", "1.10.0"),
        ("9.99.99", "10.0.0"),
        ("0.0.0", "0.0.1"),
        ("0.0.1", "0.1.0"),
        ("1.2.3-0", "1.2.3"),
        ("1.2.3-0", "1.2.3-1"),
        ("1.2.3-1", "1.2.3-a"),                  // numeric identifiers below alphanumeric ones
        ("1.2.3-9", "1.2.3-10"),                 // numeric identifiers compare numerically
        ("1.2.3-alpha.9", "1.2.3-alpha.10"),
        ("1.2.3-alpha.10", "1.2.3-alpha.9a"),
        ("1.2.3-Alpha", "1.2.3-alpha"),          // ASCII order
        ("1.2.3-a", "1.2.3-a.b"),                // more identifiers win
        ("1.2.3-a", "1.2.3-a-b"),
        ("1.2.3-0", "1.2.3---"),
        ("1.2.3-0.0", "1.2.3-0.1"),
        ("1.2.3-rc.1", "1.2.3"),
        ("1.0.0-alpha.beta", "1.0.0-alpha.beta.1"),
        ("1.0.0-x.7.z.92", "1.0.0-x.7.z.93"),
        ("1.0.0-rc.1", "1.0.0-rc.1.0"),
        ("1.0.0-beta.11", "1.0.0-beta.2a"),
        ("v1.2.3", "1.2.4"),                     // leading v tolerated
        ("=1.2.3", "v1.2.4"),                    // leading = tolerated
        ("1.2.3-beta+build", "1.2.3"),
        ("1.2.3+build", "1.2.4-0"),
        ("1.2.2", "1.2.3-alpha"),                // trivy: 1.2.3-alpha is not vulnerable to <=1.2.2
        ("1.2.3-99999999999999999999", "1.2.3-100000000000000000000"),
        ("9007199254740990.0.0", "9007199254740991.0.0"),
        ("0.1.0-rc.0", "0.1.0"),
        ("3.0.0-0", "3.0.0-alpha"),
        ("1.0.0-alpha", "1.0.0-alpha.0"),
        ("2.0.0-rc.1+build.5", "2.0.0"),
        ("0.0.0-0", "0.0.0"),
    ]

    static let equivalent: [(String, String)] = [
        ("1.0.0+a", "1.0.0+b"),                  // build metadata is ignored
        ("1.0.0", "v1.0.0"),
        ("1.0.0", "=1.0.0"),
        ("1.0.0", "=v1.0.0"),
        ("1.0.0", " 1.0.0 "),
        ("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"),
        ("1.0.0+20130313144700", "1.0.0"),
    ]

    static let invalid: [String] = [
        "", "1", "1.2", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3.4",
        "a.b.c", "1.2.3-a+b+c", "9007199254740992.0.0", "1.2.3 x", "v", "1.2.3_4", "=1.2", "^1.2.3", "~1.2.3",
        ">=1.2.3", "1.2.x", "1.2.3-é", String(repeating: "1", count: 300),
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(SemVer.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(SemVer.self, pair.0, pair.1)
        try expectSameHash(SemVer.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(SemVer.self, text)
    }

    @Test func specOrderingExample() throws {
        try expectStrictlyIncreasing(SemVer.self, Self.specOrdering)
    }

    @Test func components() throws {
        let v = try SemVer(parsing: "=v1.2.3-beta.4+build.5")
        #expect(v.major == "1" && v.minor == "2" && v.patch == "3")
        #expect(v.preRelease == ["beta", "4"])
        #expect(v.build == ["build", "5"])
        #expect(v.isPreRelease)
        #expect(v.normalized == "1.2.3-beta.4+build.5")
        #expect(v.description == "=v1.2.3-beta.4+build.5")
    }

    @Test func errorNamesInput() {
        do {
            _ = try SemVer(parsing: "01.2.3")
            Issue.record("accepted a leading zero")
        } catch {
            #expect(error.description == #"invalid npm semver version "01.2.3": major version number has a leading zero"#)
        }
    }
}
