import Foundation
import Testing
import VulnDB
import ZIPFoundation

@Suite("OSVImporter")
struct OSVImporterTests {
    /// Every range shape OSV 1.x allows, each on its own package.
    nonisolated(unsafe) static let shapes: [(name: String, ranges: [[String: Any]], versions: [String]?, fixed: [String], status: AdvisoryStatus)] = [
        ("semver-fixed", [range("SEMVER", [("introduced", "0"), ("fixed", "1.2.3")])], nil, ["1.2.3"], .fixed),
        ("ecosystem-open", [range("ECOSYSTEM", [("introduced", "1.0")])], nil, [], .affected),
        ("last-affected", [range("ECOSYSTEM", [("introduced", "0"), ("last_affected", "2.0")])], nil, [], .affected),
        ("limit", [range("SEMVER", [("introduced", "1.0"), ("limit", "2.0")])], nil, [], .affected),
        ("pairs", [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "1.5"), ("introduced", "2.0"), ("fixed", "2.3")])],
         nil, ["1.5", "2.3"], .fixed),
        ("two-ranges", [range("SEMVER", [("introduced", "0"), ("fixed", "1.1")]),
                        range("SEMVER", [("introduced", "3.0"), ("fixed", "3.4")])], nil, ["1.1", "3.4"], .fixed),
        ("git-only", [range("GIT", [("introduced", "abc123"), ("fixed", "def456")], repo: "https://git.example/r")],
         nil, [], .affected),
        ("git-and-ecosystem", [range("GIT", [("introduced", "0"), ("fixed", "def456")], repo: "https://git.example/r"),
                               range("ECOSYSTEM", [("introduced", "0"), ("fixed", "4.0")])], nil, ["4.0"], .fixed),
        ("versions-only", [], ["1.0", "1.1", "1.2"], [], .affected),
        ("versions-and-range", [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "0.9")])], ["0.1", "0.8"], ["0.9"], .fixed),
    ]

    @Test("every range shape round-trips from a directory (recursive) into queries")
    func rangeShapes() throws {
        let directory = try TemporaryDirectory("osv-shapes")
        defer { directory.remove() }
        for (index, shape) in Self.shapes.enumerated() {
            let record = osvRecord(id: "TEST-\(index)", ecosystem: "PyPI", name: shape.name, ranges: shape.ranges, versions: shape.versions)
            _ = try directory.write("feed/sub\(index % 3)/TEST-\(index).json", try json(record))
        }
        _ = try directory.write("feed/README.md", Data("not json".utf8))
        let database = try makeDatabase(directory)
        let report = try OSVImporter().importPath(directory.path + "/feed", source: "test", into: database)
        #expect(report.documents == Self.shapes.count)
        #expect(report.advisories == Self.shapes.count)
        #expect(report.skipped == 0)
        for (index, shape) in Self.shapes.enumerated() {
            let found = try database.advisories(ecosystem: "PyPI", packageName: shape.name)
            #expect(found.map(\.id) == ["TEST-\(index)"], "\(shape.name)")
            let affected = try #require(found.first?.affected.first)
            #expect(affected.fixedVersions == shape.fixed, "\(shape.name)")
            #expect(affected.status == shape.status, "\(shape.name)")
            #expect(affected.versions == (shape.versions ?? []), "\(shape.name)")
            let expectedRanges = shape.ranges.map { range in
                AffectedRange(type: range["type"] as? String ?? "", repo: range["repo"] as? String,
                              events: (range["events"] as? [[String: String]] ?? []).compactMap { event in
                                  event.first.flatMap { key, value in RangeEvent.Kind(rawValue: key).map { RangeEvent($0, value) } }
                              })
            }
            #expect(affected.ranges == expectedRanges, "\(shape.name)")
        }
    }

    @Test("a single file, a JSON array file, and a zip with nested paths and non-JSON members")
    func fileArrayAndZip() throws {
        let directory = try TemporaryDirectory("osv-forms")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let single = try directory.write("one.json", try json(osvRecord(id: "GHSA-aaaa-bbbb-cccc", ecosystem: "npm", name: "left-pad",
                                                                         ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "1.3.0")])])))
        #expect(try OSVImporter().importPath(single.path, source: "single", into: database).advisories == 1)

        let array = try directory.write("many.json", try json([
            osvRecord(id: "GO-2024-0001", ecosystem: "Go", name: "github.com/x/y", ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "1.0.1")])]),
            osvRecord(id: "GO-2024-0002", ecosystem: "Go", name: "github.com/x/y", ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "1.0.2")])]),
        ]))
        #expect(try OSVImporter().importPath(array.path, source: "array", into: database).advisories == 2)

        let zip = directory.file("all.zip")
        try writeZip(at: zip, entries: [
            ("RUSTSEC-2024-0001.json", try json(osvRecord(id: "RUSTSEC-2024-0001", ecosystem: "crates.io", name: "Serde_Json",
                                                          ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "1.0.100")])]))),
            ("nested/RUSTSEC-2024-0002.json", try json(osvRecord(id: "RUSTSEC-2024-0002", ecosystem: "crates.io", name: "serde_json",
                                                                 ranges: [range("SEMVER", [("introduced", "2.0.0")])]))),
            ("README.txt", Data("ignored".utf8)),
        ])
        let report = try OSVImporter().importPath(zip.path, source: "osv/crates.io", into: database)
        #expect(report.documents == 2)
        #expect(report.advisories == 2)
        #expect(try database.advisories(ecosystem: "crates.io", packageName: "SERDE_JSON").map(\.id) == ["RUSTSEC-2024-0001", "RUSTSEC-2024-0002"])
        #expect(try database.advisories(ecosystem: "npm", packageName: "left-pad").first?.affected.first?.fixedVersions == ["1.3.0"])
        #expect(try database.advisories(ecosystem: "Go", packageName: "github.com/x/y").count == 2)
        #expect(try database.sources().map(\.name) == ["array", "osv/crates.io", "single"])
    }

    @Test("OSV ecosystems are normalised on import (Debian, Ubuntu, Alpine)")
    func osEcosystems() throws {
        let directory = try TemporaryDirectory("osv-os")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let records = [
            osvRecord(id: "DEBIAN-CVE-2024-0001", ecosystem: "Debian:12", name: "OpenSSL",
                      ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "3.0.11-1~deb12u2")])],
                      extra: ["upstream": ["CVE-2024-0001"]], affectedExtra: ["ecosystem_specific": ["urgency": "unimportant"]]),
            osvRecord(id: "UBUNTU-CVE-2024-0002", ecosystem: "Ubuntu:22.04:LTS", name: "glibc",
                      ranges: [range("ECOSYSTEM", [("introduced", "0")])],
                      extra: ["severity": [["type": "Ubuntu", "score": "medium"]]]),
            osvRecord(id: "ALPINE-CVE-2024-0003", ecosystem: "Alpine:v3.18", name: "musl",
                      ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "1.2.4-r1")])]),
        ]
        _ = try directory.write("os.json", try json(records))
        _ = try OSVImporter().importPath(directory.path + "/os.json", source: "os", into: database)

        let debian = try database.advisories(ecosystem: "debian:12", packageName: "openssl")
        #expect(debian.map(\.id) == ["DEBIAN-CVE-2024-0001"])
        #expect(debian.first?.upstream == ["CVE-2024-0001"])
        let debianAffected = try #require(debian.first?.affected.first)
        #expect(debianAffected.originalName == "OpenSSL")
        #expect(debianAffected.severity == .low)
        #expect(debianAffected.severityText == "unimportant")
        #expect(debian.first?.effectiveSeverity(for: debianAffected) == SeverityDecision(severity: .low, source: .vendor("debian")))

        let ubuntu = try database.advisories(ecosystem: "Ubuntu:22.04:LTS", packageName: "glibc")
        #expect(ubuntu.first?.severity == .medium)
        #expect(ubuntu.first?.severitySource == "ubuntu")
        #expect(ubuntu.first?.affected.first?.status == .affected)
        #expect(try database.advisories(ecosystem: "alpine:v3.18", packageName: "musl").first?.affected.first?.fixedVersions == ["1.2.4-r1"])
        // Lookup by upstream CVE id finds the Debian record.
        #expect(try database.advisories(withID: "CVE-2024-0001").map(\.id) == ["DEBIAN-CVE-2024-0001"])
    }

    @Test("severities: GHSA database_specific, CVSS v3 and v2 scored, v4 scored from its vector, bad vectors reported")
    func severities() throws {
        let directory = try TemporaryDirectory("osv-severity")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let ghsa = osvRecord(id: "GHSA-xxxx-yyyy-zzzz", ecosystem: "PyPI", name: "django",
                             ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "4.2.8")])], aliases: ["CVE-2023-1111"],
                             extra: ["severity": [["type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
                                                  ["type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"]],
                                     "database_specific": ["severity": "MODERATE", "cwe_ids": ["CWE-79"], "github_reviewed": true]])
        let pysec = osvRecord(id: "PYSEC-2023-1", ecosystem: "PyPI", name: "django",
                              ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "4.2.9")])],
                              extra: ["severity": [["type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"],
                                                   ["type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"]]])
        _ = try directory.write("feed/a.json", try json(ghsa))
        _ = try directory.write("feed/b.json", try json(pysec))
        let report = try OSVImporter().importPath(directory.path + "/feed", source: "osv/PyPI", into: database)
        #expect(report.issues.contains { $0.reason.contains("missing base metric(s) A") && $0.entry == "PYSEC-2023-1" })

        let found = try database.advisories(ecosystem: "PyPI", packageName: "Django")
        #expect(found.map(\.id) == ["GHSA-xxxx-yyyy-zzzz", "PYSEC-2023-1"])
        let first = found[0]
        #expect(first.severity == .medium)
        #expect(first.severitySource == "ghsa")
        #expect(first.vendorSeverities == ["ghsa": "MODERATE"])
        #expect(first.cvssV3 == CVSSScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8))
        #expect(first.cvssV4?.score == 9.3)
        #expect(first.cvssV4?.vector.hasPrefix("CVSS:4.0/") == true)
        #expect(first.cwes == ["CWE-79"])
        #expect(first.aliases == ["CVE-2023-1111"])
        #expect(first.effectiveSeverity() == SeverityDecision(severity: .medium, source: .vendor("ghsa")))
        let second = found[1]
        #expect(second.cvssV2?.score == 7.5)
        #expect(second.cvssV3 == nil)
        #expect(second.effectiveSeverity() == SeverityDecision(severity: .high, source: .cvssV2))
    }

    @Test("withdrawn records are skipped; a duplicate id keeps the newest `modified`, in either order")
    func withdrawnAndDuplicates() throws {
        let directory = try TemporaryDirectory("osv-dup")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let old = osvRecord(id: "GHSA-dup", ecosystem: "npm", name: "pkg", ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "1.0.0")])],
                            modified: "2024-01-01T00:00:00Z")
        let new = osvRecord(id: "GHSA-dup", ecosystem: "npm", name: "pkg", ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "2.0.0")])],
                            modified: "2024-06-01T00:00:00Z")
        let gone = osvRecord(id: "GHSA-gone", ecosystem: "npm", name: "pkg", extra: ["withdrawn": "2024-02-01T00:00:00Z"])
        _ = try directory.write("a/1.json", try json(new))
        _ = try directory.write("a/2.json", try json(old))
        _ = try directory.write("a/3.json", try json(gone))
        let report = try OSVImporter().importPath(directory.path + "/a", source: "s", into: database)
        #expect(report.withdrawn == 1)
        #expect(report.advisories == 1)
        #expect(try database.advisories(ecosystem: "npm", packageName: "pkg").first?.affected.first?.fixedVersions == ["2.0.0"])
    }

    @Test("an ecosystem filter keeps only that family; re-importing a source replaces its data")
    func filterAndReplace() throws {
        let directory = try TemporaryDirectory("osv-filter")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        var record = osvRecord(id: "GHSA-multi", ecosystem: "PyPI", name: "shared", ranges: [range("ECOSYSTEM", [("introduced", "0")])])
        var affected = record["affected"] as? [[String: Any]] ?? []
        affected.append(["package": ["ecosystem": "npm", "name": "shared"], "ranges": [range("SEMVER", [("introduced", "0")])]])
        record["affected"] = affected
        let zip = directory.file("PyPI.zip")
        try writeZip(at: zip, entries: [("GHSA-multi.json", try json(record)),
                                        ("GHSA-other.json", try json(osvRecord(id: "GHSA-other", ecosystem: "PyPI", name: "other")))])
        _ = try OSVImporter(options: ImportOptions(ecosystemFilter: "PyPI")).importPath(zip.path, source: "osv/PyPI", into: database)
        #expect(try database.advisories(ecosystem: "PyPI", packageName: "shared").count == 1)
        #expect(try database.advisories(ecosystem: "npm", packageName: "shared").isEmpty)

        try writeZip(at: zip, entries: [("GHSA-other.json", try json(osvRecord(id: "GHSA-other", ecosystem: "PyPI", name: "other")))])
        let report = try OSVImporter().importPath(zip.path, source: "osv/PyPI", into: database)
        #expect(report.advisories == 1)
        #expect(try database.advisories(ecosystem: "PyPI", packageName: "shared").isEmpty)
        #expect(try database.advisories(withID: "GHSA-multi").isEmpty)
    }

    @Test("wrong types: skipped with file, entry and JSON path (lenient) or thrown (strict)")
    func wrongTypes() throws {
        let directory = try TemporaryDirectory("osv-hostile")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        var bad = osvRecord(id: "BAD-1", ecosystem: "PyPI", name: "x")
        bad["affected"] = [["package": ["ecosystem": "PyPI", "name": "x"], "ranges": [["type": "SEMVER", "events": "not a list"]]]]
        let zip = directory.file("hostile.zip")
        try writeZip(at: zip, entries: [
            ("BAD-1.json", try json(bad)),
            ("BAD-2.json", Data("{ this is not json".utf8)),
            ("BAD-3.json", try json(["id": 42])),
            ("BAD-4.json", Data(("{\"id\":\"DEEP\",\"database_specific\":" + String(repeating: "[", count: 100_000) +
                                 String(repeating: "]", count: 100_000) + "}").utf8)),
            ("GOOD.json", try json(osvRecord(id: "GOOD-1", ecosystem: "PyPI", name: "x"))),
        ])
        let report = try OSVImporter().importPath(zip.path, source: "hostile", into: database)
        #expect(report.advisories == 1)
        #expect(report.skipped == 4)
        let first = try #require(report.issues.first)
        #expect(first.file == zip.path)
        #expect(first.entry == "BAD-1.json")
        #expect(first.reason.contains("affected[0].ranges[0].events"))
        #expect(report.issues.map(\.entry) == ["BAD-1.json", "BAD-2.json", "BAD-3.json", "BAD-4.json"])

        #expect {
            try OSVImporter(options: ImportOptions(strict: true)).importPath(zip.path, source: "strict", into: database)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(zip.path) && text.contains("entry 'BAD-1.json'") && text.contains("events")
        }
        // The strict failure rolled back: nothing of "strict" was stored.
        #expect(try database.sources().map(\.name) == ["hostile"])
    }

    @Test("an oversized member (declared size) and a zip bomb with a lying header are refused, naming the entry")
    func zipBombs() throws {
        let directory = try TemporaryDirectory("osv-bomb")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let zeros = Data(count: 2 << 20)
        let honest = directory.file("honest.zip")
        try writeZip(at: honest, entries: [("big.json", zeros)])
        let options = ImportOptions(maxEntryBytes: 1 << 20)
        #expect {
            try OSVImporter(options: options).importPath(honest.path, source: "b", into: database)
        } throws: { error in
            guard case .tooLarge(let file, let entry, _)? = error as? VulnDBError else { return false }
            return file == honest.path && entry == "big.json"
        }

        // Rewrite the declared sizes (local header and central directory) to 100 bytes: the real size is counted.
        var bytes = [UInt8](try Data(contentsOf: honest))
        func patch(signature: [UInt8], sizeOffset: Int) {
            for index in 0..<(bytes.count - 4) where Array(bytes[index..<index + 4]) == signature {
                bytes[index + sizeOffset] = 100
                for k in 1..<4 { bytes[index + sizeOffset + k] = 0 }
            }
        }
        patch(signature: [0x50, 0x4B, 0x03, 0x04], sizeOffset: 22)
        patch(signature: [0x50, 0x4B, 0x01, 0x02], sizeOffset: 24)
        let lying = directory.file("lying.zip")
        try Data(bytes).write(to: lying)
        #expect {
            try OSVImporter(options: options).importPath(lying.path, source: "b", into: database)
        } throws: { error in
            guard case .tooLarge(let file, let entry, _)? = error as? VulnDBError else { return false }
            return file == lying.path && entry == "big.json"
        }
    }

    @Test("a corrupt archive, a damaged member and an oversized plain file give clear errors")
    func corruptInputs() throws {
        let directory = try TemporaryDirectory("osv-corrupt")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let garbage = try directory.write("garbage.zip", Data(repeating: 0x41, count: 1000))
        #expect {
            try OSVImporter().importPath(garbage.path, source: "g", into: database)
        } throws: { error in
            String(describing: error).contains("garbage.zip") && String(describing: error).contains("zip")
        }

        let zip = directory.file("damaged.zip")
        let record = try json(osvRecord(id: "OK-1", ecosystem: "PyPI", name: String(repeating: "n", count: 5000)))
        try writeZip(at: zip, entries: [("OK-1.json", record)])
        var bytes = [UInt8](try Data(contentsOf: zip))
        for index in 60..<90 { bytes[index] ^= 0xFF }  // inside the deflated data
        try Data(bytes).write(to: zip)
        #expect {
            try OSVImporter().importPath(zip.path, source: "d", into: database)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("damaged.zip") && text.contains("OK-1.json")
        }

        let big = try directory.write("big.json", Data(count: 2048))
        #expect {
            try OSVImporter(options: ImportOptions(maxEntryBytes: 1024)).importPath(big.path, source: "x", into: database)
        } throws: { error in
            guard case .tooLarge(let file, nil, 1024)? = error as? VulnDBError else { return false }
            return file == big.path
        }
        #expect(throws: VulnDBError.self) { try OSVImporter().importPath(directory.path + "/missing", source: "x", into: database) }
    }

    @Test("too many entries in a zip is refused")
    func entryCount() throws {
        let directory = try TemporaryDirectory("osv-count")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let zip = directory.file("many.zip")
        try writeZip(at: zip, entries: (0..<5).map { ("E\($0).json", (try? json(osvRecord(id: "E\($0)", ecosystem: "npm", name: "p"))) ?? Data()) })
        #expect {
            try OSVImporter(options: ImportOptions(maxEntries: 3)).importPath(zip.path, source: "m", into: database)
        } throws: { error in
            String(describing: error).contains("more than 3 JSON entries")
        }
    }
}
