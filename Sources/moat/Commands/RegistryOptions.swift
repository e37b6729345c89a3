import ArgumentParser
import Foundation
import Registry
import RegistryCredentials
import VulnDB

/// How to reach registries: credentials, trust, and the blob cache. Shared by every command that pulls or pushes.
struct RegistryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Registry username (with --password-stdin).", valueName: "name"))
    var username: String?

    @Flag(help: "Read the registry password (or token) from standard input.")
    var passwordStdin = false

    @Option(parsing: .singleValue, help: ArgumentHelp("A Kubernetes kubernetes.io/dockerconfigjson Secret file to take pull credentials from (repeatable).", valueName: "file"))
    var pullSecret: [String] = []

    @Option(help: ArgumentHelp("Docker config.json to read credentials from (default: $DOCKER_CONFIG/config.json, ~/.docker/config.json).", valueName: "file"))
    var dockerConfig: String?

    @Option(parsing: .singleValue, help: ArgumentHelp("PEM file of a CA to trust for registries, on top of the system store (repeatable).", valueName: "file"))
    var caFile: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Reach this registry over plain HTTP or unverified TLS (repeatable). Only for a registry you trust on a network you trust.", valueName: "host[:port]"))
    var insecureRegistry: [String] = []

    @Option(help: ArgumentHelp("Attempts per registry request before giving up (retries back off, and honour Retry-After).", valueName: "count"))
    var registryRetries: Int = 4

    @Option(help: ArgumentHelp("Size limit of the layer cache in bytes (default 10 GiB); least recently used blobs go first.", valueName: "bytes"))
    var blobCacheLimit: Int64 = BlobCache.defaultLimit

    @Flag(help: "Do not read or write the layer cache.")
    var noBlobCache = false

    func validate() throws {
        if passwordStdin && username == nil { throw ValidationError("--password-stdin needs --username") }
        guard registryRetries >= 1, registryRetries <= 20 else { throw ValidationError("--registry-retries must be between 1 and 20") }
        guard blobCacheLimit >= 0 else { throw ValidationError("--blob-cache-limit must not be negative") }
    }

    /// Credentials in precedence order: explicit flags, pull secrets, then the docker configuration.
    func credentials() throws -> any CredentialSource {
        var sources: [any CredentialSource] = []
        if let username {
            var password = ""
            if passwordStdin {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                password = String(decoding: data, as: UTF8.self)
                while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
            }
            sources.append(StaticCredentials(username: username, password: password))
        }
        for file in pullSecret {
            do {
                sources.append(try PullSecret(contentsOf: file))
            } catch {
                throw RuntimeError("cannot read the pull secret \(file): \(error)")
            }
        }
        do {
            sources.append(try dockerConfig.map { try DockerConfig(contentsOf: $0) } ?? DockerConfig.load())
        } catch {
            throw RuntimeError("cannot read the docker configuration: \(error)")
        }
        return CredentialChain(sources)
    }

    func configuration() throws -> RegistryConfiguration {
        RegistryConfiguration(insecureRegistries: Set(insecureRegistry.map { $0.lowercased() }), caFiles: caFile,
                              credentials: try credentials(), retry: RetryPolicy(attempts: registryRetries),
                              userAgent: "moat/\(Moat.version)")
    }

    /// The blob cache under moat's cache directory, unless turned off.
    func blobCache(cacheDirectory: String? = nil) throws -> BlobCache? {
        guard !noBlobCache else { return nil }
        let root = try CacheDirectory.resolve(explicit: cacheDirectory).root.appendingPathComponent("blobs").path
        return BlobCache(directory: root, limit: blobCacheLimit)
    }

    func client(cacheDirectory: String? = nil) throws -> RegistryClient {
        do {
            return try RegistryClient(configuration: try configuration(), cache: try blobCache(cacheDirectory: cacheDirectory))
        } catch let error as RegistryError {
            throw RuntimeError(error.description)
        }
    }
}
