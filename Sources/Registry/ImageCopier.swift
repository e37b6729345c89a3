import Foundation
public import OCIImage
public import OCIModel
import Compression

/// Where `moat copy` writes an image.
public enum CopyDestination: Sendable, CustomStringConvertible {
    case registry(ImageReference)
    case ociLayout(directory: String, name: String?)
    case dockerArchive(path: String, name: String?)

    public var description: String {
        switch self {
        case .registry(let reference): "docker://\(reference)"
        case .ociLayout(let directory, let name): "oci:\(directory)" + (name.map { ":" + $0 } ?? "")
        case .dockerArchive(let path, let name): "docker-archive:\(path)" + (name.map { ":" + $0 } ?? "")
        }
    }
}

/// Copies one image between docker-archives, OCI layouts and registries, keeping blobs byte for byte so digests are
/// preserved (a docker-archive without a manifest gets an OCI manifest written for it).
public struct ImageCopier: Sendable {
    public let client: RegistryClient?
    /// Told about each blob as it is copied (`done`, `total`, what), for progress on a terminal.
    public var progress: (@Sendable (Int, Int, String) -> Void)?

    public init(client: RegistryClient?, progress: (@Sendable (Int, Int, String) -> Void)? = nil) {
        self.client = client
        self.progress = progress
    }

    /// The manifest to write and the blobs it names.
    struct Plan {
        var manifestData: Data
        var manifest: Descriptor
        var configData: Data
        var config: Descriptor
        var layers: [(layer: Layer, descriptor: Descriptor)]
    }

    /// Copies `image`; returns the digest of the manifest written.
    @discardableResult
    public func copy(_ image: Image, to destination: CopyDestination) async throws -> Digest {
        guard !image.store.isSequential else {
            throw ImageError(.unsupported, "\(image.source) is compressed as a whole, so its blobs cannot be read one by one; decompress it first (gunzip/unzstd)")
        }
        let plan = try makePlan(image)
        switch destination {
        case .registry(let reference):
            guard let client else { throw RegistryError(.io, "copying to a registry needs a registry client") }
            let repository = Repository(registry: reference.domain, path: reference.path)
            let source = (image.store as? RegistryBlobStore)?.repository
            for (number, (layer, descriptor)) in plan.layers.enumerated() {
                progress?(number, plan.layers.count, "pushing \(descriptor.digest.algorithm):\(descriptor.digest.short) (\(descriptor.size) bytes)")
                try await client.pushBlob(repository, digest: descriptor.digest, source: uploadSource(image, layer, descriptor), mountFrom: source)
            }
            progress?(plan.layers.count, plan.layers.count, "pushing config and manifest")
            try await client.pushBlob(repository, digest: plan.config.digest, source: .data(plan.configData), mountFrom: source)
            let tag = reference.digest ?? reference.effectiveTag ?? plan.manifest.digest.description
            if let pinned = reference.digest, pinned != plan.manifest.digest.description {
                throw RegistryError(.digestMismatch, "\(reference): the image's manifest is \(plan.manifest.digest), not the digest in the destination")
            }
            try await client.pushManifest(repository, reference: tag, data: plan.manifestData, mediaType: plan.manifest.mediaType)
        case .ociLayout(let directory, let name):
            try write(plan, open: try await layerOpener(image, plan: plan), to: try OCILayoutWriter(directory: directory), name: name)
        case .dockerArchive(let path, let name):
            try write(plan, open: try await layerOpener(image, plan: plan), to: try DockerArchiveWriter(path: path), name: name)
        }
        return plan.manifest.digest
    }

    private func write(_ plan: Plan, open: (String) throws -> any ByteStream, to writer: any LocalImageWriter, name: String?) throws {
        for (number, (layer, descriptor)) in plan.layers.enumerated() {
            progress?(number, plan.layers.count, "writing \(descriptor.digest.algorithm):\(descriptor.digest.short) (\(descriptor.size) bytes)")
            try writer.writeBlob(descriptor.digest, size: descriptor.size, from: try open(layer.blobPath))
        }
        try writer.writeBlob(plan.config.digest, size: plan.config.size, from: DataStream(plan.configData))
        try writer.writeBlob(plan.manifest.digest, size: plan.manifest.size, from: DataStream(plan.manifestData))
        try writer.finish(manifest: plan.manifest, config: plan.config, layers: plan.layers.map(\.descriptor), name: name)
    }

