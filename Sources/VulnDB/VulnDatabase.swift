import Foundation
import MoatSQLite

/// A lookup key: ecosystem and package name, normalised when queried (callers may pass OSV or os-release spellings).
public struct PackageKey: Sendable, Hashable, Codable {
    public var ecosystem: String
    public var name: String

    public init(ecosystem: String, name: String) {
        self.ecosystem = ecosystem
        self.name = name
    }

    /// The normalised form the database is keyed by.
    public var normalized: PackageKey {
        let ecosystem = Ecosystem.normalize(self.ecosystem)
        return PackageKey(ecosystem: ecosystem, name: PackageName.normalize(name, ecosystem: ecosystem))
    }
}

/// One configured source as recorded in the database.
public struct SourceRecord: Sendable, Hashable, Codable {
    public var name: String
    /// `osv`, `alpine-secdb`, or `local` for imports not made by `DatabaseUpdater`.
    public var kind: String
    /// The URL without credentials (see `DatabaseUpdater.redact`).
    public var url: String?
    public var etag: String?
    public var lastModified: String?
    public var advisoryCount: Int
    public var affectedCount: Int
    /// When this source's data last changed (a download with new content).
    public var updatedAt: Date?
    /// When this source was last checked successfully (200 or 304).
    public var checkedAt: Date?

    public init(name: String, kind: String, url: String? = nil, etag: String? = nil, lastModified: String? = nil,
                advisoryCount: Int = 0, affectedCount: Int = 0, updatedAt: Date? = nil, checkedAt: Date? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.advisoryCount = advisoryCount
        self.affectedCount = affectedCount
        self.updatedAt = updatedAt
        self.checkedAt = checkedAt
    }
}

/// Counts per (source, ecosystem).
public struct EcosystemCount: Sendable, Hashable, Codable {
    public var source: String
    public var ecosystem: String
    public var advisories: Int
    public var packages: Int

    public init(source: String, ecosystem: String, advisories: Int, packages: Int) {
        self.source = source
        self.ecosystem = ecosystem
        self.advisories = advisories
        self.packages = packages
    }
}

/// The vulnerability database: schema creation, writes for importers, and the matcher's query API.
///
/// SQLite connections are not thread-safe, so every method takes an internal lock; a `VulnDatabase` may be
/// shared between tasks but calls are serialised. Prepared statements are cached and reused.
public final class VulnDatabase: @unchecked Sendable {
    public let path: String
    let database: Database
    private let lock = NSRecursiveLock()
    private var statements: [String: Statement] = [:]
    private var transactionDepth = 0
    private let decoder = JSONDecoder()

    private init(path: String, database: Database) {
        self.path = path
        self.database = database
    }

