public import OCIModel

/// Image pull secrets read from a file of Kubernetes objects (YAML or JSON; one or more documents, `List`s
/// allowed): every Secret of type `kubernetes.io/dockerconfigjson` (`data[".dockerconfigjson"]`, base64, or
/// `stringData`) or the legacy `kubernetes.io/dockercfg` (`.dockercfg`). Other objects are skipped.
///
/// Matching is the kubelet's (see `KubeletKeyring`): keys may carry a scheme, a path (a prefix of the repository
/// path) and `*` globs per DNS label (`*.example.com`); ports must agree; the most specific key comes first and
/// every matching entry is a candidate, in that order, across all Secrets of the file.
///
/// Two extensions over the kubelet, both harmless for it: `identitytoken`/`registrytoken` entries become the
/// matching `RegistryCredential` (the kubelet would send an empty user and password), and host-only lookups
/// (`credential(forRegistry:)`) match keys without a path.
public struct PullSecret: CredentialSource {
    /// One pull Secret of the file.
    public struct Secret: Sendable, Equatable {
        /// `metadata.name`.
        public let name: String?
        /// `metadata.namespace`.
        public let namespace: String?
        /// `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`.
        public let type: String
        /// The registries it holds, in file order.
        public let entries: [DockerAuthEntry]

        /// `namespace/name`, `name`, or `(unnamed)`.
        public var displayName: String {
            let name = self.name ?? "(unnamed)"
            return namespace.map { "\($0)/\(name)" } ?? name
        }
    }

    /// A credential that applies to an image, and where it comes from.
    public struct Match: Sendable, Equatable {
        /// The Secret holding the entry.
        public let secret: Secret
        /// The matching entry; its credential may be nil (an entry without one).
        public let entry: DockerAuthEntry
        /// The kubelet's index key it was found under (`ghcr.io/org`, `*.example.com`).
        public let indexKey: String
    }

    /// The Secret type whose `.dockerconfigjson` holds `{"auths": …}`.
    public static let dockerConfigJSONType = "kubernetes.io/dockerconfigjson"
    /// The legacy Secret type whose `.dockercfg` holds the registry map itself.
    public static let dockerConfigType = "kubernetes.io/dockercfg"

    /// The file the Secrets were read from.
    public let path: String
    /// The pull Secrets of the file, in file order.
    public let secrets: [Secret]
    private let keyring: KubeletKeyring<Match>

    /// Reads and parses `path`.
    public init(contentsOf path: String, limits: CredentialLimits = .default) throws(CredentialError) {
        let bytes: [UInt8]
        do {
            bytes = try DocumentReader.read(path: path, limits: limits)
        } catch {
            throw CredentialError.from(error, file: path)
        }
        try self.init(bytes: bytes, path: path, limits: limits)
    }

    /// Parses file content; `path` names it in messages.
    public init(bytes: [UInt8], path: String, limits: CredentialLimits = .default) throws(CredentialError) {
        let documents: [DocumentValue]
        do {
            documents = try DocumentReader.documents(bytes, limits: limits)
        } catch {
            throw CredentialError.from(error, file: path)
        }
        try self.init(documents: documents, path: path, limits: limits)
    }

    init(documents: [DocumentValue], path: String, limits: CredentialLimits) throws(CredentialError) {
        var secrets: [Secret] = []
        var skipped: [String] = []
        var objects: [(value: DocumentValue, where: FieldPath)] = []
        for (number, document) in documents.enumerated() {
            PullSecret.flatten(document, at: FieldPath(root: "document \(number + 1)"), into: &objects)
        }
        for (object, location) in objects {
            guard object.members != nil else {
                throw CredentialError(.malformedFile, "\(path): \(location): expected a Kubernetes object, found \(object.kindName)")
            }
            let kind = object["kind"]?.stringValue
            let type = object["type"]?.stringValue
            guard kind == "Secret" || (kind == nil && (type == PullSecret.dockerConfigJSONType || type == PullSecret.dockerConfigType)) else {
                skipped.append(kind ?? "an object without kind")
                continue
            }
            guard let type, type == PullSecret.dockerConfigJSONType || type == PullSecret.dockerConfigType else {
                skipped.append("Secret \(PullSecret.name(of: object) ?? "(unnamed)") of type \(type ?? "Opaque")")
                continue
            }
            secrets.append(try PullSecret.parseSecret(object, type: type, file: path, limits: limits))
        }
        guard !secrets.isEmpty else {
            let found = skipped.isEmpty ? "no objects" : skipped.prefix(5).joined(separator: ", ") + (skipped.count > 5 ? ", …" : "")
            throw CredentialError(.noPullSecret, "\(path): no Secret of type \(PullSecret.dockerConfigJSONType) or \(PullSecret.dockerConfigType) (found \(found))")
        }
        self.init(path: path, secrets: secrets)
    }

    /// Pull secrets assembled in memory.
    public init(path: String, secrets: [Secret]) {
        self.path = path
        self.secrets = secrets
        var keyring = KubeletKeyring<Match>()
        for secret in secrets {
            for entry in secret.entries {
                let indexKey = KubeletKeyring<Match>.indexKey(for: entry.key) ?? entry.key
                keyring.add(key: entry.key, credential: Match(secret: secret, entry: entry, indexKey: indexKey))
            }
        }
        self.keyring = keyring
    }

