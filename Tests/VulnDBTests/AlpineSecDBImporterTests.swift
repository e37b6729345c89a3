import Foundation
import MoatTesting
import Testing
import VulnDB

@Suite("AlpineSecDBImporter")
struct AlpineSecDBImporterTests {
    static func secdb(_ branch: String, _ repository: String) throws -> String {
        let root = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        return "\(root)/advisories/alpine-secdb/\(branch)/\(repository).json"
    }

    /// Imports the real v3.9–v3.11 main and community files into one database.
    static func importAll(into database: VulnDatabase) throws -> [String: ImportReport] {
        var reports: [String: ImportReport] = [:]
        for branch in ["v3.9", "v3.10", "v3.11"] {
            for repository in ["main", "community"] {
                let report = try AlpineSecDBImporter().importFile(try secdb(branch, repository), into: database)
                reports[report.source] = report
            }
        }
        return reports
    }

    @Test("the real secdb files import with the expected counts (one advisory per CVE, one entry per package)")
    func counts() throws {
        let directory = try TemporaryDirectory("alpine")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let reports = try Self.importAll(into: database)
        // Expected numbers computed independently from the JSON files (CVE ids after splitting and CVE_ → CVE-).
        let expected: [String: (Int, Int, Int)] = [
            "alpine/v3.9/main": (1032, 1074, 144), "alpine/v3.9/community": (575, 593, 0),
            "alpine/v3.10/main": (1095, 1143, 165), "alpine/v3.10/community": (692, 712, 0),
            "alpine/v3.11/main": (1108, 1164, 172), "alpine/v3.11/community": (828, 885, 1),
        ]
        for (source, (advisories, affected, dropped)) in expected {
            let report = try #require(reports[source], "\(source)")
            #expect(report.advisories == advisories, "\(source)")
            #expect(report.affected == affected, "\(source)")
            #expect(report.droppedIDs == dropped, "\(source)")
            #expect(report.skipped == 0)
        }
        let sources = try database.sources()
        #expect(sources.count == 6)
        #expect(sources.first { $0.name == "alpine/v3.10/main" }?.advisoryCount == 1095)
        let ecosystems = Set(try database.ecosystemCounts().map(\.ecosystem))
        #expect(ecosystems == ["alpine:v3.9", "alpine:v3.10", "alpine:v3.11"])
    }

    /// Real (package, CVE, fixed version) triples read from the files.
    @Test("known entries of the real files", arguments: [
        ("v3.10", "openssl", "CVE-2019-1547", ["1.1.1d-r0"]),
        ("v3.10", "openssl", "CVE-2018-0734", ["1.1.1a-r0"]),
        ("v3.10", "musl", "CVE-2019-14697", ["1.1.22-r3"]),
        ("v3.10", "apache2", "CVE-2019-9517", ["2.4.41-r0"]),
        ("v3.10", "sqlite", "CVE-2019-16168", ["3.28.0-r1"]),
        ("v3.10", "tcpdump", "CVE-2017-16808", ["4.9.3-r0"]),             // "CVE-2017-16808 (AoE)"
        ("v3.10", "busybox", "CVE-2019-5747", ["1.29.3-r10", "1.30.1-r2"]),  // listed under two versions
        ("v3.10", "openjdk7", "CVE-2019-2426", ["7.211.2.6.17-r0"]),       // spelled CVE_2019-2426
        ("v3.10", "curl", "CVE-2019-5481", ["7.66.0-r0"]),
        ("v3.9", "libxml2", "CVE-2018-14404", ["2.9.8-r1"]),
    ])
    func knownEntries(branch: String, package: String, cve: String, fixed: [String]) throws {
        let directory = try TemporaryDirectory("alpine-known")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        _ = try Self.importAll(into: database)
        let found = try database.advisories(ecosystem: "alpine:\(branch)", packageName: package)
        let advisory = try #require(found.first { $0.id == cve }, "\(cve) for \(package) in \(branch)")
        #expect(advisory.source.hasPrefix("alpine/\(branch)/"))
        let affected = try #require(advisory.affected.first)
        #expect(affected.ecosystem == "alpine:\(branch)")
        #expect(affected.name == package)
        #expect(affected.status == .fixed)
        #expect(affected.fixedVersions == fixed)
        #expect(affected.ranges == [AffectedRange(type: "ECOSYSTEM", events: [RangeEvent(.introduced, "0")] + fixed.map { RangeEvent(.fixed, $0) })])
        // The same query through the OSV-style ecosystem spelling.
        #expect(try database.advisories(ecosystem: "Alpine:\(branch)", packageName: package).contains { $0.id == cve })
    }

