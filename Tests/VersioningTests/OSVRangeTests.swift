import Foundation
import Testing
import Versioning

@Suite("OSVRange")
struct OSVRangeTests {
    typealias Case = (version: String, affected: Bool)

    static let twoIntervals = OSVRange(type: .semver, events: [
        .introduced("1.0.0"), .fixed("1.0.2"), .introduced("3.0.0"), .fixed("3.2.5"),
    ])

    @Test("[1.0.0, 1.0.2) ∪ [3.0.0, 3.2.5)", arguments: [
        ("0.9.0", false), ("1.0.0-rc.1", false), ("1.0.0", true), ("1.0.1", true), ("1.0.2-alpha", true),
        ("1.0.2", false), ("2.0.0", false), ("3.0.0", true), ("3.2.4", true), ("3.2.5", false), ("4.0.0", false),
    ] as [Case])
    func multipleIntervals(_ c: Case) throws {
        #expect(try Self.twoIntervals.affects(c.version, scheme: .semver).isAffected == c.affected)
        // The events need not be sorted in the record.
        let shuffled = OSVRange(type: .semver, events: [
            .fixed("3.2.5"), .introduced("3.0.0"), .fixed("1.0.2"), .introduced("1.0.0"),
        ])
        #expect(try shuffled.affects(c.version, scheme: .semver).isAffected == c.affected)
    }

