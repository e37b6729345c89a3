import Foundation
import MoatSQLite

/// The on-disk schema of `<cache>/db/moat.db` (SQLite; see also `docs/vulndb.md`).
///
/// ```sql
/// metadata(key TEXT PRIMARY KEY, value TEXT)            -- schema_version, created_at, updated_at, checked_at
/// sources(name TEXT PRIMARY KEY, kind, url, etag, last_modified,
///         advisories INTEGER, affected INTEGER, updated_at INTEGER, checked_at INTEGER)
/// advisories(id INTEGER PRIMARY KEY,                    -- internal row id
///            source TEXT, advisory_id TEXT,             -- UNIQUE (source, advisory_id)
///            aliases TEXT, upstream TEXT,               -- JSON arrays of strings (OSV aliases / upstream)
///            summary, details, published, modified,     -- text; timestamps RFC 3339 as given
///            severity TEXT, severity_source TEXT,       -- advisory's own rating (UNKNOWN…CRITICAL) and its vendor
///            vendor_severity TEXT,                      -- JSON object vendor → rating as written
///            cvss_v2, cvss_v2_score REAL, cvss_v3, cvss_v3_score REAL, cvss_v4, cvss_v4_score REAL,
///            refs TEXT,                                 -- JSON [{"type","url"}]
///            cwes TEXT)                                 -- JSON array
/// affected(advisory INTEGER REFERENCES advisories(id),
///          ecosystem TEXT, package TEXT,                -- normalised lookup key
///          original_name TEXT, purl TEXT,
///          ranges TEXT,                                 -- JSON [{"type","repo"?,"events":[{"introduced":"0"},{"fixed":"1.2"}]}]
///          versions TEXT,                               -- JSON array of explicitly affected versions
///          fixed TEXT,                                  -- JSON array of fixed versions
///          status TEXT,                                 -- fixed, affected, not_affected, will_not_fix, …
///          severity TEXT, severity_text TEXT)           -- per-package vendor rating (parsed / as written)
/// advisory_ids(id TEXT, advisory INTEGER)               -- the advisory id, aliases and upstream ids, for lookups by CVE
/// counts(source TEXT, ecosystem TEXT, advisories INTEGER, packages INTEGER)
/// INDEX affected(ecosystem, package), affected(advisory), advisory_ids(advisory)
/// ```
public enum VulnDBSchema: Sendable {
    /// Bumped on any incompatible change; a database with another version is rebuilt by `moat db update`.
    public static let version = 1

    static let statements = """
    CREATE TABLE IF NOT EXISTS metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        url TEXT,
        etag TEXT,
        last_modified TEXT,
        advisories INTEGER NOT NULL DEFAULT 0,
        affected INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER,
        checked_at INTEGER
    );
    CREATE TABLE IF NOT EXISTS advisories (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        advisory_id TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        upstream TEXT NOT NULL DEFAULT '[]',
        summary TEXT,
        details TEXT,
        published TEXT,
        modified TEXT,
        severity TEXT,
        severity_source TEXT,
        vendor_severity TEXT NOT NULL DEFAULT '{}',
        cvss_v2 TEXT, cvss_v2_score REAL,
        cvss_v3 TEXT, cvss_v3_score REAL,
        cvss_v4 TEXT, cvss_v4_score REAL,
        refs TEXT NOT NULL DEFAULT '[]',
        cwes TEXT NOT NULL DEFAULT '[]',
        UNIQUE (source, advisory_id)
    );
    CREATE TABLE IF NOT EXISTS affected (
        advisory INTEGER NOT NULL REFERENCES advisories(id),
        ecosystem TEXT NOT NULL,
        package TEXT NOT NULL,
        original_name TEXT NOT NULL,
        purl TEXT,
        ranges TEXT NOT NULL DEFAULT '[]',
        versions TEXT NOT NULL DEFAULT '[]',
        fixed TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL,
        severity TEXT,
        severity_text TEXT
    );
    CREATE INDEX IF NOT EXISTS affected_by_package ON affected (ecosystem, package);
    CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected (advisory);
    CREATE TABLE IF NOT EXISTS advisory_ids (
        id TEXT NOT NULL,
        advisory INTEGER NOT NULL,
        PRIMARY KEY (id, advisory)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS advisory_ids_by_advisory ON advisory_ids (advisory);
    CREATE TABLE IF NOT EXISTS counts (
        source TEXT NOT NULL,
        ecosystem TEXT NOT NULL,
        advisories INTEGER NOT NULL,
        packages INTEGER NOT NULL,
        PRIMARY KEY (source, ecosystem)
    ) WITHOUT ROWID;
    """
}

/// Errors of the vulnerability database, each naming the file (and entry) concerned.
public enum VulnDBError: Error, CustomStringConvertible, Sendable {
    case missingDatabase(path: String)
    case schemaMismatch(path: String, found: String?, expected: Int)
    case sqlite(SQLiteError)
    /// A problem in input data: the file, the entry inside it (zip member or JSON path), and what is wrong.
    case invalidData(file: String, entry: String?, reason: String)
    /// An input file or zip member larger than the configured bound (also used for zip bombs).
    case tooLarge(file: String, entry: String?, limit: Int64)
    case io(path: String, reason: String)
    case cacheDirectoryUnresolvable(String)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            "no vulnerability database at \(path); run `moat db update`"
        case .schemaMismatch(let path, let found, let expected):
            "\(path) has schema version \(found ?? "none"), this moat needs \(expected); run `moat db update`"
        case .sqlite(let error):
            error.description
        case .invalidData(let file, let entry, let reason):
            "\(file)\(entry.map { ": entry '\($0)'" } ?? ""): \(reason)"
        case .tooLarge(let file, let entry, let limit):
            "\(file)\(entry.map { ": entry '\($0)'" } ?? ""): larger than the limit of \(limit) bytes (refusing to read it)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .cacheDirectoryUnresolvable(let reason):
            "cannot find a cache directory: \(reason)"
        }
    }
}

extension VulnDBError {
    /// Wraps SQLite errors, passing VulnDB errors through.
    static func wrap(_ error: any Error) -> any Error {
        if let error = error as? SQLiteError { return VulnDBError.sqlite(error) }
        return error
    }
}
