import Foundation
public import OCIModel

/// Reads `docker save` output: the legacy layout (`<id>/layer.tar`, `repositories`), skopeo's (`<diffid>.tar`),
/// and Docker 25+'s OCI-style layout (`blobs/sha256/…`), all described by `manifest.json`.
public enum DockerArchive {
    public static func open(_ store: any BlobStore, imageName: String?, source: String) throws -> Image {
        let entries = try store.readJSON([DockerArchiveManifestEntry].self, "manifest.json", what: "docker-archive manifest")
        guard !entries.isEmpty else {
            throw ImageError(.invalidMetadata, "\(source): manifest.json lists no images")
        }
        let entry = try select(entries, imageName: imageName, source: source)
        let configData = try store.read(entry.config, limit: 16 << 20)
        let configDigest = Digest.sha256(of: configData)
        if let named = digestFromPath(entry.config) ?? digestFromConfigName(entry.config), named != configDigest {
            throw ImageError(.digestMismatch, "\(source): config \(entry.config) hashes to \(configDigest), not the \(named) its name promises")
        }
        let config = try decodeJSONValue(ImageConfig.self, configData, what: "image config \(entry.config) in \(source)")
        let diffIDs = config.rootfs?.diffIDs ?? []
        guard diffIDs.count == entry.layers.count else {
            throw ImageError(.invalidMetadata,
                "\(source): manifest.json lists \(entry.layers.count) layers but the config's rootfs.diff_ids has \(diffIDs.count)")
        }
        let layers = entry.layers.enumerated().map { index, path in
            Layer(index: index, digest: digestFromPath(path), diffID: diffIDs[index],
                  mediaType: entry.layerSources?[diffIDs[index].description]?.mediaType,
                  size: nil, blobPath: path)
        }
        var image = Image(source: source, format: "docker-archive", names: entry.repoTags ?? [], manifestDigest: nil, manifest: nil,
                          configDigest: configDigest, config: config, layers: layers, store: store)
        image.configPath = entry.config
        return image
    }

    static func select(_ entries: [DockerArchiveManifestEntry], imageName: String?, source: String) throws -> DockerArchiveManifestEntry {
        let tags = entries.flatMap { $0.repoTags ?? [] }
        guard let imageName else {
            if entries.count == 1 { return entries[0] }
            throw ImageError(.ambiguousImage,
                "\(source) holds \(entries.count) images; choose one with --image NAME:TAG (present: \(tags.isEmpty ? "untagged images" : tags.joined(separator: ", ")))")
        }
        let wanted = normaliseTag(imageName)
        if let match = entries.first(where: { ($0.repoTags ?? []).contains { normaliseTag($0) == wanted } }) {
            return match
        }
        throw ImageError(.imageNotFound,
            "\(source) has no image tagged \(imageName) (present: \(tags.isEmpty ? "untagged images" : tags.joined(separator: ", ")))")
    }

    /// `alpine` and `docker.io/library/alpine:latest` name the same image.
    static func normaliseTag(_ name: String) -> String {
        var text = name
        for prefix in ["docker.io/", "index.docker.io/", "library/"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        let lastComponent = text.split(separator: "/").last ?? ""
        if !lastComponent.contains(":") && !lastComponent.contains("@") { text += ":latest" }
        return text
    }

    /// `blobs/sha256/HEX` → sha256:HEX.
    static func digestFromPath(_ path: String) -> Digest? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 3] == "blobs" else { return nil }
        return try? Digest(parsing: "\(parts[parts.count - 2]):\(parts[parts.count - 1])")
    }

    /// Legacy configs are named `HEX.json`.
    static func digestFromConfigName(_ path: String) -> Digest? {
        guard path.hasSuffix(".json"), !path.contains("/") else { return nil }
        return try? Digest(parsing: "sha256:" + path.dropLast(5))
    }
}
