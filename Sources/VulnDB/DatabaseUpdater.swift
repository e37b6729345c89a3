import Foundation
import HTTPProxy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `moat db update`: downloads every configured source with conditional requests, builds the new database
/// beside the old one and swaps it in with `rename(2)`.
///
/// 1. Every source is fetched first (If-None-Match / If-Modified-Since from the stored ETag / Last-Modified, only
///    when the stored URL is the same). Any failure stops the update before the database is touched.
/// 2. Nothing changed (all 304, same source set): the old database only gets its check times updated in place
///    (one SQLite transaction).
/// 3. Otherwise `moat.db.new-<uuid>` is made — a `VACUUM INTO` copy of the old database when some sources are
///    unchanged, else an empty one — changed sources are re-imported and removed sources dropped in one
///    transaction, the file is fsynced and renamed over `moat.db`. Any error deletes the new file: the old
///    database stays exactly as it was, and the error names the failing source.
///
/// A lock file (`<cache>/db/update.lock`, `flock`) keeps two updates from running at once; leftovers of a killed
/// update (`moat.db.new-*`, `update-*`) are removed at the start. Messages go to `log`
/// with credentials removed from URLs (`redactURL`); header values are never logged.
public struct DatabaseUpdater: Sendable {
    public var cache: CacheDirectory
    public var configuration: UpdateConfiguration
    public var downloader: any Downloader
    /// The clock (injected in tests).
    public var now: @Sendable () -> Date
    public var log: @Sendable (String) -> Void
    /// Bounds for imports (zip members, entry counts).
    public var importOptions: ImportOptions

    public init(cache: CacheDirectory, configuration: UpdateConfiguration = UpdateConfiguration(),
                downloader: any Downloader = HTTPDownloader(), now: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = { _ in }, importOptions: ImportOptions = ImportOptions()) {
        self.cache = cache
        self.configuration = configuration
        self.downloader = downloader
        self.now = now
        self.log = log
        self.importOptions = importOptions
    }

    public enum SourceState: String, Sendable, Codable {
        case downloaded
        case notModified = "not_modified"
        case removed
    }

    public struct SourceOutcome: Sendable {
        public var name: String
        public var state: SourceState
        public var bytes: Int64
        public var advisories: Int
        public var affected: Int
        /// Entries skipped as invalid (see `ImportReport.issues` for why).
        public var skipped: Int
        public var issues: [ImportIssue]
    }

    public struct Report: Sendable {
        public var databasePath: String
        /// Whether a new database file was swapped in.
        public var replacedDatabase: Bool
        public var sources: [SourceOutcome]
        public var duration: TimeInterval
    }

    public struct UpdateError: Error, CustomStringConvertible, Sendable {
        /// The source that failed (nil for failures not tied to one source).
        public var source: String?
        /// The source URL without credentials.
        public var url: String?
        public var reason: String
        public var description: String {
            if let source { return "updating source \(source) (\(url ?? "")) failed: \(reason); the previous database is unchanged" }
            return "database update failed: \(reason); the previous database is unchanged"
        }
    }

    private struct Fetched {
        var source: UpdateSource
        var result: DownloadResult
        var file: URL
    }

