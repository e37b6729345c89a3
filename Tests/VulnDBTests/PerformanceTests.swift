import Foundation
import Testing
import VulnDB

/// Timings reported in docs/vulndb.md. Bounds are generous (debug builds on 2 shared cores); the printed numbers
/// are the point.
@Suite("Performance", .serialized)
struct PerformanceTests {
    static let entryCount = 30_000

    /// A realistic OSV record: GHSA-like for language ecosystems (CVSS, versions list, references, CWE), Debian-like
    /// with urgency, Go with SEMVER and GIT ranges.
    static func record(_ index: Int) -> [String: Any] {
        let package = "package-\(index % 9000)"
        let kind = index % 10
        let fixed = "\(1 + index % 7).\(index % 13).\(index % 5)"
        let cvss = "CVSS:3.1/AV:N/AC:\(index % 2 == 0 ? "L" : "H")/PR:N/UI:\(index % 3 == 0 ? "R" : "N")/S:U/C:H/I:\(index % 4 == 0 ? "L" : "H")/A:N"
        var record: [String: Any]
        switch kind {
        case 0...3:
            record = osvRecord(id: String(format: "GHSA-%04x-%04x-%04x", index, index * 7 % 65536, index * 13 % 65536), ecosystem: "PyPI",
                               name: package, ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", fixed)])],
                               versions: (0..<15).map { "0.\($0).\(index % 3)" }, aliases: ["CVE-2023-\(10000 + index)"],
                               extra: ["severity": [["type": "CVSS_V3", "score": cvss]],
                                       "database_specific": ["severity": ["LOW", "MODERATE", "HIGH", "CRITICAL"][index % 4],
                                                             "cwe_ids": ["CWE-\(20 + index % 50)"], "github_reviewed": true,
                                                             "github_reviewed_at": "2023-06-02T00:00:00Z", "nvd_published_at": NSNull()]])
        case 4, 5:
            record = osvRecord(id: "GHSA-npm-\(index)", ecosystem: "npm", name: package,
                               ranges: [range("SEMVER", [("introduced", "0"), ("fixed", fixed)]),
                                        range("SEMVER", [("introduced", "\(8 + index % 3).0.0"), ("fixed", "\(8 + index % 3).1.0")])],
                               aliases: ["CVE-2022-\(10000 + index)"], extra: ["severity": [["type": "CVSS_V3", "score": cvss]]])
        case 6:
            record = osvRecord(id: "GO-2023-\(index)", ecosystem: "Go", name: "github.com/org\(index % 500)/\(package)",
                               ranges: [range("SEMVER", [("introduced", "0"), ("fixed", fixed)])],
                               affectedExtra: ["ecosystem_specific": ["imports": [["path": "github.com/org/\(package)/sub", "symbols": ["Parse", "Decode"]]]]])
        default:
            record = osvRecord(id: "DEBIAN-CVE-2023-\(10000 + index)", ecosystem: "Debian:\(11 + index % 2)", name: package,
                               ranges: [range("ECOSYSTEM", [("introduced", "0")] + (index % 3 == 0 ? [] : [("fixed", "\(fixed)-1+deb12u1")]))],
                               extra: ["upstream": ["CVE-2023-\(10000 + index)"]],
                               affectedExtra: ["ecosystem_specific": ["urgency": ["low", "medium", "not yet assigned", "unimportant"][index % 4]]])
        }
        var details = "A vulnerability in \(package) allows attackers to do something undesirable. "
        details += String(repeating: "Further technical details about the issue and the affected code paths. ", count: 6)
        record["details"] = details
        var references = record["references"] as? [[String: String]] ?? []
        references += [["type": "WEB", "url": "https://github.com/org/\(package)/commit/\(String(index, radix: 16))"],
                       ["type": "PACKAGE", "url": "https://example.invalid/\(package)"]]
        record["references"] = references
        return record
    }

    @Test("import of 30,000 realistic OSV entries from a zip, then 1,000 lookups")
    func importAndLookups() throws {
        let directory = try TemporaryDirectory("perf")
        defer { directory.remove() }
        let zip = directory.file("all.zip")
        let clock = ContinuousClock()
        var totalBytes = 0
        let writeTime = try clock.measure {
            let entries = try (0..<Self.entryCount).map { index -> (String, Data) in
                let record = Self.record(index)
                let data = try json(record)
                totalBytes += data.count
                return ((record["id"] as? String ?? "x") + ".json", data)
            }
            try writeZip(at: zip, entries: entries)
        }
        let zipSize = (try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? NSNumber)?.intValue ?? 0

        let database = try makeDatabase(directory)
        var report = ImportReport(source: "")
        let importTime = try clock.measure {
            report = try OSVImporter().importPath(zip.path, source: "osv/perf", into: database)
        }
        #expect(report.documents == Self.entryCount)
        #expect(report.advisories == Self.entryCount)
        #expect(report.skipped == 0)

        // 1,000 packages as an image inventory would ask: 900 that exist in PyPI (spelled `Package_N`, found through
        // PEP 503), npm, Debian 12 and Debian 11, and 100 absent ones.
        let keys: [PackageKey] = (0..<1000).map { index in
            if index >= 900 { return PackageKey(ecosystem: "PyPI", name: "absent-\(index)") }
            let number = index * 9
            switch index % 4 {
            case 0: return PackageKey(ecosystem: "PyPI", name: "Package_\(number)")
            case 1: return PackageKey(ecosystem: "npm", name: "package-\(number)")
            case 2: return PackageKey(ecosystem: "debian:12", name: "package-\(number)")
            default: return PackageKey(ecosystem: "Debian:11", name: "package-\(number)")
            }
        }
        var found = 0
        let batchTime = try clock.measure {
            found = try database.advisories(for: keys).values.reduce(0) { $0 + $1.count }
        }
        var singleFound = 0
        let singleTime = try clock.measure {
            for key in keys { singleFound += try database.advisories(ecosystem: key.ecosystem, packageName: key.name).count }
        }
        #expect(found == singleFound)
        #expect(found > 0)

        print("""
            TIMING vulndb: generated \(Self.entryCount) OSV entries (\(totalBytes / 1024) KiB JSON, zip \(zipSize / 1024) KiB) in \(writeTime)
            TIMING vulndb: import of \(Self.entryCount) entries (\(report.affected) affected rows) took \(importTime)
            TIMING vulndb: 1,000 lookups, batch: \(batchTime) (\(found) advisories); one by one: \(singleTime)
            """)
        #expect(importTime < .seconds(120))
        #expect(batchTime < .seconds(10))
    }
}
