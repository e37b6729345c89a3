public import Foundation
public import OCIImage
public import OCIModel

/// An image's blobs on a registry, read through the blob cache: metadata was fetched when the image was opened, layers
/// stream from the registry (or the cache) when the layer reader opens them.
public struct RegistryBlobStore: BlobStore {
    let client: RegistryClient
    public let repository: Repository
    /// Manifest and config bytes fetched (and verified) while opening.
    let metadata: [String: Data]
    /// Layer descriptors by blob path.
    let layers: [String: Descriptor]
    /// Downloads started while the config was being fetched, handed to the first `open` of their blob.
    let prefetched: PrefetchedDownloads

    public var displayName: String { repository.description }
    public var readsFromNetwork: Bool { true }

    public func contains(_ path: String) -> Bool { metadata[path] != nil || layers[path] != nil }

    public var cache: BlobCache? { client.cache }

    /// Closes the client's connections once the image has been read.
    public func close() async {
        await client.shutdown()
    }

    public func size(of path: String) -> Int64? {
        if let data = metadata[path] { return Int64(data.count) }
        return layers[path]?.size
    }

    public func read(_ path: String, limit: Int) throws -> Data {
        guard let data = metadata[path] else {
            throw ImageError(.notFound, "\(repository): \(path) was not fetched with the image's metadata")
        }
        guard data.count <= limit else {
            throw ImageError(.invalidMetadata, "\(repository): \(path) is \(data.count) bytes, more than the \(limit) allowed")
        }
        return data
    }

    public func open(_ path: String) throws -> any ByteStream {
        guard let descriptor = layers[path] else {
            throw ImageError(.notFound, "\(repository): no layer blob \(path) in the manifest")
        }
        if let started = prefetched.take(path) { return started }
        if let cache = client.cache, cache.contains(descriptor.digest) {
            // Verified again by the layer pipeline as it reads (blob digest and diff_id).
            return try SharedFile(path: cache.path(for: descriptor.digest)).stream()
        }
        return BlobDownload(client: client, repository: repository, digest: descriptor.digest, expectedSize: descriptor.size)
    }
}

/// Opens images on a registry as `Image` values, the same shape every other source produces.
public struct RegistryImageSource: Sendable {
    public let client: RegistryClient

    public init(client: RegistryClient) {
        self.client = client
    }

