import ArgumentParser
import Foundation
import VulnDB

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the local vulnerability database (SQLite, in the cache directory).",
        subcommands: [DBImportCommand.self, DBUpdateCommand.self, DBStatusCommand.self]
    )
}

struct CacheOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Cache directory (default: $MOAT_CACHE_DIR, $XDG_CACHE_HOME/moat, ~/.cache/moat).", valueName: "dir"))
    var cacheDir: String?

    func cache() throws -> CacheDirectory {
        do { return try CacheDirectory.resolve(explicit: cacheDir) } catch { throw RuntimeError("\(error)") }
    }
}

struct DBImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import advisories from files: OSV JSON (files, directories, OSV's all.zip) and Alpine secdb JSON.",
        discussion: """
        EXAMPLES:
          moat db import Debian-all.zip PyPI-all.zip
          moat db import --alpine-branch v3.10 main.json community.json
          moat db import ./osv-mirror/
        """
    )

    @OptionGroup var cacheOptions: CacheOptions

    @Argument(help: ArgumentHelp("Files, directories or zips to import.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("Treat the files as Alpine secdb JSON for this branch (e.g. v3.10); detected from the file otherwise.", valueName: "branch"))
    var alpineBranch: String?

    @Option(help: ArgumentHelp("Source name to record (default: from the file name).", valueName: "name"))
    var source: String?

    @Flag(help: "Fail on the first invalid record instead of skipping it with a warning.")
    var strict = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file, directory or zip to import") }
    }

    func run() throws {
        let cache = try cacheOptions.cache()
        try cache.createDatabaseDirectory()
        let database: VulnDatabase
        do { database = try VulnDatabase.create(at: cache.databasePath) } catch {
            throw RuntimeError("cannot open \(cache.databasePath) for writing: \(error)")
        }
        let options = ImportOptions(strict: strict)
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else { throw RuntimeError("\(path): no such file or directory") }
            let started = Date()
            do {
                let report: ImportReport
                if alpineBranch != nil || Self.looksLikeAlpineSecDB(path) {
                    report = try AlpineSecDBImporter(options: options).importFile(path, source: source, branch: alpineBranch, into: database)
                } else {
                    let name = source ?? "import/" + URL(fileURLWithPath: path).lastPathComponent
                    report = try OSVImporter(options: options).importPath(path, source: name, into: database)
                }
                let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
                print("\(path): \(report.advisories) advisories, \(report.affected) affected packages, \(report.skipped) skipped in \(seconds) s")
                for issue in report.issues.prefix(10) { FileHandle.standardError.write(Data("moat: warning: \(issue)\n".utf8)) }
            } catch {
                throw RuntimeError("\(path): \(error)")
            }
        }
    }

    /// Alpine secdb files are JSON objects with `packages` and `distroversion`.
    static func looksLikeAlpineSecDB(_ path: String) -> Bool {
        guard path.hasSuffix(".json"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return head.contains("\"distroversion\"") || head.contains("\"reponame\"")
    }
}

struct DBUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Download the configured sources (OSV per-ecosystem zips, Alpine secdb) and swap in a new database atomically.",
        discussion: """
        Conditional requests make a second update cheap. The new database is built beside the old one and renamed \
        over it, so an interrupted update loses nothing. For an air-gapped mirror, point --config at a JSON file \
        with other base URLs (docs/vulndb.md).
        """
    )

    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: ArgumentHelp("JSON configuration of the sources (docs/vulndb.md).", valueName: "file"))
    var config: String?

    @Option(parsing: .singleValue, help: ArgumentHelp("Alpine branches to fetch from secdb (repeatable, e.g. v3.19).", valueName: "branch"))
    var alpineBranch: [String] = []

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func run() async throws {
        let cache = try cacheOptions.cache()
        var configuration = UpdateConfiguration()
        if let config {
            do { configuration = try UpdateConfiguration.load(from: config) } catch { throw RuntimeError("\(config): \(error)") }
        }
        if !alpineBranch.isEmpty { configuration = configuration.adding(alpineBranches: alpineBranch) }
        let quiet = self.quiet
        let updater = DatabaseUpdater(cache: cache, configuration: configuration, log: { message in
            if !quiet { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        })
        do {
            let report = try await updater.update()
            if !quiet { print("\(report.databasePath): \(report.replacedDatabase ? "updated" : "already up to date")") }
        } catch {
            throw RuntimeError("update failed, the previous database is unchanged: \(error)")
        }
    }
}

struct DBStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show sources, entry counts, last update and age.")

    @OptionGroup var cacheOptions: CacheOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let cache = try cacheOptions.cache()
        let status: DatabaseStatus
        do { status = try DatabaseStatus.load(path: cache.databasePath) } catch { throw RuntimeError("\(cache.databasePath): \(error)") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
            return
        }
        guard status.exists else {
            print("no vulnerability database at \(status.path); run `moat db update` or `moat db import`")
            throw ExitCode(1)
        }
        print("database     \(status.path)")
        print("advisories   \(status.totalAdvisories) (\(status.totalAffected) affected packages)")
        if let updated = status.lastUpdate { print("last update  \(ISO8601DateFormatter().string(from: updated)) (\(Int((status.age ?? 0) / 3600)) hours ago)") }
        for source in status.sources { print("source       \(source.name)") }
        for ecosystem in status.ecosystems.prefix(30) { print("ecosystem    \(ecosystem.ecosystem): \(ecosystem.advisories) advisories") }
        if status.isStale { FileHandle.standardError.write(Data("moat: warning: the database is stale; run `moat db update`\n".utf8)) }
    }
}
