import CSQLite
import Foundation

/// A thin, safe layer over the system SQLite (Debian `libsqlite3-dev`): open, prepare, bind, step, transactions.
/// One `Database` is used from one thread at a time (it is a class without internal locking).
public final class Database {
    public enum Mode: Sendable { case readOnly, readWrite, create }

    let handle: OpaquePointer
    public let path: String

    public init(path: String, mode: Mode = .readOnly) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let flags: Int32 = switch mode {
        case .readOnly: SQLITE_OPEN_READONLY
        case .readWrite: SQLITE_OPEN_READWRITE
        case .create: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let status = sqlite3_open_v2(path, &pointer, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot allocate"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        handle = pointer
        self.path = path
        sqlite3_busy_timeout(handle, 10_000)
    }

    /// Opens a read-only database from the bytes of a database file held in memory (`sqlite3_deserialize`):
    /// nothing touches the disk. SQLite gets its own copy (allocated with `sqlite3_malloc64`, freed when the
    /// database closes). A file in WAL mode is read as a rollback-journal database, since its `-wal` file is not
    /// part of `bytes`. Values longer than the file (which only a view or generated column could compute) are
    /// refused (`SQLITE_LIMIT_LENGTH`). `name` only labels error messages. Corrupt input gives `SQLiteError`s.
    public init(bytes: [UInt8], name: String = "(memory)") throws(SQLiteError) {
        var pointer: OpaquePointer?
        let status = sqlite3_open_v2(":memory:", &pointer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot allocate"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: status, message: "cannot open \(name): \(message)")
        }
        let count = bytes.count
        guard let raw = sqlite3_malloc64(sqlite3_uint64(max(count, 1))) else {
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: SQLITE_NOMEM, message: "cannot open \(name): out of memory for \(count) bytes")
        }
        let buffer = raw.bindMemory(to: UInt8.self, capacity: max(count, 1))
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: count) }
        }
        // WAL mode is recorded as 2/2 in the header's read/write version bytes (offsets 18 and 19); the in-memory
        // VFS has no shared memory for WAL, so read the file as a legacy (rollback journal) database instead.
        if count >= 100, buffer[18] == 2, buffer[19] == 2 {
            buffer[18] = 1
            buffer[19] = 1
        }
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE) | UInt32(SQLITE_DESERIALIZE_READONLY)
        // On failure, SQLite frees the buffer itself (FREEONCLOSE).
        let result = sqlite3_deserialize(pointer, "main", buffer, sqlite3_int64(count), sqlite3_int64(count), flags)
        guard result == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(pointer))
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: result, message: "cannot open \(name): \(message)")
        }
        // No value read from the file can be longer than the file: a longer one could only be computed (a view or a
        // generated column in a hostile schema), so cap value lengths at the file's size (at least 1 MiB).
        sqlite3_limit(pointer, SQLITE_LIMIT_LENGTH, Int32(clamping: max(count, 1 << 20)))
        handle = pointer
        path = name
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(status)"
            sqlite3_free(error)
            throw SQLiteError(code: status, message: "\(path): \(message)")
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteError(code: status, message: "\(path): \(String(cString: sqlite3_errmsg(handle))) in \(sql.prefix(120))")
        }
        return Statement(statement, database: self)
    }

    /// Runs `body` in a transaction, committed when it returns and rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Names of the tables in the database.
    public func tableNames() throws(SQLiteError) -> [String] {
        let statement = try prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var names: [String] = []
        while try statement.step() { names.append(statement.string(0) ?? "") }
        return names
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A prepared statement; bind parameters (1-based), then `step()` until it returns false.
public final class Statement {
    let pointer: OpaquePointer
    let database: Database

    init(_ pointer: OpaquePointer, database: Database) {
        self.pointer = pointer
        self.database = database
    }

    deinit { sqlite3_finalize(pointer) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    @discardableResult
    public func bind(_ index: Int32, _ value: String?) -> Statement {
        if let value { sqlite3_bind_text(pointer, index, value, -1, Self.transient) } else { sqlite3_bind_null(pointer, index) }
        return self
    }

    @discardableResult
    public func bind(_ index: Int32, _ value: Int64?) -> Statement {
        if let value { sqlite3_bind_int64(pointer, index, value) } else { sqlite3_bind_null(pointer, index) }
        return self
    }

    @discardableResult
    public func bind(_ index: Int32, _ value: [UInt8]?) -> Statement {
        if let value {
            value.withUnsafeBytes { sqlite3_bind_blob(pointer, index, $0.baseAddress, Int32($0.count), Self.transient) }
        } else {
            sqlite3_bind_null(pointer, index)
        }
        return self
    }

    /// Advances to the next row; false when done.
    public func step() throws(SQLiteError) -> Bool {
        let status = sqlite3_step(pointer)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(code: status, message: "\(database.path): \(database.lastError)")
        }
    }

    /// Runs a statement that returns no rows, then resets it for reuse.
    public func run() throws(SQLiteError) {
        while try step() {}
        reset()
    }

    public func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
    }

    public func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(pointer, column) else { return nil }
        return String(cString: text)
    }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(pointer, column) }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(pointer, column) == SQLITE_NULL }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(pointer, column))
        guard count > 0, let bytes = sqlite3_column_blob(pointer, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { message }
}

// MARK: - Additions for the vulnerability database (VulnDB)

extension Database {
    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

extension Statement {
    @discardableResult
    public func bind(_ index: Int32, _ value: Double?) -> Statement {
        if let value { sqlite3_bind_double(pointer, index, value) } else { sqlite3_bind_null(pointer, index) }
        return self
    }

    public func double(_ column: Int32) -> Double { sqlite3_column_double(pointer, column) }

    /// The column as a Double, or nil when it is NULL.
    public func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    /// The column as an Int64, or nil when it is NULL.
    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
}
