public import Foundation

/// Docker's client configuration (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), read for credentials.
///
/// Lookup follows the Docker CLI (`configfile.GetAuthConfig`):
/// 1. a `credHelpers` entry for the registry, else `credsStore`, names a helper; if there is one, it alone answers
///    (`docker-credential-NAME get`; "credentials not found" means no credential);
/// 2. otherwise the `auths` entry for the registry: an exact key first (`https://index.docker.io/v1/` for Docker
///    Hub, the host otherwise), then any key that normalises to the same host, in file order.
///
/// Keys are compared after `RegistryHost.normalize`: scheme and path dropped, lower-cased, and
/// `index.docker.io`, `registry-1.docker.io` and `https://index.docker.io/v1/` all meaning `docker.io`.
public struct DockerConfig: CredentialSource {
    /// A `credHelpers` entry.
    public struct HelperEntry: Sendable, Equatable {
        /// The key as written.
        public let key: String
        /// The helper name (`docker-credential-` + name is run).
        public let helper: String
        public var registry: String { RegistryHost.normalize(key) }
    }

    /// The file read, or that would have been read.
    public let path: String
    /// False when the file does not exist (the configuration is then empty).
    public let exists: Bool
    /// `auths`, in file order.
    public let auths: [DockerAuthEntry]
    /// `credsStore`: the default helper for every registry.
    public let credentialsStore: String?
    /// `credHelpers`, in file order.
    public let credentialHelpers: [HelperEntry]
    /// How helpers are run.
    public var helperRunner: CredentialHelperRunner

