import Foundation
public import OCIModel

/// Reads an OCI image layout (a directory, or the same tree inside an OCI archive): `index.json`, nested indexes,
/// and the manifest for the requested platform.
public enum OCILayout {
    /// Annotation holding a manifest's tag or name inside a layout.
    static let refNameKey = "org.opencontainers.image.ref.name"

    public static func open(_ store: any BlobStore, imageName: String?, platform: Platform?, source: String, format: String) throws -> Image {
        if store.contains("oci-layout") {
            let layout = try store.read("oci-layout", limit: 64 << 10)
            if let object = try? JSONSerialization.jsonObject(with: layout) as? [String: Any],
               let version = object["imageLayoutVersion"] as? String, !version.hasPrefix("1.") {
                throw ImageError(.unsupported, "\(source): image layout version \(version) is not supported (expected 1.x)")
            }
        }
        let index = try store.readJSON(Index.self, "index.json", what: "OCI index")
        var roots = index.manifests
        if let imageName {
            roots = roots.filter { descriptor in
                guard let annotations = descriptor.annotations else { return false }
                let ref = annotations[refNameKey]
                return ref == imageName || annotations["io.containerd.image.name"] == imageName
                    || (ref != nil && imageName.hasSuffix(":" + (ref ?? "")))
            }
            guard !roots.isEmpty else {
                let names = index.manifests.compactMap { $0.annotations?[refNameKey] }
                throw ImageError(.imageNotFound, "\(source) has no image named \(imageName) (present: \(names.isEmpty ? "no named images" : names.joined(separator: ", ")))")
            }
        }
        var candidates: [(Descriptor, Platform?, [String])] = []
        try collect(roots, store: store, source: source, depth: 0, names: [], into: &candidates)
        guard !candidates.isEmpty else { throw ImageError(.invalidMetadata, "\(source): index.json lists no image manifests") }

        let chosen: (Descriptor, Platform?, [String])
        if candidates.count == 1 && platform == nil {
            chosen = candidates[0]
        } else {
            let wanted = platform ?? Platform.host
            var resolved: [(Descriptor, Platform?, [String])] = []
            for candidate in candidates {
                let known = try candidate.1 ?? configPlatform(of: candidate.0, store: store, source: source)
                resolved.append((candidate.0, known, candidate.2))
            }
            let matches = resolved.filter { $0.1.map(wanted.accepts) ?? false }
            guard let match = matches.first else {
                let present = resolved.map { $0.1?.description ?? "unknown" }
                throw ImageError(.platformNotFound,
                    "\(source) has no image for platform \(wanted); present: \(present.joined(separator: ", ")). Choose one with --platform")
            }
            // Several differently named images for one platform: guessing would analyse the wrong one.
            let names = Set(matches.map { $0.2.last ?? "" })
            if imageName == nil, Set(matches.map(\.0.digest)).count > 1, names.count > 1 {
                throw ImageError(.ambiguousImage,
                    "\(source) holds \(matches.count) images for \(wanted); choose one with --image NAME (present: \(names.sorted().map { $0.isEmpty ? "unnamed" : $0 }.joined(separator: ", ")))")
            }
            chosen = match
        }
        return try image(for: chosen.0, names: chosen.2, store: store, source: source, format: format)
    }

    /// Signatures, attestations and other artifacts stored beside the images (cosign's `sha256-<hex>.sig` tags, OCI 1.1
    /// artifacts): entries of `index.json` that are not images to analyse or sign.
    public static func isArtifact(_ descriptor: Descriptor) -> Bool {
        descriptor.artifactType != nil || (descriptor.annotations?[refNameKey].map(isCosignTag) ?? false)
    }

    /// `sha256-<64 hex>`, optionally with cosign's `.sig`, `.att` or `.sbom` suffix.
    static func isCosignTag(_ name: String) -> Bool {
        let base = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        return base.hasPrefix("sha256-") && base.count == 71 && base.dropFirst(7).allSatisfy(\.isHexDigit)
    }

