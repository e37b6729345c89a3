import Testing
import Versioning

@Suite("MavenVersion")
struct MavenVersionTests {
    /// ComparableVersionTest.VERSIONS_QUALIFIER (strictly increasing).
    static let versionsQualifier = [
        "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2",
        "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot",
        "1-1", "1-2", "1-123",
    ]

    /// ComparableVersionTest.VERSIONS_NUMBER as of Maven 3.9 (MNG-7644 moved "2.0.a" below "2-1").
    static let versionsNumber = [
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1", "2.2",
        "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
    ]

    /// (lower, higher) pairs, mostly from ComparableVersionTest.
    static let ordered: [(String, String)] = [
        // testVersionComparing
        ("1", "2"), ("1.5", "2"), ("1", "2.5"), ("1.0", "1.1"), ("1.1", "1.2"), ("1.0.0", "1.1"), ("1.0.1", "1.1"),
        ("1.1", "1.2.0"),
        ("1.0-alpha-1", "1.0"), ("1.0-alpha-1", "1.0-alpha-2"), ("1.0-alpha-1", "1.0-beta-1"),
        ("1.0-beta-1", "1.0-SNAPSHOT"), ("1.0-SNAPSHOT", "1.0"), ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
        ("1.0", "1.0-1"), ("1.0-1", "1.0-2"), ("1.0.0", "1.0-1"),
        ("2.0-1", "2.0.1"), ("2.0.1-klm", "2.0.1-lmn"), ("2.0.1", "2.0.1-xyz"), ("2.0.1", "2.0.1-123"),
        ("2.0.1-xyz", "2.0.1-123"),
        // testLeadingZeroes
        ("0.7", "2"), ("0.2", "1.0.7"),
        // MNG-5568 (transitivity with an unusual 'H')
        ("6.1.0rc3", "6.1.0"), ("6.1.0rc3", "6.1H.5-beta"), ("6.1.0", "6.1H.5-beta"),
        // MNG-6572 (big numbers)
        ("20190126.230843", "1234567890.12345"), ("1234567890.12345", "123456789012345.1H.5-beta"),
        ("123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta"), ("20190126.230843", "12345678901234567890.1H.5-beta"),
        // MNG-6964
        ("1-0.alpha", "1"), ("1-0.beta", "1"), ("1-0.alpha", "1-0.beta"),
        // MNG-7644: 1.0.0.X1 < 1.0.0-X2
        ("1.0.0.RC1", "1.0.0-RC2"), ("1.0.0.alpha1", "1.0.0-alpha2"), ("1.0.0.a1", "1.0.0-a2"), ("1.0.0.abc1", "1.0.0-abc2"),
        // MNG-7714
        ("1.0.final-redhat", "1.0-sp1-redhat"), ("1.0.final-redhat", "1.0-sp-1-redhat"), ("1.0.final-redhat", "1.0-sp.1-redhat"),
        // qualifier ladder with glued numbers
        ("1.2.3-a1", "1.2.3"), ("1.2.3-a1", "1.2.3-a2"), ("1.2.3-a2", "1.2.3-b1"), ("1.2.3-b1", "1.2.3-m1"),
        ("1.2.3-m1", "1.2.3-rc"), ("1.2.3-cr", "1.2.3"), ("1.2.3-rc1", "1.2.3-SNAPSHOT"),
        // the brief's and trivy's cases
        ("1.0-1", "1.0.1"), ("4.9.9.RELEASE", "5.0.0.RELEASE"), ("1", "1-sp"), ("1.2.3.Final", "1.2.4"),
        ("2.13.4", "2.13.4.2"), ("31.1-android", "31.1-jre"), ("9.4.51", "9.4.51.v20230217"),
        ("2.0.0-M1", "2.0.0"), ("2.0.0-alpha1", "2.0.0-M1"), ("1.0-SNAPSHOT", "1.0.0"),
    ]