    @Test("introduced 0 / fixed", arguments: [
        ("0.0.0", true), ("0.0.1-alpha", true), ("6.5.3", true), ("6.5.4-rc.1", true), ("6.5.4", false), ("7.0.0", false),
    ] as [Case])
    func introducedZero(_ c: Case) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("0"), .fixed("6.5.4")])
        #expect(try range.affects(c.version, scheme: .semver) == (c.affected ? .affected : .notAffected))
    }

    @Test("introduced 0 sorts below versions that are below \"0\" in the scheme", arguments: [
        (VersionScheme.dpkg, "0~rc1"), (.pep440, "0.dev0"), (.semver, "0.0.0-alpha"), (.rpm, "0~beta"),
        (.maven, "0-alpha-1"), (.apk, "0_alpha"), (.go, "v0.0.0-20190101000000-abcdefabcdef"),
    ])
    func introducedZeroIsMinimal(_ row: (VersionScheme, String)) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("0"), .fixed("1.0.0")])
        #expect(try range.affects(row.1, scheme: row.0) == .affected)
    }

    @Test("last_affected is inclusive", arguments: [
        ("2.1.213", true), ("2.1.214", true), ("2.1.214.1", false), ("2.1.215", false),
    ] as [Case])
    func lastAffected(_ c: Case) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("0"), .lastAffected("2.1.214")])
        #expect(try range.affects(c.version, scheme: .maven).isAffected == c.affected)
    }

    @Test("limit bounds the range", arguments: [
        ("0.9", false), ("1.0", true), ("1.5", true), ("1.9.9", true), ("2.0", false), ("2.5", false),
    ] as [Case])
    func limit(_ c: Case) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("1.0"), .limit("2.0")])
        #expect(try range.affects(c.version, scheme: .pep440).isAffected == c.affected)
    }

    @Test("several limits: below any of them", arguments: [
        ("1.0", true), ("2.0", true), ("2.4", true), ("2.5", false), ("3.0", false),
    ] as [Case])
    func multipleLimits(_ c: Case) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("0"), .limit("1.5"), .limit("2.5")])
        #expect(try range.affects(c.version, scheme: .pep440).isAffected == c.affected)
    }

    @Test func starLimitIsInfinity() throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("1.0"), .limit("*")])
        #expect(try range.affects("999.0", scheme: .pep440) == .affected)
        #expect(try range.affects("0.5", scheme: .pep440) == .notAffected)
    }

    @Test func limitAndFixedTogether() throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced("1.0"), .fixed("1.5"), .introduced("2.0"), .limit("3.0")])
        #expect(try range.affects("1.2", scheme: .pep440) == .affected)
        #expect(try range.affects("1.7", scheme: .pep440) == .notAffected)
        #expect(try range.affects("2.5", scheme: .pep440) == .affected)
        #expect(try range.affects("3.5", scheme: .pep440) == .notAffected)
    }

    @Test("ECOSYSTEM ranges use the scheme's ordering", arguments: [
        // scheme, introduced, fixed, version, affected
        (VersionScheme.pep440, "0", "2.0.0rc1", "2.0.0a1", true),
        (.pep440, "0", "2.0.0rc1", "2.0.0rc1", false),
        (.pep440, "0", "2.0.0rc1", "2.0", false),
        (.pep440, "1.0", "1.0.post1", "1.0+local", true),
        (.dpkg, "0", "1.0-2", "1.0-1", true),
        (.dpkg, "0", "1.0-2", "1:0.5", false),
        (.dpkg, "0", "2.36-9+deb12u4", "2.36-9", true),
        (.apk, "0", "1.6-r1", "1.6-r0", true),
        (.apk, "0", "1.6_rc1-r0", "1.6-r0", false),
        (.rpm, "0", "1.0^git1", "1.0", true),
        (.rpm, "0", "1:1.0-1.el8", "2.0-1.el8", true),
        (.maven, "2.0.0", "2.15.0", "2.14.1", true),
        (.maven, "2.0.0", "2.15.0", "2.15.0.RELEASE", false),
        (.maven, "2.0.0", "2.15.0", "2.0.0-rc1", false),
        (.go, "0", "0.0.0-20220314234659-1baeb1ce4c0b", "v0.0.0-20220101000000-abcdefabcdef", true),
        (.go, "0", "1.2.3", "v1.2.3+incompatible", false),
        (.semver, "4.0.0", "4.17.21", "4.17.20", true),
    ])
    func ecosystemOrdering(_ row: (VersionScheme, String, String, String, Bool)) throws {
        let range = OSVRange(type: .ecosystem, events: [.introduced(row.1), .fixed(row.2)])
        #expect(try range.affects(row.3, scheme: row.0).isAffected == row.4)
    }

    @Test func semverRangesUseSemVerForNonSemverSchemes() throws {
        // An OSV SEMVER range is SemVer 2.0 whatever the ecosystem; Go keeps its tolerant parser.
        let range = OSVRange(type: .semver, events: [.introduced("0"), .fixed("1.2.0")])
        #expect(try range.affects("1.1.9", scheme: .pep440) == .affected)
        #expect(try range.affects("v1.1.9", scheme: .go) == .affected)
        #expect(try range.affects("v1.2", scheme: .go) == .notAffected)
    }

    @Test func gitRangesAreUnsupported() throws {
        let git = OSVRange(type: .git, repo: "https://example.invalid/repo",
                           events: [.introduced("0"), .fixed("1baeb1ce4c0b1baeb1ce4c0b1baeb1ce4c0b1bae")])
        #expect(try git.affects("1.0.0", scheme: .semver) == .unsupported(.git))
        #expect(try OSVRange(type: .other("FOO"), events: []).affects("1.0.0", scheme: .semver) == .unsupported(.other("FOO")))
        #expect(!OSVMatch.unsupported(.git).isAffected)
    }

    @Test func noIntroducedMeansNeverAffected() throws {
        let range = OSVRange(type: .ecosystem, events: [.fixed("1.0")])
        #expect(try range.affects("0.5", scheme: .pep440) == .notAffected)
    }

    @Test func equalVersionsKeepRecordOrder() throws {
        // introduced and fixed at the same version: the later event wins for that version.
        let closed = OSVRange(type: .ecosystem, events: [.introduced("1.0"), .fixed("1.0")])
        #expect(try closed.affects("1.0", scheme: .pep440) == .notAffected)
        let reopened = OSVRange(type: .ecosystem, events: [.fixed("1.0"), .introduced("1.0")])
        #expect(try reopened.affects("1.0", scheme: .pep440) == .affected)
    }

    @Test func unparsableVersionsThrowNamingTheText() {
        let range = OSVRange(type: .ecosystem, events: [.introduced("0"), .fixed("not-a-version")])
        #expect(throws: VersionError.self) { try range.affects("1.0", scheme: .pep440) }
        do {
            _ = try range.affects("1.0", scheme: .pep440)
        } catch {
            #expect(error.input == "not-a-version")
        }
        let good = OSVRange(type: .ecosystem, events: [.introduced("0")])
        do {
            _ = try good.affects("bogus!", scheme: .pep440)
            Issue.record("accepted an invalid installed version")
        } catch {
            #expect(error.input == "bogus!")
        }
    }

    // MARK: affected[] = versions + ranges

    @Test func explicitVersionsList() throws {
        let affected = OSVAffectedVersions(versions: ["1.0", "1.1", "garbage tag"])
        #expect(try affected.affects("1.1", scheme: .pep440) == .affected)
        #expect(try affected.affects("1.0.0", scheme: .pep440) == .affected)   // equal under PEP 440
        #expect(try affected.affects("1.2", scheme: .pep440) == .notAffected)
        #expect(try affected.listsVersion("1.1", scheme: .pep440))
        #expect(throws: VersionError.self) { try affected.affects("not valid!", scheme: .pep440) }
    }

    @Test func versionsOrRanges() throws {
        let affected = OSVAffectedVersions(
            ranges: [OSVRange(type: .ecosystem, events: [.introduced("2.0"), .fixed("2.2")])],
            versions: ["1.4"]
        )
        #expect(try affected.affects("1.4", scheme: .pep440) == .affected)
        #expect(try affected.affects("2.1", scheme: .pep440) == .affected)
        #expect(try affected.affects("1.5", scheme: .pep440) == .notAffected)
        #expect(try affected.affects("2.2", scheme: .pep440) == .notAffected)
    }

    @Test func gitRangeFallsBackOnVersionsList() throws {
        let git = OSVRange(type: .git, repo: "https://example.invalid/repo", events: [.introduced("0")])
        let withList = OSVAffectedVersions(ranges: [git], versions: ["1.0.0", "1.0.1"])
        #expect(try withList.affects("1.0.1", scheme: .semver) == .affected)
        #expect(try withList.affects("1.0.2", scheme: .semver) == .notAffected)
        let withoutList = OSVAffectedVersions(ranges: [git])
        #expect(try withoutList.affects("1.0.2", scheme: .semver) == .unsupported(.git))
        let mixed = OSVAffectedVersions(ranges: [git, OSVRange(type: .semver, events: [.introduced("0"), .fixed("1.0.1")])])
        #expect(try mixed.affects("1.0.0", scheme: .semver) == .affected)
        #expect(try mixed.affects("1.0.1", scheme: .semver) == .unsupported(.git))
    }

    // MARK: JSON

    @Test func decodesOSVJSON() throws {
        let json = Data("""
        {
          "ranges": [
            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.5.4"}]},
            {"type": "GIT", "repo": "https://github.com/indutny/elliptic",
             "events": [{"introduced": "0"}, {"last_affected": "441b7428b0e8f6636c42118ad2aaa186d3c34c3f"}]},
            {"type": "SEMVER", "events": [{"introduced": "7.0.0"}, {"limit": "*"}], "database_specific": {"x": 1}}
          ],
          "versions": ["6.5.3"]
        }
        """.utf8)
        let affected = try JSONDecoder().decode(OSVAffectedVersions.self, from: json)
        #expect(affected.ranges.count == 3)
        #expect(affected.ranges[0].type == .ecosystem)
        #expect(affected.ranges[0].events == [.introduced("0"), .fixed("6.5.4")])
        #expect(affected.ranges[1].type == .git)
        #expect(affected.ranges[1].repo == "https://github.com/indutny/elliptic")
        #expect(affected.ranges[1].events.last == .lastAffected("441b7428b0e8f6636c42118ad2aaa186d3c34c3f"))
        #expect(affected.ranges[2].events == [.introduced("7.0.0"), .limit("*")])
        #expect(try affected.affects("6.5.3", scheme: .semver) == .affected)
        #expect(try affected.affects("6.5.4", scheme: .semver) == .notAffected)
        #expect(try affected.affects("7.1.0", scheme: .semver) == .affected)

        // Round trip.
        let again = try JSONDecoder().decode(OSVAffectedVersions.self, from: JSONEncoder().encode(affected))
        #expect(again == affected)
    }

    @Test func rejectsEventsWithTwoKeys() {
        let json = Data(#"{"type": "SEMVER", "events": [{"introduced": "1.0.0", "fixed": "1.0.2"}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OSVRange.self, from: json) }
    }
}
