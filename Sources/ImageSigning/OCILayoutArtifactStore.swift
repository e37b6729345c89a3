public import Foundation
import OCIImage
public import OCIModel
public import Registry

/// An OCI image layout directory as an artifact store: tags are `org.opencontainers.image.ref.name` annotations in
/// `index.json`, and referrers live in the fallback tag (the layout spec has no referrers API). Reads go through
/// OCIImage's `DirectoryStore` (paths confined to the layout, sizes bounded), writes through its `OCILayoutWriter`
/// (blobs verified, `index.json` replaced atomically).
public struct OCILayoutArtifactStore: ArtifactStore {
    public let directory: String
    private let reader: DirectoryStore
    static let refNameKey = "org.opencontainers.image.ref.name"
    static let manifestLimit = 8 << 20

    public init(directory: String) throws(SigningError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory + "/index.json", isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SigningError(.notFound, "\(directory) is not an OCI image layout (no index.json)")
        }
        self.directory = directory
        self.reader = DirectoryStore(root: directory)
    }

    public var displayName: String { "oci:\(directory)" }

    public func index() throws -> Index {
        let data = try reader.read("index.json", limit: Self.manifestLimit)
        do {
            return try JSONDecoder().decode(Index.self, from: data)
        } catch {
            throw SigningError(.invalidSignature, "\(displayName): index.json is not an OCI index: \(error)")
        }
    }

    public func manifest(tag: String) async throws -> FetchedManifest? {
        guard let descriptor = try index().manifests.last(where: { $0.annotations?[Self.refNameKey] == tag }) else { return nil }
        let fetched = try await manifest(digest: descriptor.digest)
        return FetchedManifest(data: fetched.data, mediaType: descriptor.mediaType, digest: fetched.digest)
    }

    public func manifest(digest: Digest) async throws -> FetchedManifest {
        let data = try await blob(digest, limit: Self.manifestLimit)
        let probe = try? JSONDecoder().decode(ManifestProbe.self, from: data)
        let type = probe?.mediaType ?? (probe?.manifests != nil ? MediaType.ociIndex : MediaType.ociManifest)
        return FetchedManifest(data: data, mediaType: type, digest: digest)
    }

    public func blob(_ digest: Digest, limit: Int) async throws -> Data {
        let data = try reader.read("blobs/\(digest.algorithm)/\(digest.hex)", limit: limit)
        guard Digest.sha256(of: data) == digest else {
            throw SigningError(.invalidSignature, "\(displayName): blob \(digest) does not hash to its name; the layout is corrupt")
        }
        return data
    }

    public func putBlob(_ data: Data) async throws {
        try OCILayoutWriter(directory: directory).writeBlob(Digest.sha256(of: data), size: Int64(data.count), from: DataStream(data))
    }

    public func putManifest(_ data: Data, mediaType: String, tag: String?) async throws -> ManifestPushResult {
        let writer = try OCILayoutWriter(directory: directory)
        let digest = Digest.sha256(of: data)
        try writer.writeBlob(digest, size: Int64(data.count), from: DataStream(data))
        if let tag {
            var descriptor = Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
            descriptor.artifactType = (try? JSONDecoder().decode(Manifest.self, from: data))?.artifactType
            try writer.finish(manifest: descriptor, config: descriptor, layers: [], name: tag)
        }
        return ManifestPushResult(digest: digest, subjectIndexed: false)
    }

    public func referrers(of digest: Digest) async throws -> Index? { nil }
}
