import Foundation
import Testing
import VulnDB

@Suite("CacheDirectory")
struct CacheDirectoryTests {
    @Test("--cache-dir wins, then MOAT_CACHE_DIR, then XDG_CACHE_HOME/moat, then ~/.cache/moat")
    func precedence() throws {
        let environment = ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg", "MOAT_CACHE_DIR": "/moat-env"]
        #expect(try CacheDirectory.resolve(explicit: "/flag", environment: environment).root.path == "/flag")
        #expect(try CacheDirectory.resolve(explicit: nil, environment: environment).root.path == "/moat-env")
        #expect(try CacheDirectory.resolve(explicit: "", environment: environment).root.path == "/moat-env")
        var noMoat = environment
        noMoat["MOAT_CACHE_DIR"] = ""
        #expect(try CacheDirectory.resolve(environment: noMoat).root.path == "/xdg/moat")
        #expect(try CacheDirectory.resolve(environment: ["HOME": "/home/u"]).root.path == "/home/u/.cache/moat")
    }

    @Test("a relative XDG_CACHE_HOME is ignored (XDG spec); ~ and relative paths are expanded")
    func relativePaths() throws {
        let environment = ["HOME": "/home/u", "XDG_CACHE_HOME": "relative/cache"]
        #expect(try CacheDirectory.resolve(environment: environment).root.path == "/home/u/.cache/moat")
        #expect(try CacheDirectory.resolve(explicit: "~/c", environment: environment).root.path == "/home/u/c")
        #expect(try CacheDirectory.resolve(explicit: "rel", environment: environment, currentDirectory: "/work").root.path == "/work/rel")
    }

    @Test("the database lives at <cache>/db/moat.db")
    func databasePath() throws {
        let cache = try CacheDirectory.resolve(explicit: "/c", environment: [:])
        #expect(cache.databasePath == "/c/db/moat.db")
        #expect(cache.databaseDirectory.path == "/c/db")
    }

    @Test("no HOME and nothing else is a clear error")
    func unresolvable() {
        #expect {
            try CacheDirectory.resolve(environment: [:])
        } throws: { error in
            String(describing: error).contains("HOME")
        }
    }

    @Test("createDatabaseDirectory creates the directories on first use")
    func creates() throws {
        let directory = try TemporaryDirectory("cache")
        defer { directory.remove() }
        let cache = try CacheDirectory.resolve(explicit: directory.path + "/nested/cache", environment: [:])
        try cache.createDatabaseDirectory()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: cache.databaseDirectory.path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }
}
