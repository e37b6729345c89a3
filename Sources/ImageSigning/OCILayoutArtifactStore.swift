public import Foundation
public import OCIModel
public import Registry

/// An OCI image layout directory as an artifact store: tags are `org.opencontainers.image.ref.name` annotations in
/// `index.json`, and referrers live in the fallback tag (the layout spec has no referrers API).
public struct OCILayoutArtifactStore: ArtifactStore {
    public let directory: String
    static let refNameKey = "org.opencontainers.image.ref.name"
    static let manifestLimit = 8 << 20

    public init(directory: String) throws(SigningError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory + "/index.json", isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SigningError(.notFound, "\(directory) is not an OCI image layout (no index.json)")
        }
        self.directory = directory
    }

    public var displayName: String { "oci:\(directory)" }

    public func index() throws -> Index {
        let data = try read(directory + "/index.json", limit: Self.manifestLimit, what: "index.json")
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
        let data = try read(blobPath(digest), limit: limit, what: "blob \(digest)")
        guard Digest.sha256(of: data) == digest else {
            throw SigningError(.invalidSignature, "\(displayName): blob \(digest) does not hash to its name; the layout is corrupt")
        }
        return data
    }

    public func putBlob(_ data: Data) async throws {
        let path = blobPath(Digest.sha256(of: data))
        guard !FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.createDirectory(atPath: directory + "/blobs/sha256", withIntermediateDirectories: true)
        try writeAtomically(data, to: path)
    }

    public func putManifest(_ data: Data, mediaType: String, tag: String?) async throws -> ManifestPushResult {
        try await putBlob(data)
        let digest = Digest.sha256(of: data)
        if let tag {
            var index = try index()
            index.manifests.removeAll { $0.annotations?[Self.refNameKey] == tag }
            var descriptor = Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count), annotations: [Self.refNameKey: tag])
            if let manifest = try? JSONDecoder().decode(Manifest.self, from: data) { descriptor.artifactType = manifest.artifactType }
            index.manifests.append(descriptor)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try writeAtomically(try encoder.encode(index), to: directory + "/index.json")
        }
        return ManifestPushResult(digest: digest, subjectIndexed: false)
    }

    public func referrers(of digest: Digest) async throws -> Index? { nil }

    private func blobPath(_ digest: Digest) -> String { "\(directory)/blobs/\(digest.algorithm)/\(digest.hex)" }

    private func read(_ path: String, limit: Int, what: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SigningError(.notFound, "\(displayName): \(what) is missing")
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else {
            throw SigningError(.limit, "\(displayName): \(what) is larger than \(limit) bytes; refusing to read it")
        }
        return data
    }

    /// Writes beside the target and renames, so a reader never sees half a file.
    private func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = path + ".moat-\(UUID().uuidString).tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw SigningError(.io, "cannot write \(temporary): \(error); check that \(directory) is writable")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw SigningError(.io, "cannot replace \(path): \(reason)")
        }
    }
}