    static let equivalent: [(String, String)] = [
        // testVersionsEqual
        ("1", "1"), ("1", "1.0"), ("1", "1.0.0"), ("1.0", "1.0.0"), ("1", "1-0"), ("1", "1.0-0"), ("1.0", "1.0-0"),
        ("1a", "1-a"), ("1a", "1.0-a"), ("1a", "1.0.0-a"), ("1.0a", "1-a"), ("1.0.0a", "1-a"),
        ("1x", "1-x"), ("1x", "1.0-x"), ("1x", "1.0.0-x"), ("1.0x", "1-x"), ("1.0.0x", "1-x"),
        ("1cr", "1rc"), ("1a1", "1-alpha-1"), ("1b2", "1-beta-2"), ("1m3", "1-milestone-3"),
        ("1X", "1x"), ("1A", "1a"), ("1B", "1b"), ("1M", "1m"), ("1Cr", "1Rc"), ("1cR", "1rC"),
        ("1m3", "1Milestone3"), ("1m3", "1MileStone3"), ("1m3", "1MILESTONE3"),
        // testVersionsHaveSameOrderButAreNotEqual: ga/final/release order like ""
        ("1ga", "1"), ("1release", "1"), ("1final", "1"), ("1GA", "1"), ("1RELEASE", "1"), ("1FinaL", "1"),
        ("1.2.3.final", "1.2.3"), ("1.0.0.RELEASE", "1"), ("1.0.0.FINAL", "1.RELEASE"),
        // testVersionEqualWithLeadingZeroes / testVersionZeroEqualWithLeadingZeroes
        ("0000000000000000001", "1"), ("000000001", "01"), ("0000000000000000000", "0"), ("00", "0"),
        // MNG-7644: 2.0.X == 2-X == 2.0.0.X
        ("2-abc", "2.0.abc"), ("2-abc", "2.0.0.abc"), ("2-alpha", "2.0.alpha"), ("2-a", "2.0.0.a"), ("2-RC", "2.0.rc"),
        ("2-m", "2.0.0.m"), ("1.0.0.RC1", "1.0.0-RC1"), ("2.0.0-alpha1", "2.0.0.alpha-1"),
        // testLocaleIndependent
        ("1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        // separators
        ("1--1", "1-0-1"), ("1..1", "1.0.1"), ("-1", "0-1"), ("1-1.0", "1-1"), ("1.", "1-"),
    ]

    static let invalid: [String] = [
        "", "  ", "[1.0,2.0)", "(,1.0]", "1.0,2.0", "<1.0", ">=1.0", "${project.version}", "1.0-${revision}",
        "1.0 beta", "1.0\n2",
    ]

    @Test("ordered pairs", arguments: ordered)
    func orderedPairs(_ pair: (String, String)) throws {
        try expectOrdered(MavenVersion.self, pair.0, pair.1)
    }

    @Test("equivalent pairs", arguments: equivalent)
    func equivalentPairs(_ pair: (String, String)) throws {
        try expectEquivalent(MavenVersion.self, pair.0, pair.1)
    }

    @Test("invalid versions are rejected", arguments: invalid)
    func rejects(_ text: String) {
        expectRejected(MavenVersion.self, text)
    }

    @Test func versionsQualifierOrder() throws {
        try expectStrictlyIncreasing(MavenVersion.self, Self.versionsQualifier)
    }

    @Test func versionsNumberOrder() throws {
        try expectStrictlyIncreasing(MavenVersion.self, Self.versionsNumber)
    }

    @Test("canonical form", arguments: [
        ("1.0.0.RC1", "1-rc1"), ("1.0-SNAPSHOT", "1-snapshot"), ("0.x", "x"), ("0.2", "0.2"), ("1.0.0", "1"),
        ("1-alpha-1", "1-alpha1"), ("2.0.a", "2-a"), ("1.2.3", "1.2.3"), ("1.0-1", "1.0-1"), ("1a1", "1-alpha1"),
    ])
    func canonicalForm(_ pair: (String, String)) throws {
        #expect(try MavenVersion(parsing: pair.0).canonical == pair.1)
    }

    /// ComparableVersionTest.newComparable: the canonical form re-parses to itself.
    @Test func canonicalIsStable() throws {
        let all = Self.versionsQualifier + Self.versionsNumber + Self.ordered.flatMap { [$0.0, $0.1] }
            + Self.equivalent.flatMap { [$0.0, $0.1] }
        for text in all {
            let canonical = try MavenVersion(parsing: text).canonical
            guard !canonical.isEmpty else { continue }   // "0" and "-" style inputs canonicalise to ""
            #expect(try MavenVersion(parsing: canonical).canonical == canonical, "canonical(\(text)) = \(canonical)")
        }
    }
}