    /// A layer to push. One from a registry is fetched into the cache only if the destination can neither find nor
    /// mount it, and then read from there (never a blocking network read inside an async upload).
    private func uploadSource(_ image: Image, _ layer: Layer, _ descriptor: Descriptor) -> UploadSource {
        guard let registryStore = image.store as? RegistryBlobStore else {
            let store = image.store, path = layer.blobPath
            return UploadSource(size: descriptor.size) { try store.open(path) }
        }
        return Self.registryUploadSource(registryStore.client, registryStore.repository, descriptor)
    }

    /// A blob of `repository` to push elsewhere: downloaded into the cache only when the push needs its bytes.
    static func registryUploadSource(_ client: RegistryClient, _ repository: Repository, _ descriptor: Descriptor) -> UploadSource {
        UploadSource(size: descriptor.size, prepare: {
            _ = try await client.downloadToCache(repository, descriptor: descriptor)
        }, open: {
            guard let cache = client.cache, cache.contains(descriptor.digest) else {
                throw ImageError(.notFound, "\(repository): blob \(descriptor.digest) was not downloaded")
            }
            return try SharedFile(path: cache.path(for: descriptor.digest)).stream()
        })
    }

    /// Copies an index and every manifest it lists from a registry (`moat copy --all`), as stored: each manifest's
    /// blobs, the manifest, then the index's own bytes, so every digest, the index's included, stays what it was.
    /// Manifests are not read as images, so attestations and other artifacts in the index go along. To a registry
    /// the blobs are mounted when it can, each manifest is pushed by digest and the index under the destination's
    /// tag; to an OCI layout the index becomes the entry named as asked; a docker-archive, which holds one image, is
    /// refused. Returns nil, having copied nothing, when the source is a single image (`copy` copies that).
    public func copyIndex(from source: ImageReference, to destination: CopyDestination) async throws -> Digest? {
        guard let client else { throw RegistryError(.io, "copying from a registry needs a registry client") }
        let from = Repository(registry: source.domain, path: source.path)
        let top = try await client.fetchManifest(from, reference: source.digest ?? source.effectiveTag ?? "latest")
        guard top.isIndex else { return nil }
        let index = try Self.decode(Index.self, top.data, what: "index \(top.digest) of \(from)")
        var children: [(fetched: FetchedManifest, manifest: Manifest)] = []
        for entry in index.manifests {
            let child = try await client.fetchManifest(from, reference: entry.digest.description)
            guard !child.isIndex else {
                throw RegistryError(.unsupported, "\(source): index \(top.digest) lists another index (\(entry.digest)); moat copies one level")
            }
            children.append((child, try Self.decode(Manifest.self, child.data, what: "manifest \(child.digest) of \(from)")))
        }
        switch destination {
        case .registry(let reference):
            if let pinned = reference.digest, pinned != top.digest.description {
                throw RegistryError(.digestMismatch, "\(reference): the index is \(top.digest), not the digest in the destination")
            }
            let to = Repository(registry: reference.domain, path: reference.path)
            for (number, (child, manifest)) in children.enumerated() {
                progress?(number, children.count, "copying manifest \(child.digest.short)")
                for descriptor in [manifest.config] + manifest.layers {
                    try await client.pushBlob(to, digest: descriptor.digest, source: Self.registryUploadSource(client, from, descriptor),
                                              mountFrom: from)
                }
                try await client.pushManifest(to, reference: child.digest.description, data: child.data, mediaType: child.mediaType)
            }
            progress?(children.count, children.count, "pushing the index")
            try await client.pushManifest(to, reference: reference.digest ?? reference.effectiveTag ?? top.digest.description,
                                          data: top.data, mediaType: top.mediaType)
        case .ociLayout(let directory, let name):
            let writer = try OCILayoutWriter(directory: directory)
            for (number, (child, manifest)) in children.enumerated() {
                progress?(number, children.count, "copying manifest \(child.digest.short)")
                for descriptor in [manifest.config] + manifest.layers where !writer.hasBlob(descriptor.digest) {
                    // Fetched into the cache first: the writer reads local files, never the network.
                    let file = try await client.downloadToCache(from, descriptor: descriptor)
                    try writer.writeBlob(descriptor.digest, size: descriptor.size, from: try SharedFile(path: file).stream())
                }
                try writer.writeBlob(child.digest, size: Int64(child.data.count), from: DataStream(child.data))
            }
            try writer.writeBlob(top.digest, size: Int64(top.data.count), from: DataStream(top.data))
            try writer.record(Descriptor(mediaType: top.mediaType, digest: top.digest, size: Int64(top.data.count)), name: name)
        case .dockerArchive:
            throw RegistryError(.unsupported, "a docker-archive holds one image: copy one platform (--platform), or the whole index to a registry or an OCI layout (oci:DIR)")
        }
        return top.digest
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws -> T {
        do {
            return try decodeJSON(type, from: data, what: what)
        } catch {
            throw RegistryError(.invalidResponse, error.description)
        }
    }

    /// A registry's layers are fetched into the cache first, so the writers read local files (never a blocking network
    /// read inside a synchronous writer).
    private func layerOpener(_ image: Image, plan: Plan) async throws -> @Sendable (String) throws -> any ByteStream {
        guard let registryStore = image.store as? RegistryBlobStore else {
            let store = image.store
            return { path in try store.open(path) }
        }
        var local: [String: String] = [:]
        for (number, (layer, descriptor)) in plan.layers.enumerated() {
            progress?(number, plan.layers.count, "pulling \(descriptor.digest.algorithm):\(descriptor.digest.short) (\(descriptor.size) bytes)")
            local[layer.blobPath] = try await registryStore.client.downloadToCache(registryStore.repository, descriptor: descriptor)
        }
        let paths = local
        return { path in
            guard let file = paths[path] else { throw ImageError(.notFound, "\(image.source): \(path) was not downloaded") }
            return try SharedFile(path: file).stream()
        }
    }

    func makePlan(_ image: Image) throws -> Plan {
        let configData = try image.store.read(image.configPath, limit: 16 << 20)
        if let manifestDigest = image.manifestDigest, let manifest = image.manifest {
            let path = "blobs/\(manifestDigest.algorithm)/\(manifestDigest.hex)"
            let data = try image.store.read(path, limit: 8 << 20)
            let type = manifest.mediaType ?? MediaType.ociManifest
            let layers = zip(image.layers, manifest.layers).map { ($0, $1) }
            return Plan(manifestData: data, manifest: Descriptor(mediaType: type, digest: manifestDigest, size: Int64(data.count)),
                        configData: configData, config: manifest.config, layers: layers)
        }
        // A docker-archive has no registry manifest: describe its blobs as they are stored.
        var layers: [(Layer, Descriptor)] = []
        for layer in image.layers {
            let (digest, size, compression) = try measure(layer, in: image.store)
            let type = switch compression {
            case .gzip: MediaType.ociLayerGzip
            case .zstd: MediaType.ociLayerZstd
            default: MediaType.ociLayer
            }
            layers.append((layer, Descriptor(mediaType: type, digest: digest, size: size)))
        }
        let config = Descriptor(mediaType: MediaType.ociConfig, digest: image.configDigest, size: Int64(configData.count))
        let manifest = Manifest(mediaType: MediaType.ociManifest, config: config, layers: layers.map(\.1))
        let data = try encodeMetadataJSON(manifest)
        return Plan(manifestData: data, manifest: Descriptor(mediaType: MediaType.ociManifest, digest: Digest.sha256(of: data), size: Int64(data.count)),
                    configData: configData, config: config, layers: layers)
    }

    /// Digest, size and compression of a layer blob as stored, hashing it when the archive does not name it by digest.
    private func measure(_ layer: Layer, in store: any BlobStore) throws -> (Digest, Int64, CompressionKind) {
        let stream = try store.open(layer.blobPath)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var hasher = DigestHasher()
        var total: Int64 = 0
        var magic: [UInt8] = []
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if magic.count < 4 { magic += chunk.prefix(4 - magic.count) }
            hasher.update(chunk)
            total += Int64(n)
        }
        return (layer.digest ?? hasher.finalize(), total, CompressionKind.sniff(Data(magic)))
    }
}
