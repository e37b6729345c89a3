import AdmissionService
import Foundation
import Prometheus
import Registry
import VulnDB

/// The facts `moat policy check` and `moat serve --policy` decide with: the vulnerability database and the persistent
/// fact store under the cache directory.
enum AdmissionFacts {
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
