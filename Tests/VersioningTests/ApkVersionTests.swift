import Testing
import Versioning

@Suite("ApkVersion")
struct ApkVersionTests {
    /// (lower, higher) pairs following apk-tools' version.c and its test/version.data.
    static let ordered: [(String, String)] = [
        ("1.0_rc1", "1.0"),                      // pre-release suffix below the release
        ("1.0", "1.0_p1"),                       // post-release suffix above it
        ("1.0", "1.0-r1"),                       // package revision
        ("1.0", "1.0-r0"),                       // an explicit -r0 still sorts after no revision
        ("1.0_alpha", "1.0_beta"),
        ("1.0_beta", "1.0_pre"),
        ("1.0_pre", "1.0_rc"),
        ("1.0_rc", "1.0"),
        ("1.0", "1.0_cvs"),
        ("1.0_cvs", "1.0_svn"),
        ("1.0_svn", "1.0_git"),
        ("1.0_git", "1.0_hg"),
        ("1.0_hg", "1.0_p"),
        ("1.0_alpha1", "1.0_alpha2"),
        ("1.0_alpha2", "1.0_alpha10"),
        ("1.0_rc1-r0", "1.0-r0"),
        ("1.6_rc1-r0", "1.6-r0"),                // trivy detector: 1.6-r0 not affected by fixed 1.6_rc1-r0
        ("1.6_rc2", "1.6-r0"),                   // ... nor by 1.6_rc2
        ("1.6-r0", "1.6-r1"),                    // ... but is by 1.6-r1
        ("0.1.0_alpha", "0.1.0_alpha2"),         // 0.1.0_alpha affected by fixed 0.1.0_alpha2
        ("0.1.0_alpha_pre2", "0.1.0_alpha"),     // ... not by 0.1.0_alpha_pre2
        ("1.0_alpha", "1.0_alpha_p"),
        ("1.0-r1", "1.0-r10"),
        ("1.0-r9", "1.0-r10"),
        ("1.0_p9-r0", "1.0_p10-r0"),
        ("1.0", "1.0a"),
        ("1.0a", "1.0b"),
        ("1.0a", "1.0.1"),
        ("1.0-r5", "1.0a"),
        ("1.0.1", "1.0.1a"),
        ("1.05", "1.5"),                         // leading zero: string comparison
        ("1.0", "1.00"),
        ("1.010", "1.09"),
        ("1.02", "1.03-r1"),
        ("1.2", "1.10"),
        ("1.9", "1.10"),
        ("9", "10"),
        ("1.06-r6", "006"),                      // the first number is always numeric
        ("1.2.3", "1.2.3.4"),
        ("1.2.3.4", "1.2.4"),
        ("0.9.28-r2", "0.9.28.1"),
        ("1.07-r1", "1.07.5"),
        ("3.0.20060720", "20060720"),
        ("2.5.1-r8", "2.5.1a-r1"),
        ("0.59s-r11", "0.65"),
        ("1.3_pre1-r1", "1.3.2"),
        ("2.9.11_pre20051101", "2.9.11_pre20051101-r3"),
        ("1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0"),
        ("0.20070118", "0.20070207_rc1"),
        ("4.5_p1", "4.5_p1-r1"),
        ("1.0~abc", "1.0~abd"),                  // commit hashes compare as strings
        ("1.0~abc-r0", "1.0~abc-r1"),
        ("1.0", "1.0~abc"),
    ]

    static let equivalent: [(String, String)] = [
        ("1.0", "1.0"),
        ("006", "6"),
        ("1.0-r0", "1.0-r00"),
        ("1.0_rc01", "1.0_rc1"),
        ("2.16.1-r3", "2.16.1-r3"),
        ("0.1.0_alpha", "0.1.0_alpha"),
    ]

    static let invalid: [String] = [
        "", "1.0bc", "1.0A", "1.0_foo", "1.0_RC1", "1.0_alphabet", "1.0-1", "1.0-r", "1.0-", "a1.0", ".1", "1..0",
        "1.0.", "1.0-r1-r2", "1.0-r1_p1", "1.0~", "1.0~xyz", "1.0a1", "1.0a.1", "v1.0", " 1.0", "1.0 ", "1.0_b2",
        "invalid", "1.0-r1~abc",
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(ApkVersion.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(ApkVersion.self, pair.0, pair.1)
        try expectSameHash(ApkVersion.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected as apk does", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(ApkVersion.self, text)
    }

    @Test func suffixLadder() throws {
        try expectStrictlyIncreasing(ApkVersion.self, [
            "1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_beta2", "1.0_pre", "1.0_rc", "1.0_rc1", "1.0",
            "1.0-r1", "1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p", "1.0_p1", "1.0a", "1.0.1",
        ])
    }

    @Test func errorNamesTheProblem() {
        #expect(throws: VersionError.self) { try ApkVersion(parsing: "1.0_foo") }
        do {
            _ = try ApkVersion(parsing: "1.0_foo")
        } catch {
            #expect(error.description.contains("\"1.0_foo\""))
            #expect(error.reason.contains("unknown suffix"))
        }
    }
}
