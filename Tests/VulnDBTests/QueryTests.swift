import Foundation
import Testing
import VulnDB

@Suite("Queries and severity precedence")
struct QueryTests {
    @Test("the batch query returns every key (empty lists included) with the same results as single lookups")
    func batch() throws {
        let directory = try TemporaryDirectory("query")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let zip = directory.file("feed.zip")
        try writeZip(at: zip, entries: (0..<20).map { index in
            ("R\(index).json", (try? json(osvRecord(id: "R-\(index)", ecosystem: "PyPI", name: "pkg\(index % 5)",
                                                    ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "\(index).0")])]))) ?? Data())
        })
        _ = try OSVImporter().importPath(zip.path, source: "s", into: database)
        let keys = (0..<7).map { PackageKey(ecosystem: "pypi", name: "PKG\($0)") }
        let batch = try database.advisories(for: keys)
        #expect(batch.count == 7)
        for key in keys {
            let single = try database.advisories(ecosystem: key.ecosystem, packageName: key.name)
            #expect(batch[key] == single)
        }
        #expect(batch[keys[0]]?.map(\.id) == ["R-0", "R-10", "R-15", "R-5"])
        #expect(batch[keys[6]] == [])
        #expect(try database.advisories(withID: "R-3").first?.affected.count == 1)
    }

    @Test("severity precedence: per-package vendor, advisory vendor, CVSS v3, CVSS v2, CVSS v4 (given score), UNKNOWN")
    func precedence() {
        let v3 = CVSSScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8)
        let v2 = CVSSScore(vector: "AV:N/AC:M/Au:N/C:P/I:N/A:N", score: 4.3)
        let v4 = CVSSScore(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", score: 2.1)
        let urgent = AffectedPackage(ecosystem: "debian:12", name: "bash", status: .affected, severity: .low, severityText: "unimportant")
        var advisory = Advisory(source: "s", id: "DEBIAN-CVE-1", severity: .high, severitySource: "ubuntu", cvssV2: v2, cvssV3: v3, cvssV4: v4)
        #expect(advisory.effectiveSeverity(for: urgent) == SeverityDecision(severity: .low, source: .vendor("debian")))
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .high, source: .vendor("ubuntu")))
        advisory.severity = nil
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .critical, source: .cvssV3))
        advisory.cvssV3 = nil
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .medium, source: .cvssV2))
        advisory.cvssV2 = nil
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .low, source: .cvssV4))
        // A v4 vector stored without a score is scored from the vector; one that does not parse gives UNKNOWN.
        advisory.cvssV4 = CVSSScore(vector: v4.vector, score: nil)
        #expect(advisory.effectiveSeverity().source == .cvssV4)
        advisory.cvssV4 = CVSSScore(vector: "CVSS:4.0/AV:N", score: nil)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .unknown, source: .none))
        #expect(Advisory.vendorName(forID: "GHSA-1") == "ghsa")
        #expect(Advisory.vendorName(forID: "DLA-3000-1") == "debian")
        #expect(Advisory.vendorName(forID: "USN-6000-1") == "ubuntu")
        #expect(Advisory.vendorName(forID: "CVE-2024-1") == "nvd")
        #expect(Advisory.vendorName(forID: "RUSTSEC-2024-1") == "rustsec")
    }

    @Test("text with quotes, backslashes, control characters and non-ASCII survives the JSON columns")
    func escaping() throws {
        let directory = try TemporaryDirectory("query-escape")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let odd = "a\"b\\c\nd\te\u{1}f — ü 🚀"
        try database.insert(Advisory(source: "s", id: "X-1", aliases: [odd], vendorSeverities: [odd: odd],
                                     references: [Reference(type: odd, url: odd)], cwes: [odd],
                                     affected: [AffectedPackage(ecosystem: "npm", name: "p", ranges: [AffectedRange(type: "SEMVER", repo: odd, events: [RangeEvent(.introduced, odd)])],
                                                                versions: [odd], fixedVersions: [odd], status: .fixed)]))
        let advisory = try #require(try database.advisories(ecosystem: "npm", packageName: "p").first)
        #expect(advisory.aliases == [odd])
        #expect(advisory.vendorSeverities == [odd: odd])
        #expect(advisory.references == [Reference(type: odd, url: odd)])
        #expect(advisory.affected.first?.ranges.first?.repo == odd)
        #expect(advisory.affected.first?.ranges.first?.events == [RangeEvent(.introduced, odd)])
        #expect(advisory.affected.first?.fixedVersions == [odd])
    }
}
