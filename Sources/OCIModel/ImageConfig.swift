/// The image configuration (OCI `config.json` / Docker image JSON); only the fields moat reads.
public struct ImageConfig: Codable, Hashable, Sendable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var created: String?
    public var author: String?
    public var config: ContainerConfig?
    public var rootfs: RootFS?
    public var history: [History]?

    public init(architecture: String? = nil, os: String? = nil, config: ContainerConfig? = nil, rootfs: RootFS? = nil, history: [History]? = nil) {
        self.architecture = architecture
        self.os = os
        self.config = config
        self.rootfs = rootfs
        self.history = history
    }

    public var platform: Platform? {
        guard let os, let architecture else { return nil }
        return Platform(os: os, architecture: architecture, variant: variant)
    }

    /// History entries that produced a layer, in layer order (`empty_layer` entries removed).
    public var layerHistory: [History] { (history ?? []).filter { $0.emptyLayer != true } }
}

public struct ContainerConfig: Codable, Hashable, Sendable {
    public var user: String?
    public var exposedPorts: [String: EmptyObject]?
    public var env: [String]?
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var volumes: [String: EmptyObject]?
    public var workingDir: String?
    public var labels: [String: String]?
    public var stopSignal: String?
    public var healthcheck: Healthcheck?
    public var shell: [String]?

    enum CodingKeys: String, CodingKey {
        case user = "User", exposedPorts = "ExposedPorts", env = "Env", entrypoint = "Entrypoint"
        case cmd = "Cmd", volumes = "Volumes", workingDir = "WorkingDir", labels = "Labels"
        case stopSignal = "StopSignal", healthcheck = "Healthcheck", shell = "Shell"
    }

    public init(user: String? = nil, env: [String]? = nil, entrypoint: [String]? = nil, cmd: [String]? = nil,
                exposedPorts: [String]? = nil, volumes: [String]? = nil, labels: [String: String]? = nil) {
        self.user = user
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.exposedPorts = exposedPorts.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, EmptyObject()) }) }
        self.volumes = volumes.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, EmptyObject()) }) }
        self.labels = labels
    }
}

public struct Healthcheck: Codable, Hashable, Sendable {
    public var test: [String]?
    enum CodingKeys: String, CodingKey { case test = "Test" }
}

/// `{}` in JSON: the value type of `ExposedPorts` and `Volumes` maps.
public struct EmptyObject: Codable, Hashable, Sendable {
    public init() {}
}

public struct RootFS: Codable, Hashable, Sendable {
    public var type: String
    public var diffIDs: [Digest]

    enum CodingKeys: String, CodingKey {
        case type
        case diffIDs = "diff_ids"
    }

    public init(diffIDs: [Digest]) {
        self.type = "layers"
        self.diffIDs = diffIDs
    }
}

public struct History: Codable, Hashable, Sendable {
    public var created: String?
    public var createdBy: String?
    public var author: String?
    public var comment: String?
    public var emptyLayer: Bool?

    enum CodingKeys: String, CodingKey {
        case created, author, comment
        case createdBy = "created_by"
        case emptyLayer = "empty_layer"
    }

    public init(createdBy: String?, comment: String? = nil, emptyLayer: Bool? = nil) {
        self.createdBy = createdBy
        self.comment = comment
        self.emptyLayer = emptyLayer
    }
}
