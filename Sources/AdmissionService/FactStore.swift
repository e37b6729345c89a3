import Foundation
import MoatSQLite

/// Facts kept across restarts in the embedded SQLite store (`<cache dir>/admission-facts.db`), so a restarted or
/// rescheduled replica decides warm from its first request, and replicas sharing a volume share work. Each entry has
/// a wall-clock expiry; expired rows are ignored and pruned.
final class FactStore: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()

    init(path: String) throws {
        database = try Database(path: path, mode: .create)
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute("""
            CREATE TABLE IF NOT EXISTS facts (
                kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, expires REAL NOT NULL,
                PRIMARY KEY (kind, key))
            """)
        try database.execute("DELETE FROM facts WHERE expires < \(Date().timeIntervalSince1970)")
    }

    /// The stored value and its remaining lifetime, if it has not expired.
    func load(kind: String, key: String) -> (value: [UInt8], remaining: Duration)? {
        lock.lock()
        defer { lock.unlock() }
        guard let statement = try? database.prepare("SELECT value, expires FROM facts WHERE kind = ? AND key = ?") else { return nil }
        _ = statement.bind(1, kind).bind(2, key)
        guard (try? statement.step()) == true else { return nil }
        let remaining = statement.double(1) - Date().timeIntervalSince1970
        guard remaining > 0 else { return nil }
        return (statement.blob(0), .milliseconds(Int(remaining * 1000)))
    }

    func save(kind: String, key: String, value: [UInt8], lifetime: Duration) {
        let expires = Date().timeIntervalSince1970 + Double(lifetime.components.seconds)
        lock.lock()
        defer { lock.unlock() }
        guard let statement = try? database.prepare("INSERT OR REPLACE INTO facts (kind, key, value, expires) VALUES (?, ?, ?, ?)") else { return }
        _ = statement.bind(1, kind).bind(2, key).bind(3, value).bind(4, expires)
        try? statement.run()
    }
}

/// How one kind of fact is written to and read from the store.
struct FactPersistence<Value: Sendable>: Sendable {
    let store: FactStore
    let kind: String
    let encode: @Sendable (Value) -> [UInt8]?
    let decode: @Sendable ([UInt8]) -> Value?
}
