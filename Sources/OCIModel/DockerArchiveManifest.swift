/// One entry of a docker-archive `manifest.json` (as `docker save` writes it).
public struct DockerArchiveManifestEntry: Codable, Hashable, Sendable {
    public var config: String
    public var repoTags: [String]?
    public var layers: [String]
    public var layerSources: [String: Descriptor]?

    enum CodingKeys: String, CodingKey {
        case config = "Config", repoTags = "RepoTags", layers = "Layers", layerSources = "LayerSources"
    }

    public init(config: String, repoTags: [String]?, layers: [String]) {
        self.config = config
        self.repoTags = repoTags
        self.layers = layers
    }
}
