import Foundation
import Testing
import VulnDB

@Suite("DatabaseStatus")
struct DatabaseStatusTests {
    /// A database as the updater leaves it, with the given update time.
    static func database(in directory: TemporaryDirectory, updatedAt: Date) throws -> VulnDatabase {
        let database = try makeDatabase(directory)
        let zip = directory.file("feed.zip")
        try writeZip(at: zip, entries: [
            ("A.json", try json(osvRecord(id: "A", ecosystem: "Debian:12", name: "bash"))),
            ("B.json", try json(osvRecord(id: "B", ecosystem: "Debian:11", name: "bash"))),
            ("C.json", try json(osvRecord(id: "C", ecosystem: "Debian:12", name: "zlib"))),
        ])
        _ = try OSVImporter().importPath(zip.path, source: "osv/Debian", into: database, now: updatedAt)
        try database.setMetadata("checked_at", String(Int(updatedAt.timeIntervalSince1970)))
        try database.setMetadata("updated_at", String(Int(updatedAt.timeIntervalSince1970)))
        return database
    }

    @Test("staleness follows the injected clock and the configured bound")
    func staleness() throws {
        let directory = try TemporaryDirectory("status")
        defer { directory.remove() }
        let updated = Date(timeIntervalSince1970: 1_700_000_000)
        let database = try Self.database(in: directory, updatedAt: updated)

        let fresh = try DatabaseStatus.load(database, now: updated.addingTimeInterval(6 * 86400))
        #expect(!fresh.isStale)
        #expect(fresh.age == TimeInterval(6 * 86400))
        #expect(fresh.lastUpdate == updated)
        let stale = try DatabaseStatus.load(database, now: updated.addingTimeInterval(7 * 86400 + 1))
        #expect(stale.isStale)
        let custom = try DatabaseStatus.load(database, now: updated.addingTimeInterval(2 * 86400), staleAfter: 86400)
        #expect(custom.isStale)
        #expect(custom.staleAfter == 86400)
    }

    @Test("counts per source and per ecosystem, schema version, sources")
    func counts() throws {
        let directory = try TemporaryDirectory("status-counts")
        defer { directory.remove() }
        let database = try Self.database(in: directory, updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let status = try DatabaseStatus.load(path: database.path, now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(status.exists)
        #expect(status.schemaVersion == 1)
        #expect(status.totalAdvisories == 3)
        #expect(status.totalAffected == 3)
        #expect(status.sources.map(\.name) == ["osv/Debian"])
        #expect(status.ecosystems == [
            EcosystemCount(source: "osv/Debian", ecosystem: "debian:11", advisories: 1, packages: 1),
            EcosystemCount(source: "osv/Debian", ecosystem: "debian:12", advisories: 2, packages: 2),
        ])
    }

    @Test("a missing database is reported as absent and stale; a never-updated one is stale")
    func missing() throws {
        let directory = try TemporaryDirectory("status-missing")
        defer { directory.remove() }
        let status = try DatabaseStatus.load(path: directory.path + "/none.db")
        #expect(!status.exists)
        #expect(status.isStale)
        let database = try makeDatabase(directory)
        #expect(try DatabaseStatus.load(database).isStale)
        #expect(try DatabaseStatus.load(database).lastUpdate == nil)
    }

    @Test("a database built by direct imports takes its update time from the sources")
    func importOnly() throws {
        let directory = try TemporaryDirectory("status-import")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        let file = try directory.write("a.json", try json(osvRecord(id: "A", ecosystem: "npm", name: "x")))
        let imported = Date(timeIntervalSince1970: 1_750_000_000)
        _ = try OSVImporter().importPath(file.path, source: "local", into: database, now: imported)
        let status = try DatabaseStatus.load(database, now: imported.addingTimeInterval(3600))
        #expect(status.lastUpdate == imported)
        #expect(status.lastDataChange == imported)
        #expect(status.age == 3600)
        #expect(!status.isStale)
        #expect(status.sources.first?.kind == "local")
    }

    @Test("opening a database of another schema version says to run moat db update")
    func schemaMismatch() throws {
        let directory = try TemporaryDirectory("status-schema")
        defer { directory.remove() }
        let database = try makeDatabase(directory)
        try database.setMetadata("schema_version", "99")
        #expect {
            try VulnDatabase.open(at: database.path)
        } throws: { error in
            String(describing: error).contains("moat db update") && String(describing: error).contains("99")
        }
        #expect {
            try VulnDatabase.open(at: directory.path + "/absent.db")
        } throws: { error in
            String(describing: error).contains("moat db update")
        }
    }
}
