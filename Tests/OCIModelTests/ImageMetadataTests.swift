import Testing
import Foundation
import OCIModel

@Suite("Manifest, Index and ImageConfig decoding")
struct ImageMetadataTests {
    static func digest(_ character: Character) -> String { "sha256:" + String(repeating: character, count: 64) }

    /// A Docker schema 2 manifest as a registry serves it.
    static let dockerManifest = """
    {
       "schemaVersion": 2,
       "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
       "config": {
          "mediaType": "application/vnd.docker.container.image.v1+json",
          "size": 2841,
          "digest": "\(digest("c"))"
       },
       "layers": [
          {
             "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
             "size": 29124181,
             "digest": "\(digest("1"))"
          },
          {
             "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
             "size": 1024,
             "digest": "\(digest("2"))"
          }
       ]
    }
    """

    /// An OCI index with two platforms and an attestation manifest.
    static let ociIndex = """
    {
      "schemaVersion": 2,
      "mediaType": "application/vnd.oci.image.index.v1+json",
      "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "\(digest("a"))", "size": 1000,
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "\(digest("b"))", "size": 1001,
         "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "\(digest("d"))", "size": 566,
         "annotations": {"vnd.docker.reference.digest": "\(digest("a"))", "vnd.docker.reference.type": "attestation-manifest"},
         "platform": {"architecture": "unknown", "os": "unknown"}}
      ],
      "annotations": {"org.opencontainers.image.ref.name": "latest"}
    }
    """

    /// A Docker image config as `docker build` writes it, with metadata-only history entries.
    static let dockerConfig = """
    {
      "architecture": "amd64",
      "config": {
        "User": "app",
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
        "Entrypoint": ["/docker-entrypoint.sh"],
        "Cmd": ["nginx", "-g", "daemon off;"],
        "WorkingDir": "/srv",
        "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
        "Volumes": {"/var/cache/nginx": {}},
        "Labels": {"maintainer": "NGINX Docker Maintainers"},
        "StopSignal": "SIGQUIT",
        "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "Interval": 30000000000},
        "OnBuild": null,
        "ArgsEscaped": true
      },
      "created": "2024-05-01T12:00:00.123456789Z",
      "history": [
        {"created": "2024-04-23T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
        {"created": "2024-04-23T00:00:01Z", "created_by": "/bin/sh -c #(nop)  CMD [\\"bash\\"]", "empty_layer": true},
        {"created": "2024-05-01T12:00:00Z", "created_by": "ENV LANG=C.UTF-8", "comment": "buildkit.dockerfile.v0", "empty_layer": true},
        {"created": "2024-05-01T12:00:00Z", "created_by": "RUN /bin/sh -c apt-get update && apt-get install -y nginx # buildkit",
         "comment": "buildkit.dockerfile.v0"},
        {"created": "2024-05-01T12:00:00Z", "created_by": "EXPOSE map[80/tcp:{}]", "empty_layer": false},
        {"created": "2024-05-01T12:00:00Z", "created_by": "USER app", "empty_layer": true}
      ],
      "os": "linux",
      "rootfs": {
        "type": "layers",
        "diff_ids": ["\(digest("e"))", "\(digest("f"))", "\(digest("0"))"]
      },
      "variant": null,
      "docker_version": "24.0.7",
      "container_config": {"Hostname": "", "Cmd": ["/bin/sh"]}
    }
    """

    @Test("a Docker schema 2 manifest decodes")
    func manifest() throws {
        let manifest = try decodeJSON(Manifest.self, from: Data(Self.dockerManifest.utf8), what: "manifest")
        #expect(manifest.schemaVersion == 2)
        #expect(MediaType.isManifest(manifest.mediaType))
        #expect(manifest.config.mediaType == MediaType.dockerConfig)
        #expect(manifest.config.digest.description == Self.digest("c"))
        #expect(manifest.config.size == 2841)
        #expect(manifest.layers.map(\.size) == [29_124_181, 1_024])
        #expect(manifest.layers.allSatisfy { $0.mediaType == MediaType.dockerLayerGzip })
        #expect(manifest.layers[1].digest.hex == String(repeating: "2", count: 64))
        #expect(manifest.subject == nil)
        #expect(manifest.annotations == nil)
    }