    public func update() async throws -> Report {
        let started = Date()
        let sources = try configuration.resolvedSources()
        try cache.createDatabaseDirectory()
        let lock = try UpdateLock(path: cache.databaseDirectory.appendingPathComponent("update.lock").path)
        defer { lock.release() }

        // Leftovers of an update that was killed (not one that failed: those clean up) go first; the lock is held.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache.databaseDirectory.path)) ?? []
        for name in names where name.hasPrefix("moat.db.new-") || name.hasPrefix("update-") {
            try? FileManager.default.removeItem(at: cache.databaseDirectory.appendingPathComponent(name))
        }

        let databasePath = cache.databasePath
        let previous = openPrevious(databasePath)
        let previousSources = Dictionary(((try? previous?.sources()) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        let work = cache.databaseDirectory.appendingPathComponent("update-\(UUID().uuidString)", isDirectory: true)
        do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw UpdateError(source: nil, url: nil, reason: "cannot create \(work.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: work) }

        // 1. Fetch everything before touching any database.
        var fetched: [Fetched] = []
        for (index, source) in sources.enumerated() {
            let redacted = redactURL(source.url)
            guard let url = Self.url(source.url) else {
                throw UpdateError(source: source.name, url: redacted, reason: "not a valid URL")
            }
            let stored = previousSources[source.name]
            let sameURL = stored?.url == redacted
            let request = DownloadRequest(url: url, headers: source.headers ?? [:],
                                          etag: sameURL ? stored?.etag : nil, lastModified: sameURL ? stored?.lastModified : nil,
                                          maxBytes: configuration.maxDownloadBytes ?? (4 << 30),
                                          timeout: configuration.timeoutSeconds ?? 300)
            // The name keeps the URL's extension, so a `.zip` that is not a zip fails as one.
            let file = work.appendingPathComponent("\(index)-" + Self.safeFileName(url.lastPathComponent))
            log("checking \(source.name) (\(redacted))")
            let result: DownloadResult
            do { result = try await downloader.fetch(request, to: file) } catch {
                throw UpdateError(source: source.name, url: redacted, reason: String(describing: error))
            }
            if result == .notModified && !sameURL {
                throw UpdateError(source: source.name, url: redacted, reason: "304 Not Modified without a stored copy")
            }
            fetched.append(Fetched(source: source, result: result, file: file))
        }

        let configured = Set(sources.map(\.name))
        let removed = previousSources.keys.filter { !configured.contains($0) }.sorted()
        let changed = fetched.filter { $0.result != .notModified }
        let timestamp = now()

        // 2. Nothing new: update check times in place.
        if previous != nil, changed.isEmpty, removed.isEmpty {
            do {
                let writable = try VulnDatabase.create(at: databasePath)
                try writable.transaction {
                    for item in fetched {
                        if var record = previousSources[item.source.name] {
                            record.checkedAt = timestamp
                            try writable.recordSource(record)
                        }
                    }
                    try writable.setMetadata("checked_at", date: timestamp)
                }
            } catch {
                throw UpdateError(source: nil, url: nil, reason: "cannot record the check time: \(error)")
            }
            log("no source changed")
            return Report(databasePath: databasePath, replacedDatabase: false,
                          sources: fetched.map { item in
                              let record = previousSources[item.source.name]
                              return SourceOutcome(name: item.source.name, state: .notModified, bytes: 0,
                                                   advisories: record?.advisoryCount ?? 0, affected: record?.affectedCount ?? 0,
                                                   skipped: 0, issues: [])
                          },
                          duration: Date().timeIntervalSince(started))
        }

        // 3. Build the new file beside the old one.
        let newPath = cache.databaseDirectory.appendingPathComponent("moat.db.new-\(UUID().uuidString)").path
        var outcomes: [SourceOutcome] = []
        do {
            let keepsOldData = previous != nil && fetched.contains { $0.result == .notModified }
            if keepsOldData, let previous {
                try previous.execute("VACUUM INTO '\(newPath.replacingOccurrences(of: "'", with: "''"))'")
            }
            outcomes = try build(at: newPath, fetched: fetched, removed: removed, previousSources: previousSources,
                                 timestamp: timestamp)
            try Self.fsync(path: newPath)
            guard rename(newPath, databasePath) == 0 else {
                throw UpdateError(source: nil, url: nil, reason: "cannot rename \(newPath) to \(databasePath): \(String(cString: strerror(errno)))")
            }
            try? Self.fsync(path: cache.databaseDirectory.path)
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: newPath + suffix) }
            if let error = error as? UpdateError { throw error }
            throw UpdateError(source: nil, url: nil, reason: String(describing: error))
        }
        log("database updated: \(databasePath)")
        return Report(databasePath: databasePath, replacedDatabase: true, sources: outcomes, duration: Date().timeIntervalSince(started))
    }

    private func build(at path: String, fetched: [Fetched], removed: [String], previousSources: [String: SourceRecord],
                       timestamp: Date) throws -> [SourceOutcome] {
        let database = try VulnDatabase.create(at: path, fastBuild: true)
        var outcomes: [SourceOutcome] = []
        try database.transaction {
            for name in removed {
                log("removing \(name) (no longer configured)")
                try database.deleteSource(name)
                outcomes.append(SourceOutcome(name: name, state: .removed, bytes: 0, advisories: 0, affected: 0, skipped: 0, issues: []))
            }
            for item in fetched {
                let source = item.source
                let redacted = redactURL(source.url)
                switch item.result {
                case .notModified:
                    guard var record = previousSources[source.name] else { continue }
                    record.checkedAt = timestamp
                    try database.recordSource(record)
                    outcomes.append(SourceOutcome(name: source.name, state: .notModified, bytes: 0, advisories: record.advisoryCount,
                                                  affected: record.affectedCount, skipped: 0, issues: []))
                case .downloaded(let etag, let lastModified, let bytes):
                    log("importing \(source.name) (\(bytes) bytes)")
                    var options = importOptions
                    options.replaceSource = true
                    options.sourceKind = source.kind.rawValue
                    let report: ImportReport
                    do {
                        switch source.kind {
                        case .osv:
                            options.ecosystemFilter = source.ecosystem
                            report = try OSVImporter(options: options).importPath(item.file.path, source: source.name,
                                                                                 into: database, now: timestamp)
                        case .alpineSecDB:
                            report = try AlpineSecDBImporter(options: options).importFile(
                                item.file.path, source: source.name, branch: source.branch, into: database, now: timestamp)
                        }
                    } catch {
                        throw UpdateError(source: source.name, url: redacted,
                                          reason: String(describing: error).replacingOccurrences(of: item.file.path, with: "download"))
                    }
                    let issues = report.issues.map { issue in
                        ImportIssue(file: issue.file == item.file.path ? redacted : issue.file, entry: issue.entry, reason: issue.reason)
                    }
                    // A download in which nothing is usable must not wipe the source's previous data.
                    if report.documents == 0 || (report.skipped >= report.documents && report.advisories == 0) {
                        let first = issues.first.map { ": \($0.entry.map { "entry '\($0)': " } ?? "")\($0.reason)" } ?? ""
                        throw UpdateError(source: source.name, url: redacted,
                                          reason: report.documents == 0 ? "the download holds no records" : "no valid record in the download\(first)")
                    }
                    try database.recordSource(SourceRecord(
                        name: source.name, kind: source.kind.rawValue, url: redacted, etag: etag, lastModified: lastModified,
                        advisoryCount: report.advisories, affectedCount: report.affected, updatedAt: timestamp, checkedAt: timestamp))
                    outcomes.append(SourceOutcome(name: source.name, state: .downloaded, bytes: bytes, advisories: report.advisories,
                                                  affected: report.affected, skipped: report.skipped, issues: issues))
                }
            }
            try database.setMetadata("updated_at", date: timestamp)
            try database.setMetadata("checked_at", date: timestamp)
        }
        return outcomes
    }

    /// The old database, or nil when absent, unreadable or of another schema version (then everything is rebuilt).
    private func openPrevious(_ path: String) -> VulnDatabase? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let database = try VulnDatabase.open(at: path)
            _ = try database.sources()
            return database
        } catch {
            log("ignoring the existing database (\(error)); rebuilding every source")
            return nil
        }
    }

    static func safeFileName(_ name: String) -> String {
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(80))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "download" + cleaned : cleaned
    }

    static func url(_ text: String) -> URL? {
        if text.hasPrefix("/") { return URL(fileURLWithPath: text) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              ["http", "https", "file"].contains(scheme) else { return nil }
        return url
    }

    static func fsync(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw VulnDBError.io(path: path, reason: "cannot open for fsync: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        #if canImport(Glibc)
        guard Glibc.fsync(descriptor) == 0 else { throw VulnDBError.io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        #else
        guard Darwin.fsync(descriptor) == 0 else { throw VulnDBError.io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        #endif
    }
}

/// An exclusive `flock` on a file, so that two updates of one cache never interleave.
final class UpdateLock: Sendable {
    private let descriptor: Int32

    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw VulnDBError.io(path: path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw VulnDBError.io(path: path, reason: "another `moat db update` is running on this cache")
        }
        self.descriptor = descriptor
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