    /// Keys the kubelet cannot parse and therefore never uses.
    public var ignoredKeys: [String] { keyring.ignoredKeys }

    // MARK: - Lookup

    /// Every entry that applies to `image` (`host/path` as in a normalised reference: `docker.io/library/nginx`,
    /// `127.0.0.1:5000/team/app`, or a bare host), in the order the kubelet tries them.
    public func matches(forImage image: String) -> [Match] {
        keyring.lookup(image)
    }

    /// Every entry that applies to a parsed reference.
    public func matches(for image: ImageReference) -> [Match] {
        matches(forImage: image.name)
    }

    public func credentials(forRegistry host: String, repository: String) throws -> [RegistryCredential] {
        let registry = PullSecret.imageHost(host)
        let image = repository.isEmpty ? registry : registry + "/" + repository
        return matches(forImage: image).compactMap(\.entry.credential)
    }

    public func credential(forRegistry host: String) throws -> RegistryCredential? {
        matches(forImage: PullSecret.imageHost(host)).lazy.compactMap(\.entry.credential).first
    }

    public var description: String {
        if secrets.count == 1, let secret = secrets.first {
            return "pull secret \(secret.displayName) (\(path))"
        }
        return "pull secrets in \(path)"
    }

    /// A registry host as it appears in a normalised image name: Docker Hub spellings become `docker.io`.
    private static func imageHost(_ host: String) -> String {
        RegistryHost.isDockerHub(host) ? RegistryHost.dockerHub : host.lowercased()
    }

    // MARK: - Parsing

    private static func flatten(_ value: DocumentValue, at location: FieldPath, into objects: inout [(value: DocumentValue, where: FieldPath)]) {
        if let kind = value["kind"]?.stringValue, kind.hasSuffix("List"), case .array(let items)? = value["items"] {
            for (number, item) in items.enumerated() { flatten(item, at: location.member("items").index(number), into: &objects) }
            return
        }
        objects.append((value, location))
    }

    private static func name(of object: DocumentValue) -> String? {
        object["metadata"]?["name"]?.stringValue
    }

    private static func parseSecret(_ object: DocumentValue, type: String, file: String, limits: CredentialLimits) throws(CredentialError) -> Secret {
        var metadata: (name: String?, namespace: String?) = (nil, nil)
        if let meta = object["metadata"], meta != .null {
            guard meta.members != nil else { throw CredentialError(.malformedFile, "\(file): metadata: expected a mapping, found \(meta.kindName)") }
            metadata = (meta["name"]?.stringValue, meta["namespace"]?.stringValue)
        }
        let label = "\(file): Secret \(FieldPath.quoted(metadata.name ?? "(unnamed)"))"
        let dataKey = type == dockerConfigJSONType ? ".dockerconfigjson" : ".dockercfg"
        var payload: [UInt8]?
        var payloadPath = FieldPath()
        for section in ["data", "stringData"] {
            guard let map = object[section], map != .null else { continue }
            guard map.members != nil else {
                throw CredentialError(.malformedFile, "\(label): \(section): expected a mapping, found \(map.kindName)")
            }
            guard let value = map[dataKey], value != .null else { continue }
            let fieldPath = FieldPath().member(section).key(dataKey)
            guard case .string(let text) = value else {
                throw CredentialError(.malformedFile, "\(label): \(fieldPath): expected a string, found \(value.kindName)")
            }
            if section == "data" {
                guard let decoded = Base64.decode(text, allowUnpadded: false, ignoreLineBreaks: true) else {
                    throw CredentialError(.malformedFile, "\(label): \(fieldPath): not valid base64")
                }
                payload = decoded
            } else {
                // stringData is written over data by the API server.
                payload = Array(text.utf8)
            }
            payloadPath = fieldPath
        }
        guard let payload, !payload.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw CredentialError(.malformedFile, "\(label): has no data[\(FieldPath.quoted(dataKey))] (type \(type))")
        }
        let where_ = "\(label): \(payloadPath)"
        let json: DocumentValue
        do {
            json = try JSONDocumentParser.parse(payload, limits: limits)
        } catch {
            throw error.isLimit
                ? CredentialError(.limitExceeded, "\(where_): \(error.description)")
                : CredentialError(.malformedFile, "\(where_): invalid JSON at \(error.description)")
        }
        let entries: [DockerAuthEntry]
        if type == dockerConfigJSONType {
            guard json.members != nil else {
                throw CredentialError(.malformedFile, "\(where_): expected a JSON object with auths, found \(json.kindName)")
            }
            entries = try json["auths"].map { value throws(CredentialError) in
                try DockerAuthEntry.parseMap(value, at: FieldPath().member("auths"), file: where_, dialect: .kubernetes)
            } ?? []
        } else {
            entries = try DockerAuthEntry.parseMap(json, at: FieldPath(), file: where_, dialect: .kubernetes)
        }
        return Secret(name: metadata.name, namespace: metadata.namespace, type: type, entries: entries)
    }
}