    @Test("non-CVE ids (XSA-…) and malformed ones (CVE-????-?????) are dropped")
    func droppedIDs() throws {
        let directory = try TemporaryDirectory("alpine-xen")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        _ = try AlpineSecDBImporter().importFile(try Self.secdb("v3.9", "main"), into: database)
        let xen = try database.advisories(ecosystem: "alpine:v3.9", packageName: "xen")
        #expect(!xen.isEmpty)
        #expect(xen.allSatisfy { $0.id.hasPrefix("CVE-") && !$0.id.contains("?") })
        #expect(try database.advisories(withID: "XSA-207").isEmpty)
    }

    @Test("version 0 means never affected: status not_affected, fixed version 0, no range")
    func zeroVersion() throws {
        let directory = try TemporaryDirectory("alpine-zero")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let document: [String: Any] = [
            "distroversion": "v3.18", "reponame": "main",
            "packages": [
                ["pkg": ["name": "foo", "secfixes": ["0": ["CVE-2020-0001"], "1.2-r1": ["CVE-2020-0002"]]]],
                ["pkg": ["name": "bar", "secfixes": ["0": ["CVE-2020-0003"], "2.0-r0": ["CVE-2020-0003"]]]],
                ["pkg": ["name": "baz", "secfixes": NSNull()]],
            ],
        ]
        let file = try directory.write("main.json", try json(document))
        let report = try AlpineSecDBImporter().importFile(file.path, into: database)
        #expect(report.source == "alpine/v3.18/main")
        let foo = try database.advisories(ecosystem: "alpine:v3.18", packageName: "foo")
        #expect(foo.map(\.id) == ["CVE-2020-0001", "CVE-2020-0002"])
        #expect(foo[0].affected.first?.status == .notAffected)
        #expect(foo[0].affected.first?.fixedVersions == ["0"])
        #expect(foo[0].affected.first?.ranges == [])
        #expect(foo[1].affected.first?.status == .fixed)
        // A real version next to 0 wins.
        #expect(try database.advisories(ecosystem: "alpine:v3.18", packageName: "bar").first?.affected.first?.fixedVersions == ["2.0-r0"])
    }

    @Test("an explicit branch overrides distroversion; a file without either is an error naming it")
    func branches() throws {
        let directory = try TemporaryDirectory("alpine-branch")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let file = try directory.write("x.json", try json(["packages": [["pkg": ["name": "foo", "secfixes": ["1-r0": ["CVE-2021-1234"]]]]]]))
        #expect {
            try AlpineSecDBImporter().importFile(file.path, into: database)
        } throws: { error in
            String(describing: error).contains(file.path) && String(describing: error).contains("distroversion")
        }
        let report = try AlpineSecDBImporter().importFile(file.path, branch: "3.19", into: database)
        #expect(report.source == "alpine/v3.19/main")
        #expect(try database.advisories(ecosystem: "alpine:v3.19", packageName: "foo").count == 1)
    }

    @Test("wrong types and non-JSON give errors naming the file and the JSON path")
    func hostile() throws {
        let directory = try TemporaryDirectory("alpine-hostile")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let wrong = try directory.write("wrong.json", try json(["distroversion": "v3.18", "packages": [["pkg": ["name": "x", "secfixes": ["1": "CVE-2020-1111"]]]]]))
        #expect {
            try AlpineSecDBImporter().importFile(wrong.path, into: database)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(wrong.path) && text.contains("packages[0].pkg.secfixes")
        }
        let notJSON = try directory.write("broken.json", Data("<html>".utf8))
        #expect(throws: VulnDBError.self) { try AlpineSecDBImporter().importFile(notJSON.path, into: database) }
        let big = try directory.write("big.json", Data(count: 4096))
        #expect(throws: VulnDBError.self) {
            try AlpineSecDBImporter(options: ImportOptions(maxEntryBytes: 1000)).importFile(big.path, into: database)
        }
    }
}
