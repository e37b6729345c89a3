import Testing
import Versioning

@Suite("GoVersion")
struct GoVersionTests {
    /// (lower, higher); cross-checked with golang.org/x/mod/semver.Compare.
    static let ordered: [(String, String)] = [
        // Pseudo-versions sort by their pre-release (timestamp) and below the release they precede.
        ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20191109021932-aaaaaaaaaaaa"),
        ("v0.0.0-20180101000000-aaaaaaaaaaaa", "v0.0.0-20190101000000-000000000000"),
        ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0"),
        ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1-0.20191109021931-daa7c04131f5"),
        ("v0.0.0-20220314234659-1baeb1ce4c0b", "v0.1.0"),
        ("0.0.0-20220314234659-1baeb1ce4c0b", "0.0.0-20220315000000-aaaaaaaaaaaa"),   // OSV style, no v
        ("v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5"),
        ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"),
        ("v1.5.0-0.20191109021931-daa7c04131f5", "v1.5.0-0.20200101000000-000000000000"),
        ("v1.2.3-pre", "v1.2.3-pre.0.20191109021931-daa7c04131f5"),
        ("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre.1"),
        ("v1.2.3-pre.1", "v1.2.3"),
        ("v0.3.0", "v0.3.1-0.20200101000000-000000000000"),
        ("v3.0.0+incompatible", "v3.0.1-0.20200101000000-abcdefabcdef"),
        ("v4.0.0-20210101000000-abcdefabcdef+incompatible", "v4.0.0+incompatible"),
        // +incompatible is build metadata and does not affect ordering.
        ("v2.0.0+incompatible", "v2.0.1"),
        ("v2.0.1", "v2.0.2+incompatible"),
        // Plain SemVer precedence.
        ("v0.0.0", "v0.0.1"),
        ("v0.1.0", "v0.2.0"),
        ("v0.9.0", "v1.0.0-alpha"),
        ("v1.0.0-alpha", "v1.0.0-alpha.0"),
        ("v1.0.0-alpha.0", "v1.0.0-alpha.1"),
        ("v1.0.0-0", "v1.0.0-1"),
        ("v1.0.0-1", "v1.0.0-a"),
        ("v1.2.3-alpha.1", "v1.2.3-alpha.beta"),
        ("v1.2.3-beta", "v1.2.3-rc.1"),
        ("v1.2.3-rc.2", "v1.2.3-rc.10"),
        ("v1.0.0-rc.1", "v1.0.0"),
        ("v1.9.9", "v1.10.0"),
        ("v1.10.0", "v10.0.0"),
        ("v1.15.2", "v1.16.0"),
        ("v1.17.13", "v1.17.14"),
        ("v1.18.0-rc.1", "v1.18.0"),
        ("v2.3.4", "v2.3.5-pre"),
        ("v1", "v1.0.1"),                        // shorthand v1 == v1.0.0
        ("v1.2", "v1.2.1"),
        ("1.2.3", "v1.2.4"),                     // the v is optional here
        ("v1.999999999999999999999.0", "v2.0.0"),
        ("v1.2.3-99999999999999999999", "v1.2.3-100000000000000000000"),
        ("v0.0.0", "v1"),
    ]

    static let equivalent: [(String, String)] = [
        ("v1", "v1.0.0"),
        ("v1.2", "v1.2.0"),
        ("v2.0.0+incompatible", "v2.0.0"),
        ("1.2.3", "v1.2.3"),
        ("v1.2.3+meta", "v1.2.3"),
        ("v1.2.3-rc.1+build.5", "v1.2.3-rc.1"),
    ]

    static let invalid: [String] = [
        "", "v", "v01.2.3", "v1.02.3", "v1.2.03", "v1.2.3-01", "v1.2-pre", "v1-pre", "v1.2.3-", "v1.2.3+", "vv1.2.3",
        "v1.2.3.4", "v1.", "v1.2.", "v1.2.3-a..b", "go1.21.0", "latest", "v1.2.3 +x", "(devel)",
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(GoVersion.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(GoVersion.self, pair.0, pair.1)
        try expectSameHash(GoVersion.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(GoVersion.self, text)
    }

    @Test("pseudo-version forms", arguments: [
        ("v0.0.0-20191109021931-daa7c04131f5", "20191109021931", "daa7c04131f5"),
        ("v1.2.4-0.20191109021931-daa7c04131f5", "20191109021931", "daa7c04131f5"),
        ("v1.2.3-pre.0.20191109021931-daa7c04131f5", "20191109021931", "daa7c04131f5"),
        ("v2.0.0-20200101000000-abcdefabcdef+incompatible", "20200101000000", "abcdefabcdef"),
    ])
    func pseudoVersions(_ row: (String, String, String)) throws {
        let v = try GoVersion(parsing: row.0)
        #expect(v.isPseudoVersion)
        #expect(v.pseudoVersionTimestamp == row.1)
        #expect(v.pseudoVersionRevision == row.2)
    }

    @Test("not pseudo-versions", arguments: [
        "v1.2.3", "v1.2.3-pre", "v1.2.3-20191109021931-daa7c04131f5", "v1.0.0-1.20191109021931-daa7c04131f5",
        "v0.0.0-2019110902193-daa7c04131f5",
    ])
    func notPseudoVersions(_ text: String) throws {
        #expect(try !GoVersion(parsing: text).isPseudoVersion)
    }

    @Test func canonicalAndIncompatible() throws {
        #expect(try GoVersion(parsing: "v1").canonical == "v1.0.0")
        #expect(try GoVersion(parsing: "1.2").canonical == "v1.2.0")
        let inc = try GoVersion(parsing: "v2.0.0+incompatible")
        #expect(inc.isIncompatible)
        #expect(inc.canonical == "v2.0.0")
        #expect(inc.build == ["incompatible"])
        #expect(try !GoVersion(parsing: "v2.0.0").isIncompatible)
    }
}
