import Crypto
import Foundation

/// `skopeo`, the independent client that puts real images into a test registry and reads them back.
///
/// Every call is hermetic: no signature policy (`--insecure-policy`) and, without credentials,
/// `--no-creds`, so the machine's `~/.docker/config.json` or `auth.json` never leaks in.
/// Errors carry skopeo's stderr; arguments are not shown because they may hold a password.
///
/// ```swift
/// let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["alice": "s3cret"]))
/// let skopeo = try Skopeo()
/// let alice = BasicCredentials(username: "alice", password: "s3cret")
/// try await skopeo.push(ociLayout: try TestEnvironment.ociLayout("scratch"), to: registry.endpoint,
///                       repository: "test/scratch", tag: "v1", credentials: alice)
/// let digest = try await skopeo.manifestDigest(registry.endpoint, repository: "test/scratch", reference: "v1", credentials: alice)
/// ```
public struct Skopeo: Sendable {
    public let executable: String

    public init() throws {
        executable = try TestEnvironment.skopeo()
    }

    /// `skopeo copy oci:LAYOUT docker://HOST/REPOSITORY:TAG`.
    public func push(
        ociLayout: String, to endpoint: RegistryEndpoint, repository: String, tag: String = "latest",
        credentials: BasicCredentials? = nil
    ) async throws {
        try await copy(from: "oci:" + ociLayout, to: endpoint, repository: repository, tag: tag, credentials: credentials)
    }

    /// `skopeo copy SOURCE docker://HOST/REPOSITORY:TAG` for any source transport
    /// (`oci:…`, `docker-archive:…`, `oci-archive:…`); `allPlatforms` keeps a whole index (`--all`).
    public func copy(
        from source: String, to endpoint: RegistryEndpoint, repository: String, tag: String = "latest",
        credentials: BasicCredentials? = nil, allPlatforms: Bool = false
    ) async throws {
        var arguments = ["--insecure-policy", "copy", "--quiet", "--retry-times", "0"] + (allPlatforms ? ["--all"] : [])
        arguments += Self.connectionArguments(endpoint, credentials: credentials, prefix: "--dest-")
        arguments += [source, endpoint.reference(repository, tag)]
        _ = try await run(arguments, what: "push \(source) to \(endpoint.host)/\(repository):\(tag)")
    }

    /// The manifest exactly as the registry serves it (`skopeo inspect --raw`).
    public func rawManifest(
        _ endpoint: RegistryEndpoint, repository: String, reference: String = "latest", credentials: BasicCredentials? = nil
    ) async throws -> Data {
        var arguments = ["inspect", "--raw", "--retry-times", "0"]
        arguments += Self.connectionArguments(endpoint, credentials: credentials, prefix: "--")
        arguments.append(endpoint.reference(repository, reference))
        return try await run(arguments, what: "inspect \(endpoint.host)/\(repository):\(reference)").standardOutput
    }

    /// `sha256:…` of the served manifest bytes: the digest a client must compute and compare.
    public func manifestDigest(
        _ endpoint: RegistryEndpoint, repository: String, reference: String = "latest", credentials: BasicCredentials? = nil
    ) async throws -> String {
        let manifest = try await rawManifest(endpoint, repository: repository, reference: reference, credentials: credentials)
        return "sha256:" + SHA256.hash(data: manifest).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Plumbing

    private func run(_ arguments: [String], what: String) async throws -> CommandResult {
        let result = try await CommandRunner.run(executable, arguments, displayName: "skopeo (\(what))")
        guard result.succeeded else {
            throw RegistryHarnessError(
                .processFailed, "skopeo could not \(what) (exit \(result.status)): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return result
    }

    /// TLS and credential flags. Without credentials `--no-creds`, so the machine's auth files
    /// (`~/.docker/config.json`, `auth.json`) never leak into a test.
    private static func connectionArguments(_ endpoint: RegistryEndpoint, credentials: BasicCredentials?, prefix: String) -> [String] {
        var arguments: [String]
        if endpoint.usesTLS {
            arguments = ["\(prefix)tls-verify=true"]
            if let directory = endpoint.certDirectory { arguments += ["\(prefix)cert-dir", directory] }
        } else {
            arguments = ["\(prefix)tls-verify=false"]
        }
        if let credentials {
            arguments += ["\(prefix)creds", credentials.colonSeparated]
        } else {
            arguments.append("\(prefix)no-creds")
        }
        return arguments
    }
}