    /// Resolves `reference`, picks the platform from an index, and fetches manifest and config.
    ///
    /// Round trips are what a small image's pull costs, so each is spent only when it buys something: a digest
    /// reference whose manifest is cached needs none; a tag pulled before is resolved with `HEAD` (free of Docker Hub's
    /// pull limits, and the manifest it names is usually cached); a tag never seen is fetched with one `GET`, verified
    /// against the digest the registry announces. The largest layers (`prefetchLayers` of them, as many as the layer
    /// reader reads at once) start downloading while the config is fetched.
    public func open(_ reference: ImageReference, platform: Platform?,
                     prefetchLayers: Int = ProcessInfo.processInfo.activeProcessorCount) async throws -> Image {
        let repository = Repository(registry: reference.domain, path: reference.path)
        let top: FetchedManifest
        var tagHint: (name: String, digest: Digest)?
        if let pinned = reference.digest {
            top = try await client.fetchManifest(repository, reference: pinned)
        } else {
            let tag = reference.effectiveTag ?? "latest"
            let hint = "\(repository):\(tag)"
            if let cache = client.cache, cache.taggedDigest(hint) != nil {
                let resolved = try await client.resolve(repository, reference: tag)
                top = try await client.fetchManifest(repository, reference: resolved.digest.description)
            } else {
                top = try await client.fetchManifest(repository, reference: tag)
            }
            tagHint = (hint, top.digest)
        }
        var manifest = top
        var metadata: [String: Data] = [blobPath(manifest.digest): manifest.data]
        var chosenPlatform: Platform?
        if manifest.isIndex {
            let index = try decode(Index.self, manifest.data, what: "index \(manifest.digest) of \(repository)")
            let entry = try choose(from: index, platform: platform, reference: reference)
            chosenPlatform = entry.platform
            manifest = try await client.fetchManifest(repository, reference: entry.digest.description)
            if manifest.isIndex {
                throw RegistryError(.unsupported, "\(reference): the index for \(entry.platform?.description ?? "the platform") points at another index; moat reads one level")
            }
            metadata[blobPath(manifest.digest)] = manifest.data
        }
        let imageManifest = try decode(Manifest.self, manifest.data, what: "manifest \(manifest.digest) of \(repository)")
        // The config, the largest layers and the tag hint all at once: the analysis waits for the config and then
        // for the first layer bytes, so neither request may wait for the other or for a file write.
        async let fetchedConfig = client.fetchBlob(repository, digest: imageManifest.config.digest, limit: 16 << 20)
        let prefetched = PrefetchedDownloads()
        let uncached = imageManifest.layers.filter { !(client.cache?.contains($0.digest) ?? false) }
        for descriptor in uncached.sorted(by: { $0.size > $1.size }).prefix(max(0, prefetchLayers)) {
            prefetched.add(blobPath(descriptor.digest), BlobDownload(client: client, repository: repository, digest: descriptor.digest,
                                                                    expectedSize: descriptor.size))
        }
        if let tagHint { client.cache?.rememberTag(tagHint.name, digest: tagHint.digest) }
        let configData = try await fetchedConfig
        metadata[blobPath(imageManifest.config.digest)] = configData
        let config = try decode(ImageConfig.self, configData, what: "config \(imageManifest.config.digest) of \(repository)")
        if let platform, chosenPlatform == nil, let actual = config.platform, !platform.accepts(actual) {
            throw RegistryError(.notFound, "\(reference) is a single-platform image for \(actual), not \(platform)")
        }
        let diffIDs = config.rootfs?.diffIDs ?? []
        guard diffIDs.count == imageManifest.layers.count else {
            throw RegistryError(.invalidResponse,
                "\(reference): manifest \(manifest.digest.short) lists \(imageManifest.layers.count) layers but the config's rootfs.diff_ids has \(diffIDs.count)")
        }
        var layerDescriptors: [String: Descriptor] = [:]
        let layers = imageManifest.layers.enumerated().map { index, descriptor in
            layerDescriptors[blobPath(descriptor.digest)] = descriptor
            return Layer(index: index, digest: descriptor.digest, diffID: diffIDs[index], mediaType: descriptor.mediaType,
                         size: descriptor.size, blobPath: blobPath(descriptor.digest))
        }
        let store = RegistryBlobStore(client: client, repository: repository, metadata: metadata, layers: layerDescriptors,
                                      prefetched: prefetched)
        var names = [reference.description]
        if reference.digest == nil { names.append("\(reference.name)@\(top.digest)") }
        return Image(source: reference.description, format: "registry", names: names, manifestDigest: manifest.digest,
                     manifest: imageManifest, configDigest: imageManifest.config.digest, config: config, layers: layers, store: store)
    }

    private func blobPath(_ digest: Digest) -> String { "blobs/\(digest.algorithm)/\(digest.hex)" }


    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws -> T {
        do {
            return try decodeJSON(type, from: data, what: what)
        } catch {
            throw RegistryError(.invalidResponse, error.description)
        }
    }

    /// The index entry for the requested platform (the host's when none is given), skipping attestations.
    func choose(from index: Index, platform: Platform?, reference: ImageReference) throws -> Descriptor {
        let images = index.manifests.filter { descriptor in
            descriptor.annotations?["vnd.docker.reference.type"] != "attestation-manifest" && descriptor.platform?.os != "unknown"
        }
        if images.count == 1, platform == nil, let only = images.first { return only }
        let wanted = platform ?? Platform.host
        if let match = images.first(where: { $0.platform.map(wanted.accepts) ?? false }) { return match }
        let present = images.map { $0.platform?.description ?? "unknown" }
        throw RegistryError(.notFound, "\(reference) has no image for platform \(wanted); present: \(present.joined(separator: ", ")). Choose one with --platform")
    }
}

/// Layer downloads started before the layer reader asks for them; each is handed out once. Those never asked for
/// are cancelled when the store goes (their partial cache entries are discarded).
final class PrefetchedDownloads: @unchecked Sendable {
    private let lock = NSLock()
    private var downloads: [String: BlobDownload] = [:]

    func add(_ path: String, _ download: BlobDownload) {
        lock.withLock { downloads[path] = download }
    }

    func take(_ path: String) -> BlobDownload? {
        lock.withLock { downloads.removeValue(forKey: path) }
    }
}
