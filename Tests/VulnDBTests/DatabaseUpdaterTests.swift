import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import MoatTesting
import VulnDB
import HTTPProxy

/// `moat db update` against a local HTTP server on 127.0.0.1 (ephemeral port); nothing contacts the internet.
@Suite("DatabaseUpdater", .serialized)
struct DatabaseUpdaterTests {
    final class LogSink: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var text: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    struct Fixture {
        let directory: TemporaryDirectory
        let server: LocalHTTPServer
        let routes: FileRoutes
        let cache: CacheDirectory
        let log = LogSink()

        init() throws {
            directory = try TemporaryDirectory("update")
            let routes = FileRoutes()
            self.routes = routes
            server = try LocalHTTPServer { routes.respond($0) }
            cache = CacheDirectory(root: directory.url.appendingPathComponent("cache"))
        }

        func finish() {
            server.stop()
            directory.remove()
        }

        var configuration: UpdateConfiguration {
            UpdateConfiguration(osvBaseURL: server.baseURL + "/osv", osvEcosystems: ["PyPI", "npm"],
                                alpineBaseURL: server.baseURL + "/alpine", alpineBranches: ["v3.10"], alpineRepositories: ["main"])
        }

        func updater(_ configuration: UpdateConfiguration? = nil, at time: TimeInterval) -> DatabaseUpdater {
            let log = self.log
            return DatabaseUpdater(cache: cache, configuration: configuration ?? self.configuration,
                                   now: { Date(timeIntervalSince1970: time) }, log: { log.append($0) })
        }

        func pypiZip(_ ids: [String]) throws -> Data {
            let url = directory.file("pypi-\(UUID().uuidString).zip")
            try writeZip(at: url, entries: try ids.map { id in
                (id + ".json", try json(osvRecord(id: id, ecosystem: "PyPI", name: "requests",
                                                  ranges: [range("ECOSYSTEM", [("introduced", "0"), ("fixed", "2.31.0")])])))
            })
            return try Data(contentsOf: url)
        }

        func npmZip() throws -> Data {
            let url = directory.file("npm.zip")
            try writeZip(at: url, entries: [("GHSA-npm-1.json", try json(osvRecord(
                id: "GHSA-npm-1", ecosystem: "npm", name: "lodash", ranges: [range("SEMVER", [("introduced", "0"), ("fixed", "4.17.21")])])))])
            return try Data(contentsOf: url)
        }

        func serveDefaults() throws {
            routes.set("/osv/PyPI/all.zip", try pypiZip(["PYSEC-1"]))
            routes.set("/osv/npm/all.zip", try npmZip())
            let root = try #require(TestEnvironment.sharedTestdata)
            routes.set("/alpine/v3.10/main.json", try Data(contentsOf: URL(fileURLWithPath: root + "/advisories/alpine-secdb/v3.10/main.json")))
        }

