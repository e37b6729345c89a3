import AdmissionService
import Foundation
import ImagePolicy
import Prometheus
import Registry
import VulnDB

/// The facts `moat policy check` and `moat serve --policy` decide with: the vulnerability database and the persistent
/// fact store under the cache directory.
enum AdmissionFacts {
    /// The policy file, its warnings printed to stderr; errors as the user sees them.
    static func loadPolicy(_ path: String) throws -> Policy {
        let loaded: Policy
        do {
            loaded = try Policy.load(contentsOf: path)
        } catch {
            throw RuntimeError("\(error)")
        }
        for warning in loaded.warnings { FileHandle.standardError.write(Data("moat: warning: \(warning)\n".utf8)) }
        return loaded
    }

    static func make(client: RegistryClient, cacheDirectory: String?, deadline: Duration,
                     metrics: PrometheusCollectorRegistry? = nil) throws -> RegistryImageFacts {
        let cache = try CacheDirectory.resolve(explicit: cacheDirectory)
        var settings = RegistryImageFacts.Settings()
        settings.deadline = deadline
        settings.databasePath = FileManager.default.fileExists(atPath: cache.databasePath) ? cache.databasePath : nil
        do {
            try FileManager.default.createDirectory(at: cache.root, withIntermediateDirectories: true)
            settings.storePath = cache.root.appendingPathComponent("admission-facts.db").path
            return try RegistryImageFacts(client: client, settings: settings, metrics: metrics)
        } catch {
            throw RuntimeError("\(error)")
        }
    }
}
