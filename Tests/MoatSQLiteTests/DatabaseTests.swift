import Foundation
import MoatSQLite
import Testing

@Suite("MoatSQLite")
struct DatabaseTests {
    @Test("create, insert in a transaction, query back text, integers, blobs and nulls")
    func roundTrip() throws {
        let path = NSTemporaryDirectory() + "moat-sqlite-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try Database(path: path, mode: .create)
        try database.execute("CREATE TABLE t (name TEXT, n INTEGER, data BLOB)")
        try database.transaction {
            let insert = try database.prepare("INSERT INTO t VALUES (?, ?, ?)")
            for i in 0..<3 { try insert.bind(1, "row\(i)").bind(2, Int64(i)).bind(3, i == 2 ? nil : [UInt8(i), 0xff]).run() }
        }
        let query = try database.prepare("SELECT name, n, data FROM t ORDER BY n")
        var rows: [(String?, Int64, [UInt8], Bool)] = []
        while try query.step() { rows.append((query.string(0), query.int64(1), query.blob(2), query.isNull(2))) }
        #expect(rows.map(\.0) == ["row0", "row1", "row2"])
        #expect(rows.map(\.1) == [0, 1, 2])
        #expect(rows[1].2 == [1, 0xff])
        #expect(rows[2].3)
        #expect(try database.tableNames() == ["t"])
    }

    @Test("a failing transaction rolls back; errors name the database")
    func rollback() throws {
        let path = NSTemporaryDirectory() + "moat-sqlite-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try Database(path: path, mode: .create)
        try database.execute("CREATE TABLE t (n INTEGER)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.transaction {
                try database.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        let count = try database.prepare("SELECT count(*) FROM t")
        #expect(try count.step())
        #expect(count.int64(0) == 0)
        do {
            _ = try database.prepare("SELECT * FROM missing")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains(path))
        }
        #expect(throws: SQLiteError.self) { try Database(path: "/nonexistent/dir/x.db", mode: .readOnly) }
    }
}