        func databaseBytes() throws -> Data { try Data(contentsOf: cache.databaseURL) }

        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: cache.databaseDirectory.path)
                .filter { $0.hasPrefix("moat.db.new") || $0.hasPrefix("update-") }
        }
    }

    @Test("first download, then 304 (no change), then a changed file is re-imported and the rest kept")
    func conditionalUpdates() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try fixture.serveDefaults()

        // Leftovers of a killed update are cleaned up.
        try fixture.cache.createDatabaseDirectory()
        try Data("partial".utf8).write(to: fixture.cache.databaseDirectory.appendingPathComponent("moat.db.new-dead"))
        try FileManager.default.createDirectory(at: fixture.cache.databaseDirectory.appendingPathComponent("update-dead"),
                                                withIntermediateDirectories: true)

        // 1. First run: the database is created, everything is downloaded.
        let first = try await fixture.updater(at: 1_700_000_000).update()
        #expect(first.replacedDatabase)
        #expect(first.sources.map(\.state) == [.downloaded, .downloaded, .downloaded])
        #expect(first.sources.map(\.name) == ["osv/PyPI", "osv/npm", "alpine/v3.10/main"])
        let database = try VulnDatabase.open(at: fixture.cache.databasePath)
        #expect(try database.advisories(ecosystem: "PyPI", packageName: "Requests").map(\.id) == ["PYSEC-1"])
        #expect(try database.advisories(ecosystem: "npm", packageName: "lodash").map(\.id) == ["GHSA-npm-1"])
        #expect(try database.advisories(ecosystem: "alpine:v3.10", packageName: "openssl").contains { $0.id == "CVE-2019-1547" })
        let stored = try database.sources()
        #expect(stored.allSatisfy { $0.etag?.hasPrefix("\"r") == true && $0.lastModified != nil })
        #expect(stored.first { $0.name == "alpine/v3.10/main" }?.advisoryCount == 1095)
        #expect(fixture.server.requests.allSatisfy { $0.headers["if-none-match"] == nil })
        #expect(try fixture.leftovers().isEmpty)

        // 2. Second run: conditional requests, all 304, the file is not replaced; the check time moves.
        let before = try fixture.databaseBytes()
        let inode = try FileManager.default.attributesOfItem(atPath: fixture.cache.databasePath)[.systemFileNumber] as? NSNumber
        let second = try await fixture.updater(at: 1_700_100_000).update()
        #expect(!second.replacedDatabase)
        #expect(second.sources.map(\.state) == [.notModified, .notModified, .notModified])
        let conditional = fixture.server.requests.suffix(3)
        #expect(conditional.allSatisfy { $0.headers["if-none-match"]?.hasPrefix("\"r") == true && $0.headers["if-modified-since"] != nil })
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.cache.databasePath)[.systemFileNumber] as? NSNumber == inode)
        #expect(try fixture.databaseBytes() != before)  // only check times changed
        let status = try DatabaseStatus.load(path: fixture.cache.databasePath, now: Date(timeIntervalSince1970: 1_700_100_060))
        #expect(status.lastUpdate == Date(timeIntervalSince1970: 1_700_100_000))
        #expect(status.lastDataChange == Date(timeIntervalSince1970: 1_700_000_000))

        // 3. The PyPI zip changes: only it is downloaded and re-imported; npm and Alpine data are kept.
        fixture.routes.set("/osv/PyPI/all.zip", try fixture.pypiZip(["PYSEC-1", "PYSEC-2"]))
        let third = try await fixture.updater(at: 1_700_200_000).update()
        #expect(third.replacedDatabase)
        #expect(third.sources.map(\.state) == [.downloaded, .notModified, .notModified])
        let updated = try VulnDatabase.open(at: fixture.cache.databasePath)
        #expect(try updated.advisories(ecosystem: "PyPI", packageName: "requests").map(\.id) == ["PYSEC-1", "PYSEC-2"])
        #expect(try updated.advisories(ecosystem: "npm", packageName: "lodash").map(\.id) == ["GHSA-npm-1"])
        #expect(try updated.advisories(ecosystem: "alpine:v3.10", packageName: "musl").contains { $0.id == "CVE-2019-14697" })
        #expect(try updated.sources().first { $0.name == "osv/PyPI" }?.advisoryCount == 2)
        #expect(try fixture.leftovers().isEmpty)
    }

    @Test("a server error mid-update leaves the old database untouched and names the failing source")
    func serverErrorKeepsOldDatabase() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try fixture.serveDefaults()
        _ = try await fixture.updater(at: 1_700_000_000).update()
        let before = try fixture.databaseBytes()

        // PyPI changed (downloaded first), then npm fails with HTTP 500.
        fixture.routes.set("/osv/PyPI/all.zip", try fixture.pypiZip(["PYSEC-1", "PYSEC-9"]))
        fixture.routes.fail("/osv/npm/all.zip")
        await #expect {
            try await fixture.updater(at: 1_700_100_000).update()
        } throws: { error in
            guard let error = error as? DatabaseUpdater.UpdateError else { return false }
            return error.source == "osv/npm" && error.reason.contains("500") && error.description.contains("previous database is unchanged")
        }
        #expect(try fixture.databaseBytes() == before)
        #expect(try VulnDatabase.open(at: fixture.cache.databasePath).advisories(withID: "PYSEC-9").isEmpty)
        #expect(try fixture.leftovers().isEmpty)

        // The server recovers: the next run succeeds.
        fixture.routes.fail("/osv/npm/all.zip", false)
        let report = try await fixture.updater(at: 1_700_200_000).update()
        #expect(report.replacedDatabase)
        #expect(try VulnDatabase.open(at: fixture.cache.databasePath).advisories(withID: "PYSEC-9").count == 1)
    }

    @Test("a corrupt download fails during the import phase and still leaves the old database")
    func importErrorKeepsOldDatabase() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try fixture.serveDefaults()
        _ = try await fixture.updater(at: 1_700_000_000).update()
        let before = try fixture.databaseBytes()

        fixture.routes.set("/osv/PyPI/all.zip", try fixture.pypiZip(["PYSEC-1", "PYSEC-3"]))
        fixture.routes.set("/osv/npm/all.zip", Data("this is not a zip".utf8))
        await #expect {
            try await fixture.updater(at: 1_700_100_000).update()
        } throws: { error in
            (error as? DatabaseUpdater.UpdateError)?.source == "osv/npm"
        }
        #expect(try fixture.databaseBytes() == before)
        #expect(try fixture.leftovers().isEmpty)

        // A well-formed zip in which no record is valid must not wipe the source either.
        let broken = fixture.directory.file("broken.zip")
        try writeZip(at: broken, entries: [("GHSA-bad.json", Data("{\"id\": 1}".utf8))])
        fixture.routes.set("/osv/npm/all.zip", try Data(contentsOf: broken))
        await #expect {
            try await fixture.updater(at: 1_700_200_000).update()
        } throws: { error in
            guard let error = error as? DatabaseUpdater.UpdateError else { return false }
            return error.source == "osv/npm" && error.reason.contains("no valid record") && error.reason.contains("GHSA-bad.json")
        }
        #expect(try fixture.databaseBytes() == before)
    }

    @Test("a source dropped from the configuration is removed; an old schema is rebuilt without conditional requests")
    func removedSourcesAndOldSchema() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try fixture.serveDefaults()
        _ = try await fixture.updater(at: 1_700_000_000).update()

        var configuration = fixture.configuration
        configuration.osvEcosystems = ["PyPI"]
        let report = try await fixture.updater(configuration, at: 1_700_100_000).update()
        #expect(report.sources.map(\.state) == [.removed, .notModified, .notModified])
        let database = try VulnDatabase.open(at: fixture.cache.databasePath)
        #expect(try database.sources().map(\.name) == ["alpine/v3.10/main", "osv/PyPI"])
        #expect(try database.advisories(ecosystem: "npm", packageName: "lodash").isEmpty)

        // A database of another schema version is ignored and rebuilt from full downloads.
        try FileManager.default.removeItem(at: fixture.cache.databaseURL)
        let old = try VulnDatabase.create(at: fixture.cache.databasePath)
        try old.setMetadata("schema_version", "0")
        let requestsBefore = fixture.server.requests.count
        let rebuilt = try await fixture.updater(configuration, at: 1_700_200_000).update()
        #expect(rebuilt.sources.map(\.state) == [.downloaded, .downloaded])
        #expect(fixture.server.requests.dropFirst(requestsBefore).allSatisfy { $0.headers["if-none-match"] == nil })
        #expect(try VulnDatabase.open(at: fixture.cache.databasePath).metadata("schema_version") == "1")
    }

    @Test("credentials in URLs and header values never appear in errors or logs")
    func credentials() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        fixture.routes.fail("/private/all.zip")
        let secretURL = "http://alice:hunter2@127.0.0.1:\(fixture.server.port)/private/all.zip?token=s3cr3t-query"
        let configuration = UpdateConfiguration(sources: [
            UpdateSource(name: "private", kind: .osv, url: secretURL, headers: ["Authorization": "Bearer TOPSECRETTOKEN"]),
        ])
        var message = ""
        do {
            _ = try await fixture.updater(configuration, at: 1_700_000_000).update()
        } catch {
            message = String(describing: error)
        }
        #expect(message.contains("private"))
        for secret in ["hunter2", "s3cr3t-query", "TOPSECRETTOKEN", "alice"] {
            #expect(!message.contains(secret), "error leaks \(secret)")
            #expect(!fixture.log.text.contains(secret), "log leaks \(secret)")
        }
        #expect(fixture.server.requests.last?.headers["authorization"] == "Bearer TOPSECRETTOKEN")
        #expect(redactURL(secretURL) == "http://***@127.0.0.1:\(fixture.server.port)/private/all.zip?…")
        #expect(!FileManager.default.fileExists(atPath: fixture.cache.databasePath))
    }

    @Test("file:// sources (air-gapped mirrors) are read directly and unchanged files are not re-imported")
    func fileSources() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        let zip = fixture.directory.file("mirror/npm.zip")
        try FileManager.default.createDirectory(at: zip.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fixture.npmZip().write(to: zip)
        let configuration = UpdateConfiguration(sources: [UpdateSource(name: "mirror/npm", kind: .osv, url: zip.absoluteString, ecosystem: "npm")])
        let first = try await fixture.updater(configuration, at: 1_700_000_000).update()
        #expect(first.sources.map(\.state) == [.downloaded])
        let second = try await fixture.updater(configuration, at: 1_700_000_100).update()
        #expect(second.sources.map(\.state) == [.notModified])
        #expect(try VulnDatabase.open(at: fixture.cache.databasePath).advisories(ecosystem: "npm", packageName: "lodash").count == 1)
    }

    @Test("a second update while one holds the lock fails clearly")
    func lock() async throws {
        let fixture = try Fixture()
        defer { fixture.finish() }
        try fixture.cache.createDatabaseDirectory()
        let descriptor = open(fixture.cache.databaseDirectory.appendingPathComponent("update.lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(descriptor >= 0)
        #expect(flock(descriptor, LOCK_EX) == 0)
        defer { close(descriptor) }
        await #expect {
            try await fixture.updater(at: 1_700_000_000).update()
        } throws: { error in
            String(describing: error).contains("another `moat db update` is running")
        }
        #expect(fixture.server.requests.isEmpty)
    }

    @Test("the JSON configuration: base URLs for mirrors, unknown keys rejected, duplicate names rejected")
    func configuration() throws {
        let directory = try TemporaryDirectory("config")
        defer { directory.remove() }
        let file = try directory.write("moat-db.json", Data("""
            {"osvBaseURL": "https://mirror.internal/osv/", "osvEcosystems": ["PyPI", "GitHub Actions"],
             "alpineBaseURL": "https://mirror.internal/secdb", "alpineBranches": ["3.18"], "staleAfterDays": 3,
             "extraSources": [{"name": "extra", "kind": "alpine-secdb", "url": "file:///srv/edge.json", "branch": "edge"}]}
            """.utf8))
        let configuration = try UpdateConfiguration.load(from: file.path)
        #expect(configuration.staleAfterDays == 3)
        let sources = try configuration.resolvedSources()
        #expect(sources.map(\.name) == ["osv/PyPI", "osv/GitHub Actions", "alpine/v3.18/main", "alpine/v3.18/community", "extra"])
        #expect(sources.map(\.url) == [
            "https://mirror.internal/osv/PyPI/all.zip", "https://mirror.internal/osv/GitHub%20Actions/all.zip",
            "https://mirror.internal/secdb/v3.18/main.json", "https://mirror.internal/secdb/v3.18/community.json",
            "file:///srv/edge.json",
        ])
        #expect(sources.last?.kind == .alpineSecDB)

        let defaults = try UpdateConfiguration().adding(alpineBranches: ["3.19.1"]).resolvedSources()
        #expect(defaults.first?.url == "https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip")
        #expect(defaults.contains { $0.url == "https://secdb.alpinelinux.org/v3.19/main.json" })

        let typo = try directory.write("typo.json", Data(#"{"osvBaseUrl": "https://x"}"#.utf8))
        #expect {
            try UpdateConfiguration.load(from: typo.path)
        } throws: { error in
            String(describing: error).contains(typo.path) && String(describing: error).contains("unknown key 'osvBaseUrl'")
        }
        let duplicate = UpdateConfiguration(sources: [UpdateSource(name: "a", kind: .osv, url: "https://x"),
                                                      UpdateSource(name: "a", kind: .osv, url: "https://y")])
        #expect(throws: VulnDBError.self) { try duplicate.resolvedSources() }
    }
}
