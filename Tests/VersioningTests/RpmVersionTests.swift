import Testing
import Versioning

@Suite("RpmVersion")
struct RpmVersionTests {
    /// (lower, higher) pairs; all cross-checked with `rpm --eval '%{lua: print(rpm.vercmp(a, b))}'`.
    static let ordered: [(String, String)] = [
        ("1.0~rc1", "1.0"),                      // tilde: pre-release
        ("1.0~rc1", "1.0~rc2"),
        ("1.0~rc1~git123", "1.0~rc1"),
        ("1.0~", "1.0"),
        ("1.0", "1.0^"),                         // caret: post-release snapshot...
        ("1.0", "1.0^git1"),
        ("1.0^git1", "1.0.1"),                   // ... below any longer normal version
        ("1.0^git1", "1.01"),
        ("1.0^git1", "1.0^git2"),
        ("1.0^20160101", "1.0.1"),
        ("1.0^20160101^git1", "1.0^20160102"),
        ("1.0~rc1", "1.0~rc1^git1"),
        ("1.0^git1~pre", "1.0^git1"),
        ("1.0~", "1.0^"),
        ("1.0~rc1", "1.0^git1"),
        ("1.0^^1", "1.0^1"),
        ("^1.0", "1.0"),
        ("1.0-1", "1.0-1^"),
        ("1.0-1^git1", "1.0-1.1"),
        ("1:1.0", "1:1.0^git1"),
        ("2.0", "1:1.0"),                        // epoch first
        ("1:1.0", "2:0.1"),
        ("1.0~rc1", "2:1.0~rc1"),
        ("1.0", "2.0"),
        ("2.0", "2.0.1"),
        ("2.0.1", "2.0.1a"),
        ("5.5p1", "5.5p2"),
        ("5.5p1", "5.5p10"),
        ("5.5p2", "5.6p1"),
        ("10xyz", "10.1xyz"),
        ("xyz10", "xyz10.1"),
        ("xyz.4", "8"),                          // numbers are newer than letters
        ("xyz.4", "2"),
        ("6.0", "6.0.rc1"),
        ("10a2", "10b2"),
        ("1.0a", "1.0aa"),
        ("1.0a", "1.0.1"),
        ("1.0A1", "1.0a1"),
        ("10.0001", "10.0039"),
        ("4.999.9", "5.0"),
        ("20101121", "20101122"),
        ("1.0", "1.0-1"),                        // a missing release sorts below any release...
        ("1.0", "1.0-"),                         // ... even an empty one
        ("1.0", "1.0-~"),                        // ... or one that rpmvercmp puts below ""
        ("1.0-1.el8", "1.0-2.el8"),
        ("1.0-1.el8", "1.0-1.el8_1"),
        ("2.9.1-6.el7_2.3", "2.9.1-6.0.1.el7_2.3"),   // Oracle Linux corner cases
        ("3.10.0-327.el7", "3.10.0-327.28.3.el7"),
        ("3.14.3-23.el6_7", "3.14.3-23.3.el6_8"),
        ("2.23.2-22.el7_1", "2.23.2-22.el7_1.1"),
    ]

    static let equivalent: [(String, String)] = [
        ("1.0", "1.0"),
        ("2.0", "2_0"),                          // separators only separate
        ("10.0001", "10.1"),
        ("a+", "a_"),
        ("0:1.0", "1.0"),
        (":1.0", "1.0"),                         // rpm reads an empty epoch as 0
        ("1.0", "1.0."),
        ("1.0-1", "0:1.0-1"),
        ("1.0-0", "1.0-00"),
        ("1.0-", "1.0-"),
        ("1.0~rc1^git1", "1.0~rc1^git1"),
        (" 1.0-1 ", "1.0-1"),
    ]

    static let invalid: [String] = [
        "", "  ", "a:1.0", "1a:1.0", "1:", "1:-1", "-1", "1.0 -1", "99999999999:1.0", "1.0\t1", "1.0\u{7}",
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(RpmVersion.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(RpmVersion.self, pair.0, pair.1)
        try expectSameHash(RpmVersion.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(RpmVersion.self, text)
    }

    @Test func components() throws {
        let v = try RpmVersion(parsing: "2:7.4.052-1.el6")
        #expect(v.epoch == 2)
        #expect(v.hasEpoch)
        #expect(v.version == "7.4.052")
        #expect(v.release == "1.el6")
        let plain = try RpmVersion(parsing: "6.0-4.el6.x86_64")
        #expect(plain.epoch == 0 && !plain.hasEpoch)
        #expect(plain.release == "4.el6.x86_64")
        let hyphens = try RpmVersion(parsing: "0:0-0-0")      // rpm's parseEVR: release after the last '-'
        #expect(hyphens.version == "0-0")
        #expect(hyphens.release == "0")
    }

    @Test func caretAndTildeLadder() throws {
        try expectStrictlyIncreasing(RpmVersion.self, [
            "1.0~rc1~git1", "1.0~rc1", "1.0~rc1^git1", "1.0~rc2", "1.0", "1.0^git1~pre", "1.0^git1", "1.0^git2",
            "1.0.1~rc1", "1.0.1", "1:0.1",
        ])
    }
}
