import Testing
import Versioning

@Suite("DpkgVersion")
struct DpkgVersionTests {
    /// (lower, higher) pairs; every one was cross-checked with `dpkg --compare-versions`.
    static let ordered: [(String, String)] = [
        ("1.0~rc1", "1.0"),                      // tilde sorts before the end
        ("1.0~", "1.0"),
        ("1.0~~", "1.0~"),
        ("1.0~~a", "1.0~"),
        ("1.0~rc1", "1.0~rc2"),
        ("1.0~rc1~git", "1.0~rc1"),
        ("1.0~git20230101", "1.0"),
        ("1.0.0~beta1", "1.0.0"),
        ("2.0", "1:0.1"),                        // epoch first
        ("0.1", "0:0.2"),
        ("1:2.36-9", "2:0"),
        ("2.36-9+deb12u4", "1:2.36-9"),
        ("1:0.1", "1:0.1-1"),
        ("1.0-1", "1.0-1+b1"),                   // binNMU
        ("1.0", "1.0a"),                         // end of string before letters
        ("1.0a", "1.0+"),                        // letters before non-letters
        ("1.0+", "1.0.a"),                       // '+' < '.'
        ("1.0a", "1.0_1"),                       // '_' is a non-letter (accepted like go-deb-version)
        ("1.0A", "1.0a"),                        // ASCII order among letters
        ("1.0Z", "1.0a"),
        ("1.0", "1.0+dfsg"),
        ("1.0", "1.0+git20230101"),
        ("1.0+dfsg-1", "1.0+dfsg1-1"),
        ("1.2.3", "1.2.10"),                     // digit runs compare numerically
        ("9", "10"),
        ("1.0", "1.0.0"),
        ("1.0.0", "1.0.1"),
        ("1.0-1", "1.0.1"),
        ("1.0-1", "1.0-2"),
        ("1.0-2", "1.0-10"),
        ("1.0-1", "1.0-1.1"),
        ("1.0-1~bpo1", "1.0-1"),
        ("1.0-1~", "1.0-1"),
        ("1.0-~", "1.0"),                        // revision "~" is below a missing revision
        ("1.0-1ubuntu0.1", "1.0-1ubuntu1"),
        ("1.0-1", "1.0-1build1"),
        ("2.2.12-1~deb11u1", "2.2.12-1"),
        ("2.2.12-1", "2.2.12-1+deb12u1"),
        ("0.9.8", "0.9.8a"),
        ("0.9.8-1", "0.9.8a"),
        ("1.1.1n-0+deb11u5", "3.0.11-1~deb12u2"),
        ("8.2p1", "8.2p1-4"),
        ("20230311", "20230311.1"),
        ("7.4.052", "7.4.052-1"),
        ("3.0.2-0ubuntu1.9", "3.0.2-0ubuntu1.10"),
        ("1.0-0ubuntu1", "1.0-1"),
    ]

    static let equivalent: [(String, String)] = [
        ("1.0", "1.00"),
        ("1.0", "0:1.0"),
        ("1.0", "1.0-0"),                         // a missing revision orders like "0"
        ("1.0-1", "0:1.0-01"),
        ("1.01", "1.1"),
        ("1.0~rc1", "1.0~rc01"),
        ("0", "0:0"),
        ("1.0", "  1.0 \n"),
        ("2:1.0-1", "2:1.0-1"),
        ("1.0.", "1.0.0"),                        // a trailing zero run equals no run
    ]

    static let invalid: [String] = [
        "", "   ", "a1.0", ":1.0", "a:1.0", "-1:1.0", "1:", "1.0-", "-1", "1.0 1", "1.0@1", "1.0-1:2",
        "99999999999:1.0", "1.0é", "1:a1", "1.0-1!",
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(DpkgVersion.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(DpkgVersion.self, pair.0, pair.1)
        try expectSameHash(DpkgVersion.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected with the input in the message", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(DpkgVersion.self, text)
    }

    @Test func components() throws {
        let v = try DpkgVersion(parsing: "1:2.36-9+deb12u4")
        #expect(v.epoch == 1)
        #expect(v.upstream == "2.36")
        #expect(v.revision == "9+deb12u4")
        #expect(v.description == "1:2.36-9+deb12u4")

        let hyphenated = try DpkgVersion(parsing: "1.2-3-4")     // revision after the last hyphen
        #expect(hyphenated.upstream == "1.2-3")
        #expect(hyphenated.revision == "4")

        let colons = try DpkgVersion(parsing: "1:2:3-1")          // colons allowed after an epoch
        #expect(colons.epoch == 1)
        #expect(colons.upstream == "2:3")
        #expect(try DpkgVersion(parsing: "2.0").revision.isEmpty)
    }

    @Test func errorMessages() {
        #expect(throws: VersionError(scheme: .dpkg, input: "1:", reason: "nothing after colon in version number")) {
            try DpkgVersion(parsing: "1:")
        }
        #expect(throws: VersionError(scheme: .dpkg, input: "a1.0", reason: "version number does not start with digit")) {
            try DpkgVersion(parsing: "a1.0")
        }
        let error = VersionError(scheme: .dpkg, input: "1.0-", reason: "revision number is empty")
        #expect(error.description == #"invalid Debian (dpkg) version "1.0-": revision number is empty"#)
    }

    @Test func sortsLikeDpkg() throws {
        try expectStrictlyIncreasing(DpkgVersion.self, [
            "1.0~~", "1.0~~a", "1.0~", "1.0~rc1", "1.0", "1.0-1", "1.0-1+b1", "1.0a", "1.0+dfsg", "1.0.1", "1:0.1",
        ])
    }
}
