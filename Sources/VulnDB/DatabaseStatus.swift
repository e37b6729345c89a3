import Foundation

/// What `moat db status` shows: sources, counts, last update, age and staleness.
public struct DatabaseStatus: Sendable, Codable {
    /// Default staleness bound: 7 days.
    public static let defaultStaleAfter: TimeInterval = 7 * 24 * 3600

    public var path: String
    public var exists: Bool
    public var schemaVersion: Int?
    /// The last successful `db update` (even when every source answered 304 Not Modified); for a database built by
    /// direct imports, the latest source check time.
    public var lastUpdate: Date?
    /// The last time any source's data changed.
    public var lastDataChange: Date?
    /// `now - lastUpdate`; nil without an update.
    public var age: TimeInterval?
    public var staleAfter: TimeInterval
    /// True when there is no database, it was never updated, or it is older than `staleAfter`.
    public var isStale: Bool
    public var sources: [SourceRecord]
    public var ecosystems: [EcosystemCount]
    public var totalAdvisories: Int
    public var totalAffected: Int

    /// Reads the status of the database at `path`. `now` is the injected clock.
    public static func load(path: String, now: Date = Date(), staleAfter: TimeInterval = defaultStaleAfter) throws -> DatabaseStatus {
        guard FileManager.default.fileExists(atPath: path) else {
            return DatabaseStatus(path: path, exists: false, schemaVersion: nil, lastUpdate: nil, lastDataChange: nil, age: nil,
                                  staleAfter: staleAfter, isStale: true, sources: [], ecosystems: [], totalAdvisories: 0,
                                  totalAffected: 0)
        }
        let database = try VulnDatabase.open(at: path)
        return try load(database, now: now, staleAfter: staleAfter)
    }

    public static func load(_ database: VulnDatabase, now: Date = Date(), staleAfter: TimeInterval = defaultStaleAfter) throws -> DatabaseStatus {
        let sources = try database.sources()
        // Databases built by direct imports (not `db update`) fall back to their sources' check times.
        let lastUpdate = try database.metadataDate("checked_at") ?? sources.compactMap(\.checkedAt).max()
        let age = lastUpdate.map { now.timeIntervalSince($0) }
        return DatabaseStatus(
            path: database.path, exists: true, schemaVersion: try database.metadata("schema_version").flatMap { Int($0) },
            lastUpdate: lastUpdate, lastDataChange: try database.metadataDate("updated_at") ?? sources.compactMap(\.updatedAt).max(), age: age,
            staleAfter: staleAfter, isStale: age.map { $0 > staleAfter } ?? true,
            sources: sources, ecosystems: try database.ecosystemCounts(),
            totalAdvisories: sources.reduce(0) { $0 + $1.advisoryCount }, totalAffected: sources.reduce(0) { $0 + $1.affectedCount })
    }
}
