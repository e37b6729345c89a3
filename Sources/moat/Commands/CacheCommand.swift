import ArgumentParser
import Foundation
import Registry
import VulnDB

/// `moat cache`: the layer cache that lets a rescan download nothing.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect or empty moat's layer cache.",
        subcommands: [Clean.self, Info.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("Cache directory (default: $MOAT_CACHE_DIR, $XDG_CACHE_HOME/moat, ~/.cache/moat).", valueName: "dir"))
        var cacheDir: String?

        func blobCache() throws -> BlobCache {
            BlobCache(directory: try CacheDirectory.resolve(explicit: cacheDir).root.appendingPathComponent("blobs").path)
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every cached layer and config (the vulnerability database stays; `--all` removes it too).")

        @OptionGroup var location: Location

        @Flag(help: "Also remove the vulnerability database.")
        var all = false

        func run() throws {
            let cache = try location.blobCache()
            let freed = cache.clean()
            var message = "Removed \(ByteCountFormatter.string(fromByteCount: freed, countStyle: .binary)) of cached blobs from \(cache.directory)"
            if all {
                let database = try CacheDirectory.resolve(explicit: location.cacheDir).databaseDirectory
                try? FileManager.default.removeItem(at: database)
                message += " and the vulnerability database from \(database.path)"
            }
            print(message)
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where the layer cache is and how big it is.")

        @OptionGroup var location: Location

        func run() throws {
            let cache = try location.blobCache()
            print("directory  \(cache.directory)")
            print("size       \(ByteCountFormatter.string(fromByteCount: cache.size(), countStyle: .binary))")
        }
    }
}