    /// Where Docker reads its configuration: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return (directory.hasSuffix("/") ? directory : directory + "/") + "config.json"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home.hasSuffix("/") ? home : home + "/") + ".docker/config.json"
    }

    /// Reads the default configuration; a missing file gives an empty configuration (Docker's behaviour).
    /// Helpers are looked up in the environment's `PATH`.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        limits: CredentialLimits = .default
    ) throws(CredentialError) -> DockerConfig {
        let runner = CredentialHelperRunner(searchPath: environment["PATH"], limits: limits)
        let path = defaultPath(environment: environment)
        let config = try DockerConfig(contentsOf: path, helperRunner: runner, limits: limits, missingIsEmpty: true)
        return config.withHome(environment["HOME"])
    }

    /// Reads `path`.
    /// - Parameter missingIsEmpty: Treat a missing file as an empty configuration instead of an error.
    public init(
        contentsOf path: String,
        helperRunner: CredentialHelperRunner = CredentialHelperRunner(),
        limits: CredentialLimits = .default,
        missingIsEmpty: Bool = false
    ) throws(CredentialError) {
        if missingIsEmpty && !FileManager.default.fileExists(atPath: path) {
            self.init(path: path, exists: false, auths: [], credentialsStore: nil, credentialHelpers: [], helperRunner: helperRunner)
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try DocumentReader.read(path: path, limits: limits)
        } catch {
            throw CredentialError.from(error, file: path)
        }
        try self.init(bytes: bytes, path: path, helperRunner: helperRunner, limits: limits)
    }

    /// Parses config.json content; `path` names it in errors.
    public init(
        bytes: [UInt8],
        path: String,
        helperRunner: CredentialHelperRunner = CredentialHelperRunner(),
        limits: CredentialLimits = .default
    ) throws(CredentialError) {
        guard bytes.count <= limits.maxFileBytes else {
            throw CredentialError(.unreadableFile, "\(path): larger than the limit of \(limits.maxFileBytes) bytes")
        }
        // An empty file is an empty configuration, as for Docker.
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            self.init(path: path, exists: true, auths: [], credentialsStore: nil, credentialHelpers: [], helperRunner: helperRunner)
            return
        }
        let value: DocumentValue
        do {
            value = try JSONDocumentParser.parse(bytes, limits: limits)
        } catch {
            throw error.isLimit
                ? CredentialError(.limitExceeded, "\(path): \(error.description)")
                : CredentialError(.malformedFile, "\(path): invalid JSON at \(error.description)")
        }
        try self.init(value: value, path: path, helperRunner: helperRunner)
    }

    init(value: DocumentValue, path: String, helperRunner: CredentialHelperRunner) throws(CredentialError) {
        guard value.members != nil else {
            throw CredentialError(.malformedFile, "\(path): expected a JSON object, found \(value.kindName)")
        }
        let root = FieldPath()
        let auths = try value["auths"].map { value throws(CredentialError) in
            try DockerAuthEntry.parseMap(value, at: root.member("auths"), file: path, dialect: .docker)
        } ?? []
        var store: String?
        switch value["credsStore"] {
        case nil, .null?: store = nil
        case .string(let name)?: store = name.isEmpty ? nil : name
        case let other?: throw CredentialError(.malformedFile, "\(path): credsStore: expected a string, found \(other.kindName)")
        }
        var helpers: [HelperEntry] = []
        switch value["credHelpers"] {
        case nil, .null?: break
        case .object(let members)?:
            for member in members {
                guard case .string(let name) = member.value else {
                    throw CredentialError(.malformedFile, "\(path): \(root.member("credHelpers").key(member.key)): expected a helper name, found \(member.value.kindName)")
                }
                if !name.isEmpty { helpers.append(HelperEntry(key: member.key, helper: name)) }
            }
        case let other?: throw CredentialError(.malformedFile, "\(path): credHelpers: expected a mapping, found \(other.kindName)")
        }
        self.init(path: path, exists: true, auths: auths, credentialsStore: store, credentialHelpers: helpers, helperRunner: helperRunner)
    }

    /// An in-memory configuration (tests, or credentials assembled by a caller).
    public init(
        path: String,
        exists: Bool = true,
        auths: [DockerAuthEntry],
        credentialsStore: String? = nil,
        credentialHelpers: [HelperEntry] = [],
        helperRunner: CredentialHelperRunner = CredentialHelperRunner()
    ) {
        self.path = path
        self.exists = exists
        self.auths = auths
        self.credentialsStore = credentialsStore
        self.credentialHelpers = credentialHelpers
        self.helperRunner = helperRunner
        self.home = nil
    }

    private var home: String?

    private func withHome(_ home: String?) -> DockerConfig {
        var copy = self
        copy.home = home
        return copy
    }

    // MARK: - Lookup

    /// The helper that answers for `host` (`credHelpers`, else `credsStore`), or nil for the `auths` map.
    public func helper(forRegistry host: String) -> String? {
        let registry = RegistryHost.normalize(host)
        if let entry = credentialHelpers.first(where: { $0.key == RegistryHost.helperServerURL(for: registry) || $0.key == registry })
            ?? credentialHelpers.first(where: { $0.registry == registry }) {
            return entry.helper
        }
        return credentialsStore
    }

    /// The `auths` entry Docker would use for `host`, ignoring helpers.
    public func authEntry(forRegistry host: String) -> DockerAuthEntry? {
        let registry = RegistryHost.normalize(host)
        let exactKey = RegistryHost.helperServerURL(for: registry)
        return auths.first { $0.key == exactKey } ?? auths.first { $0.registry == registry }
    }

    public func credential(forRegistry host: String) throws -> RegistryCredential? {
        if let helper = helper(forRegistry: host) {
            return try helperRunner.get(helper: helper, serverURL: RegistryHost.helperServerURL(for: host))
        }
        return authEntry(forRegistry: host)?.credential
    }

    /// The path for messages, with the home directory written `~`.
    public var displayPath: String {
        let home = self.home ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let prefix = home.hasSuffix("/") ? home : home + "/"
        if home.count > 1 && path.hasPrefix(prefix) { return "~/" + path.dropFirst(prefix.count) }
        return path
    }

    public var description: String { displayPath }
}