    @Test("an OCI index decodes with platforms and annotations")
    func index() throws {
        let index = try decodeJSON(Index.self, from: Data(Self.ociIndex.utf8), what: "index.json")
        #expect(MediaType.isIndex(index.mediaType))
        #expect(index.manifests.count == 3)
        #expect(index.manifests[0].platform == Platform(os: "linux", architecture: "amd64"))
        #expect(index.manifests[1].platform?.description == "linux/arm64/v8")
        #expect(index.manifests[2].annotations?["vnd.docker.reference.type"] == "attestation-manifest")
        #expect(index.annotations?["org.opencontainers.image.ref.name"] == "latest")
        let arm = try Platform(parsing: "linux/arm64")
        #expect(index.manifests.filter { $0.platform.map(arm.accepts) ?? false }.map(\.size) == [1001])
    }

    @Test("ManifestProbe tells an index from a manifest")
    func probe() throws {
        let asIndex = try decodeJSON(ManifestProbe.self, from: Data(Self.ociIndex.utf8), what: "probe")
        #expect(asIndex.manifests?.count == 3)
        #expect(asIndex.config == nil)
        let asManifest = try decodeJSON(ManifestProbe.self, from: Data(Self.dockerManifest.utf8), what: "probe")
        #expect(asManifest.manifests == nil)
        #expect(asManifest.layers?.count == 2)
        #expect(asManifest.schemaVersion == 2)
        let bare = try decodeJSON(ManifestProbe.self, from: Data("{}".utf8), what: "probe")
        #expect(bare.schemaVersion == nil && bare.mediaType == nil)
    }

    @Test("a real-looking Docker config decodes and unknown fields are ignored")
    func imageConfig() throws {
        let config = try decodeJSON(ImageConfig.self, from: Data(Self.dockerConfig.utf8), what: "config")
        #expect(config.architecture == "amd64")
        #expect(config.os == "linux")
        #expect(config.variant == nil)
        #expect(config.platform == Platform(os: "linux", architecture: "amd64"))
        #expect(config.created == "2024-05-01T12:00:00.123456789Z")
        let container = try #require(config.config)
        #expect(container.user == "app")
        #expect(container.env?.count == 2)
        #expect(container.entrypoint == ["/docker-entrypoint.sh"])
        #expect(container.cmd == ["nginx", "-g", "daemon off;"])
        #expect(container.workingDir == "/srv")
        #expect(Set(container.exposedPorts?.keys.map { $0 } ?? []) == ["80/tcp", "443/tcp"])
        #expect(container.volumes?.keys.first == "/var/cache/nginx")
        #expect(container.labels?["maintainer"] == "NGINX Docker Maintainers")
        #expect(container.stopSignal == "SIGQUIT")
        #expect(container.healthcheck?.test?.first == "CMD-SHELL")
        #expect(config.rootfs?.type == "layers")
        #expect(config.rootfs?.diffIDs.count == 3)
        #expect(config.history?.count == 6)
    }