    /// Opens an existing database read-only and checks its schema version.
    public static func open(at path: String) throws -> VulnDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw VulnDBError.missingDatabase(path: path) }
        let database: Database
        do { database = try Database(path: path, mode: .readOnly) } catch { throw VulnDBError.sqlite(error) }
        let db = VulnDatabase(path: path, database: database)
        let found = try? db.metadata("schema_version")
        guard found == String(VulnDBSchema.version) else {
            throw VulnDBError.schemaMismatch(path: path, found: found ?? nil, expected: VulnDBSchema.version)
        }
        return db
    }

    /// Opens for writing, creating the file and schema when absent. An existing file with another schema version
    /// is an error (the updater builds a fresh file instead).
    /// - Parameter fastBuild: for a scratch file that is renamed into place afterwards: in-memory journal and no
    ///   fsync per commit (the caller syncs the file before the rename).
    public static func create(at path: String, fastBuild: Bool = false) throws -> VulnDatabase {
        let database: Database
        do { database = try Database(path: path, mode: .create) } catch { throw VulnDBError.sqlite(error) }
        let db = VulnDatabase(path: path, database: database)
        do {
            if fastBuild { try database.execute("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;") }
            try database.execute("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
            let existing = try db.metadataIfTableExists("schema_version")
            if let existing, existing != String(VulnDBSchema.version) {
                throw VulnDBError.schemaMismatch(path: path, found: existing, expected: VulnDBSchema.version)
            }
            if existing == nil {
                try db.transaction {
                    try database.execute(VulnDBSchema.statements)
                    let now = String(Int64(Date().timeIntervalSince1970))
                    try db.setMetadata("schema_version", String(VulnDBSchema.version))
                    try db.setMetadata("created_at", now)
                }
            }
        } catch {
            throw VulnDBError.wrap(error)
        }
        return db
    }

    // MARK: statements and transactions

    private func withStatement<T>(_ sql: String, _ body: (Statement) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let statement: Statement
        if let cached = statements[sql] {
            statement = cached
        } else {
            do { statement = try database.prepare(sql) } catch { throw VulnDBError.sqlite(error) }
            statements[sql] = statement
        }
        defer { statement.reset() }
        do { return try body(statement) } catch { throw VulnDBError.wrap(error) }
    }

    /// Runs `body` in one transaction (nested calls join the outer one); rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        do { try database.execute("BEGIN IMMEDIATE") } catch { throw VulnDBError.sqlite(error) }
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            try database.execute("COMMIT")
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw VulnDBError.wrap(error)
        }
    }

    func execute(_ sql: String) throws {
        lock.lock()
        defer { lock.unlock() }
        do { try database.execute(sql) } catch { throw VulnDBError.sqlite(error) }
    }

    // MARK: metadata

    public func metadata(_ key: String) throws -> String? {
        try withStatement("SELECT value FROM metadata WHERE key = ?1") { statement in
            statement.bind(1, key)
            return try statement.step() ? statement.string(0) : nil
        }
    }

    private func metadataIfTableExists(_ key: String) throws -> String? {
        let exists = try withStatement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'metadata'") {
            try $0.step() && $0.int64(0) > 0
        }
        return exists ? try metadata(key) : nil
    }

    public func setMetadata(_ key: String, _ value: String) throws {
        try withStatement("INSERT INTO metadata (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value") {
            try $0.bind(1, key).bind(2, value).run()
        }
    }

    func metadataDate(_ key: String) throws -> Date? {
        guard let text = try metadata(key), let seconds = Int64(text) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    func setMetadata(_ key: String, date: Date) throws {
        try setMetadata(key, String(Int64(date.timeIntervalSince1970.rounded(.down))))
    }

    // MARK: sources

    public func sources() throws -> [SourceRecord] {
        try withStatement("""
            SELECT name, kind, url, etag, last_modified, advisories, affected, updated_at, checked_at FROM sources ORDER BY name
            """) { statement in
            var records: [SourceRecord] = []
            while try statement.step() {
                records.append(SourceRecord(
                    name: statement.string(0) ?? "", kind: statement.string(1) ?? "", url: statement.string(2),
                    etag: statement.string(3), lastModified: statement.string(4),
                    advisoryCount: Int(statement.int64(5)), affectedCount: Int(statement.int64(6)),
                    updatedAt: statement.optionalInt64(7).map { Date(timeIntervalSince1970: TimeInterval($0)) },
                    checkedAt: statement.optionalInt64(8).map { Date(timeIntervalSince1970: TimeInterval($0)) }))
            }
            return records
        }
    }

    public func recordSource(_ record: SourceRecord) throws {
        try withStatement("""
            INSERT INTO sources (name, kind, url, etag, last_modified, advisories, affected, updated_at, checked_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url, etag = excluded.etag,
              last_modified = excluded.last_modified, advisories = excluded.advisories, affected = excluded.affected,
              updated_at = excluded.updated_at, checked_at = excluded.checked_at
            """) { statement in
            statement.bind(1, record.name).bind(2, record.kind).bind(3, record.url).bind(4, record.etag)
                .bind(5, record.lastModified).bind(6, Int64(record.advisoryCount)).bind(7, Int64(record.affectedCount))
                .bind(8, record.updatedAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) })
                .bind(9, record.checkedAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) })
            try statement.run()
        }
    }

    /// Removes a source's advisories, affected entries, counts and its `sources` row.
    public func deleteSource(_ name: String) throws {
        try transaction {
            for sql in [
                "DELETE FROM advisory_ids WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
                "DELETE FROM affected WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
                "DELETE FROM advisories WHERE source = ?1",
                "DELETE FROM counts WHERE source = ?1",
                "DELETE FROM sources WHERE name = ?1",
            ] {
                try withStatement(sql) { try $0.bind(1, name).run() }
            }
        }
    }

    /// Recomputes the per-ecosystem counts of a source; returns its advisory and affected-entry totals.
    @discardableResult
    public func refreshCounts(source: String) throws -> (advisories: Int, affected: Int) {
        try transaction {
            try withStatement("DELETE FROM counts WHERE source = ?1") { try $0.bind(1, source).run() }
            try withStatement("""
                INSERT INTO counts (source, ecosystem, advisories, packages)
                SELECT ?1, f.ecosystem, count(DISTINCT f.advisory), count(DISTINCT f.package)
                FROM affected f JOIN advisories a ON a.id = f.advisory WHERE a.source = ?1 GROUP BY f.ecosystem
                """) { try $0.bind(1, source).run() }
            let advisories = try withStatement("SELECT count(*) FROM advisories WHERE source = ?1") { statement in
                statement.bind(1, source)
                return try statement.step() ? Int(statement.int64(0)) : 0
            }
            let affected = try withStatement("""
                SELECT count(*) FROM affected WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)
                """) { statement in
                statement.bind(1, source)
                return try statement.step() ? Int(statement.int64(0)) : 0
            }
            return (advisories, affected)
        }
    }

    public func ecosystemCounts() throws -> [EcosystemCount] {
        try withStatement("SELECT source, ecosystem, advisories, packages FROM counts ORDER BY source, ecosystem") { statement in
            var counts: [EcosystemCount] = []
            while try statement.step() {
                counts.append(EcosystemCount(source: statement.string(0) ?? "", ecosystem: statement.string(1) ?? "",
                                             advisories: Int(statement.int64(2)), packages: Int(statement.int64(3))))
            }
            return counts
        }
    }

    // MARK: writing advisories

    public enum InsertOutcome: Sendable, Equatable {
        case inserted
        /// An advisory with the same (source, id) was replaced (the new one is as recent or more recent).
        case replaced
        /// An advisory with the same (source, id) and a later `modified` was kept.
        case keptNewer
    }

    /// Inserts one advisory with its affected entries and ids (normalising ecosystems and names).
    /// A duplicate (source, id) replaces the stored one unless the stored one has a later `modified`.
    @discardableResult
    public func insert(_ advisory: Advisory) throws -> InsertOutcome {
        try transaction {
            var outcome = InsertOutcome.inserted
            let existing: (Int64, String?)? = try withStatement(
                "SELECT id, modified FROM advisories WHERE source = ?1 AND advisory_id = ?2") { statement in
                statement.bind(1, advisory.source).bind(2, advisory.id)
                return try statement.step() ? (statement.int64(0), statement.string(1)) : nil
            }
            if let (rowID, modified) = existing {
                if let modified, let new = advisory.modified, modified > new { return .keptNewer }
                for sql in ["DELETE FROM advisory_ids WHERE advisory = ?1", "DELETE FROM affected WHERE advisory = ?1",
                            "DELETE FROM advisories WHERE id = ?1"] {
                    try withStatement(sql) { try $0.bind(1, rowID).run() }
                }
                outcome = .replaced
            }
            let rowID: Int64 = try withStatement("""
                INSERT INTO advisories (source, advisory_id, aliases, summary, details, published, modified, severity,
                  severity_source, vendor_severity, cvss_v2, cvss_v2_score, cvss_v3, cvss_v3_score, cvss_v4, cvss_v4_score,
                  refs, cwes, upstream)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                """) { statement in
                statement.bind(1, advisory.source).bind(2, advisory.id).bind(3, JSONText.array(advisory.aliases))
                    .bind(4, advisory.summary).bind(5, advisory.details).bind(6, advisory.published).bind(7, advisory.modified)
                    .bind(8, advisory.severity?.rawValue).bind(9, advisory.severitySource)
                    .bind(10, JSONText.object(advisory.vendorSeverities))
                    .bind(11, advisory.cvssV2?.vector).bind(12, advisory.cvssV2?.score)
                    .bind(13, advisory.cvssV3?.vector).bind(14, advisory.cvssV3?.score)
                    .bind(15, advisory.cvssV4?.vector).bind(16, advisory.cvssV4?.score)
                    .bind(17, JSONText.references(advisory.references)).bind(18, JSONText.array(advisory.cwes))
                    .bind(19, JSONText.array(advisory.upstream))
                try statement.run()
                return database.lastInsertRowID
            }
            for affected in advisory.affected {
                let ecosystem = Ecosystem.normalize(affected.ecosystem)
                let name = PackageName.normalize(affected.name, ecosystem: ecosystem)
                try withStatement("""
                    INSERT INTO affected (advisory, ecosystem, package, original_name, purl, ranges, versions, fixed, status,
                      severity, severity_text)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                    """) { statement in
                    statement.bind(1, rowID).bind(2, ecosystem).bind(3, name).bind(4, affected.originalName)
                        .bind(5, affected.purl).bind(6, JSONText.ranges(affected.ranges))
                        .bind(7, JSONText.array(affected.versions)).bind(8, JSONText.array(affected.fixedVersions))
                        .bind(9, affected.status.rawValue).bind(10, affected.severity?.rawValue).bind(11, affected.severityText)
                    try statement.run()
                }
            }
            for id in [advisory.id] + advisory.aliases + advisory.upstream {
                try withStatement("INSERT OR IGNORE INTO advisory_ids (id, advisory) VALUES (?1, ?2)") {
                    try $0.bind(1, id).bind(2, rowID).run()
                }
            }
            return outcome
        }
    }

    // MARK: queries

    private static let selectColumns = """
        SELECT a.id, a.source, a.advisory_id, a.aliases, a.summary, a.details, a.published, a.modified, a.severity,
          a.severity_source, a.vendor_severity, a.cvss_v2, a.cvss_v2_score, a.cvss_v3, a.cvss_v3_score, a.cvss_v4,
          a.cvss_v4_score, a.refs, a.cwes,
          f.ecosystem, f.package, f.original_name, f.purl, f.ranges, f.versions, f.fixed, f.status, f.severity, f.severity_text,
          a.upstream
        FROM affected f JOIN advisories a ON a.id = f.advisory
        """

    /// Advisories affecting one package, each carrying only the affected entries for that package; ordered by
    /// advisory id, then source. Ecosystem and name are normalised first (`Ecosystem.normalize`, `PackageName.normalize`).
    public func advisories(ecosystem: String, packageName: String) throws -> [Advisory] {
        try advisories(for: [PackageKey(ecosystem: ecosystem, name: packageName)]).values.first ?? []
    }

    /// The batch variant: one prepared statement reused for every key. Every key is present in the result
    /// (with an empty list when nothing matches).
    public func advisories(for keys: [PackageKey]) throws -> [PackageKey: [Advisory]] {
        var result: [PackageKey: [Advisory]] = [:]
        result.reserveCapacity(keys.count)
        var cache: [Int64: Advisory] = [:]
        try withStatement(Self.selectColumns + " WHERE f.ecosystem = ?1 AND f.package = ?2 ORDER BY a.advisory_id, a.source, f.rowid") {
            statement in
            for key in keys where result[key] == nil {
                let normalized = key.normalized
                statement.reset()
                statement.bind(1, normalized.ecosystem).bind(2, normalized.name)
                result[key] = try readAdvisories(statement, cache: &cache)
            }
        }
        return result
    }

    /// Advisories whose id or alias is `id` (e.g. every record about `CVE-2021-44228`), with all their affected entries.
    public func advisories(withID id: String) throws -> [Advisory] {
        var cache: [Int64: Advisory] = [:]
        return try withStatement(Self.selectColumns + """
             WHERE a.id IN (SELECT advisory FROM advisory_ids WHERE id = ?1) ORDER BY a.advisory_id, a.source, f.rowid
            """) { statement in
            statement.bind(1, id)
            return try readAdvisories(statement, cache: &cache)
        }
    }

    private func readAdvisories(_ statement: Statement, cache: inout [Int64: Advisory]) throws -> [Advisory] {
        var advisories: [Advisory] = []
        var indexByRow: [Int64: Int] = [:]
        while try statement.step() {
            let rowID = statement.int64(0)
            if indexByRow[rowID] == nil {
                var advisory: Advisory
                if let cached = cache[rowID] {
                    advisory = cached
                } else {
                    advisory = try readAdvisory(statement)
                    cache[rowID] = advisory
                }
                advisory.affected = []
                indexByRow[rowID] = advisories.count
                advisories.append(advisory)
            }
            if let index = indexByRow[rowID] { advisories[index].affected.append(try readAffected(statement)) }
        }
        return advisories
    }

    private func decode<T: Decodable>(_ type: T.Type, _ statement: Statement, _ column: Int32, empty: T) throws -> T {
        guard let text = statement.string(column), text != "[]", text != "{}" else { return empty }
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw VulnDBError.invalidData(file: path, entry: nil, reason: "corrupt JSON column \(column): \(error)")
        }
    }

    private func readAdvisory(_ s: Statement) throws -> Advisory {
        var advisory = Advisory(
            source: s.string(1) ?? "", id: s.string(2) ?? "",
            aliases: try decode([String].self, s, 3, empty: []),
            summary: s.string(4), details: s.string(5), published: s.string(6), modified: s.string(7),
            severity: s.string(8).flatMap(Severity.init(rawValue:)), severitySource: s.string(9),
            vendorSeverities: try decode([String: String].self, s, 10, empty: [:]),
            cvssV2: s.string(11).map { CVSSScore(vector: $0, score: s.optionalDouble(12)) },
            cvssV3: s.string(13).map { CVSSScore(vector: $0, score: s.optionalDouble(14)) },
            cvssV4: s.string(15).map { CVSSScore(vector: $0, score: s.optionalDouble(16)) },
            references: try decode([Reference].self, s, 17, empty: []),
            cwes: try decode([String].self, s, 18, empty: []))
        advisory.upstream = try decode([String].self, s, 29, empty: [])
        return advisory
    }

    private func readAffected(_ s: Statement) throws -> AffectedPackage {
        AffectedPackage(
            ecosystem: s.string(19) ?? "", name: s.string(20) ?? "", originalName: s.string(21), purl: s.string(22),
            ranges: try decode([AffectedRange].self, s, 23, empty: []),
            versions: try decode([String].self, s, 24, empty: []),
            fixedVersions: try decode([String].self, s, 25, empty: []),
            status: s.string(26).flatMap(AdvisoryStatus.init(rawValue:)) ?? .unknown,
            severity: s.string(27).flatMap(Severity.init(rawValue:)), severityText: s.string(28))
    }
}