    /// Walks indexes (nested up to 8 deep) to the image manifests, skipping attestations.
    static func collect(_ descriptors: [Descriptor], store: any BlobStore, source: String, depth: Int, names: [String],
                        into candidates: inout [(Descriptor, Platform?, [String])]) throws {
        guard depth < 8 else { throw ImageError(.invalidMetadata, "\(source): indexes nest more than 8 levels deep") }
        for descriptor in descriptors {
            if descriptor.annotations?["vnd.docker.reference.type"] == "attestation-manifest" { continue }
            if descriptor.platform?.os == "unknown" { continue }
            if isArtifact(descriptor) { continue }
            let refNames = names + [descriptor.annotations?[refNameKey], descriptor.annotations?["io.containerd.image.name"]].compactMap { $0 }
            if MediaType.isIndex(descriptor.mediaType) {
                let data = try readBlob(descriptor, store: store, source: source)
                let nested = try decodeJSONValue(Index.self, data, what: "nested index \(descriptor.digest) in \(source)")
                try collect(nested.manifests, store: store, source: source, depth: depth + 1, names: refNames, into: &candidates)
            } else if MediaType.isManifest(descriptor.mediaType) || descriptor.mediaType.isEmpty {
                candidates.append((descriptor, descriptor.platform, refNames))
            } else if descriptor.mediaType == MediaType.dockerManifestV1 || descriptor.mediaType == MediaType.dockerManifestV1Signed {
                throw ImageError(.unsupported, "\(source): Docker schema 1 manifests are not supported; re-push the image with a current Docker or skopeo")
            }
        }
    }

    static func blobPath(_ digest: Digest) -> String { "blobs/\(digest.algorithm)/\(digest.hex)" }

    /// Reads a small blob and checks it against its descriptor's digest.
    static func readBlob(_ descriptor: Descriptor, store: any BlobStore, source: String) throws -> Data {
        let data = try store.read(blobPath(descriptor.digest), limit: 16 << 20)
        if descriptor.digest.algorithm == "sha256" {
            let actual = Digest.sha256(of: data)
            guard actual == descriptor.digest else {
                throw ImageError(.digestMismatch, "\(source): blob \(descriptor.digest) hashes to \(actual); the layout is corrupt")
            }
        }
        return data
    }

    static func configPlatform(of descriptor: Descriptor, store: any BlobStore, source: String) throws -> Platform? {
        let manifest = try decodeJSONValue(Manifest.self, try readBlob(descriptor, store: store, source: source), what: "manifest \(descriptor.digest) in \(source)")
        let config = try decodeJSONValue(ImageConfig.self, try readBlob(manifest.config, store: store, source: source), what: "config \(manifest.config.digest) in \(source)")
        return config.platform
    }

    static func image(for descriptor: Descriptor, names: [String], store: any BlobStore, source: String, format: String) throws -> Image {
        let data = try readBlob(descriptor, store: store, source: source)
        let manifest = try decodeJSONValue(Manifest.self, data, what: "manifest \(descriptor.digest) in \(source)")
        let configData = try readBlob(manifest.config, store: store, source: source)
        let config = try decodeJSONValue(ImageConfig.self, configData, what: "config \(manifest.config.digest) in \(source)")
        let diffIDs = config.rootfs?.diffIDs ?? []
        guard diffIDs.count == manifest.layers.count else {
            throw ImageError(.invalidMetadata,
                "\(source): manifest \(descriptor.digest.short) lists \(manifest.layers.count) layers but the config's rootfs.diff_ids has \(diffIDs.count)")
        }
        let layers = manifest.layers.enumerated().map { index, layer in
            Layer(index: index, digest: layer.digest, diffID: diffIDs[index], mediaType: layer.mediaType, size: layer.size,
                  blobPath: blobPath(layer.digest))
        }
        return Image(source: source, format: format, names: names, manifestDigest: descriptor.digest, manifest: manifest,
                     configDigest: manifest.config.digest, config: config, layers: layers, store: store)
    }
}