    @Test("layerHistory drops empty_layer entries and lines up with diff_ids")
    func layerHistory() throws {
        let config = try decodeJSON(ImageConfig.self, from: Data(Self.dockerConfig.utf8), what: "config")
        let layers = config.layerHistory
        #expect(layers.count == config.rootfs?.diffIDs.count)
        #expect(layers.map(\.createdBy) == [
            "/bin/sh -c #(nop) ADD file:abc in / ",
            "RUN /bin/sh -c apt-get update && apt-get install -y nginx # buildkit",
            "EXPOSE map[80/tcp:{}]",
        ])
        #expect(layers[1].comment == "buildkit.dockerfile.v0")
        #expect(config.history?.filter { $0.emptyLayer == true }.count == 3)
        #expect(ImageConfig().layerHistory.isEmpty, "no history at all is no layers")
    }

    @Test("a config with an os and no architecture has no platform")
    func partialPlatform() throws {
        let config = try decodeJSON(ImageConfig.self, from: Data(#"{"os": "linux"}"#.utf8), what: "config")
        #expect(config.platform == nil)
        let arm = try decodeJSON(ImageConfig.self, from: Data(#"{"os": "linux", "architecture": "arm", "variant": "v7"}"#.utf8), what: "config")
        #expect(arm.platform?.description == "linux/arm/v7")
    }

    @Test("a bad diff_id in the config is a digest error")
    func badDiffID() {
        let json = #"{"rootfs": {"type": "layers", "diff_ids": ["sha256:nothex"]}}"#
        do {
            _ = try decodeJSON(ImageConfig.self, from: Data(json.utf8), what: "config")
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidDigest("sha256:nothex", reason: "expected 64 lowercase hex digits"))
        }
    }

    @Test("configs and manifests round-trip through JSON with their wire names")
    func roundTrip() throws {
        let config = ImageConfig(
            architecture: "arm64", os: "linux",
            config: ContainerConfig(user: "1000:1000", env: ["A=1"], entrypoint: ["/app"], cmd: nil, exposedPorts: ["8080/tcp"],
                                    volumes: ["/data"], labels: ["k": "v"]),
            rootfs: RootFS(diffIDs: [try Digest(parsing: Self.digest("9"))]),
            history: [History(createdBy: "COPY app /app"), History(createdBy: "USER 1000", emptyLayer: true)])
        let data = try JSONEncoder().encode(config)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"User\"", "\"ExposedPorts\"", "\"diff_ids\"", "\"created_by\"", "\"empty_layer\"", "\"Volumes\""] {
            #expect(text.contains(key), "encoded config lacks \(key)")
        }
        let decoded = try decodeJSON(ImageConfig.self, from: data, what: "config")
        #expect(decoded == config)
        #expect(decoded.layerHistory.map(\.createdBy) == ["COPY app /app"])

        let manifest = Manifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: try Digest(parsing: Self.digest("c")), size: 3),
                                layers: [Descriptor(mediaType: MediaType.ociLayerZstd, digest: try Digest(parsing: Self.digest("d")), size: 4)])
        let back = try decodeJSON(Manifest.self, from: try JSONEncoder().encode(manifest), what: "manifest")
        #expect(back == manifest)
        #expect(back.mediaType == MediaType.ociManifest)
        #expect(back.schemaVersion == 2)
    }

    @Test("docker save's manifest.json decodes")
    func dockerArchiveManifest() throws {
        let json = """
        [{"Config":"blobs/sha256/\(String(repeating: "c", count: 64))","RepoTags":["nginx:latest"],
          "Layers":["blobs/sha256/\(String(repeating: "1", count: 64))","blobs/sha256/\(String(repeating: "2", count: 64))"],
          "LayerSources":{"\(Self.digest("1"))":{"mediaType":"application/vnd.oci.image.layer.v1.tar","size":100,"digest":"\(Self.digest("1"))"}}}]
        """
        let entries = try decodeJSON([DockerArchiveManifestEntry].self, from: Data(json.utf8), what: "manifest.json")
        #expect(entries.count == 1)
        #expect(entries[0].repoTags == ["nginx:latest"])
        #expect(entries[0].layers.count == 2)
        #expect(entries[0].config.hasPrefix("blobs/sha256/"))
        #expect(entries[0].layerSources?[Self.digest("1")]?.size == 100)

        let missing = #"[{"Config":"x.json","Layers":[]},{"Config":"y.json"}]"#
        do {
            _ = try decodeJSON([DockerArchiveManifestEntry].self, from: Data(missing.utf8), what: "manifest.json")
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidJSON(what: "manifest.json", reason: #"missing field "Layers" at [1]"#))
        }
    }

    @Test("media type helpers know both spellings")
    func mediaTypes() {
        #expect(MediaType.isIndex(MediaType.ociIndex))
        #expect(MediaType.isIndex(MediaType.dockerManifestList))
        #expect(!MediaType.isIndex(MediaType.ociManifest))
        #expect(!MediaType.isIndex(nil))
        #expect(MediaType.isManifest(MediaType.ociManifest))
        #expect(MediaType.isManifest(MediaType.dockerManifest))
        #expect(!MediaType.isManifest(MediaType.dockerManifestV1Signed))
        #expect(!MediaType.isManifest(nil))
    }
}
