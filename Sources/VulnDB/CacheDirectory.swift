import Foundation

/// Where moat keeps its cache, and the database inside it (`<cache>/db/moat.db`).
///
/// Resolution order: the `--cache-dir` value, else `MOAT_CACHE_DIR`, else `$XDG_CACHE_HOME/moat` (only when
/// `XDG_CACHE_HOME` is absolute, as the XDG spec requires), else `$HOME/.cache/moat`. Empty values are ignored;
/// a leading `~/` is expanded with `HOME`; relative paths are taken from the current directory.
/// Nothing is created until `createDatabaseDirectory()` (the updater calls it on first use).
public struct CacheDirectory: Sendable, Hashable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var databaseDirectory: URL { root.appendingPathComponent("db", isDirectory: true) }
    public var databaseURL: URL { databaseDirectory.appendingPathComponent("moat.db") }
    public var databasePath: String { databaseURL.path }

    /// Resolves the cache directory. `environment` and `currentDirectory` are injectable for tests.
    public static func resolve(explicit: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> CacheDirectory {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        func absolute(_ path: String) -> URL {
            var path = path
            if let home, path == "~" || path.hasPrefix("~/") { path = home + path.dropFirst() }
            if path.hasPrefix("/") { return URL(fileURLWithPath: path, isDirectory: true) }
            return URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent(path, isDirectory: true)
        }
        if let explicit, !explicit.isEmpty { return CacheDirectory(root: absolute(explicit)) }
        if let value = environment["MOAT_CACHE_DIR"], !value.isEmpty { return CacheDirectory(root: absolute(value)) }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return CacheDirectory(root: URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("moat", isDirectory: true))
        }
        guard let home else {
            throw VulnDBError.cacheDirectoryUnresolvable("neither --cache-dir, MOAT_CACHE_DIR, XDG_CACHE_HOME nor HOME is set")
        }
        return CacheDirectory(root: URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache", isDirectory: true).appendingPathComponent("moat", isDirectory: true))
    }

    /// Creates `<cache>/db` (and parents) if needed.
    public func createDatabaseDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: databaseDirectory, withIntermediateDirectories: true)
        } catch {
            throw VulnDBError.io(path: databaseDirectory.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
    }
}
