import Foundation
public import OCIModel

/// A destination for a copied image's blobs and manifest, on the local disk.
public protocol LocalImageWriter {
    func hasBlob(_ digest: Digest) -> Bool
    /// Writes a blob from `stream`, checking it hashes to `digest` and is `size` bytes long.
    func writeBlob(_ digest: Digest, size: Int64, from stream: any ByteStream) throws
    /// Records the manifest (already written as a blob) under `name` and completes the image.
    func finish(manifest: Descriptor, config: Descriptor, layers: [Descriptor], name: String?) throws
}

/// Copies `stream` into `write` in 1 MiB pieces, checking length and digest on the way.
func copyVerified(_ stream: any ByteStream, digest: Digest, size: Int64, what: String,
                  write: (UnsafeRawBufferPointer) throws -> Void) throws {
    var hasher = DigestHasher()
    var total: Int64 = 0
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = try stream.read(into: buffer)
        if n == 0 { break }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        hasher.update(chunk)
        total += Int64(n)
        guard total <= size else { throw ImageError(.sizeMismatch, "\(what) is longer than its \(size) bytes") }
        try write(chunk)
    }
    guard total == size else { throw ImageError(.sizeMismatch, "\(what) is \(total) bytes, not \(size)") }
    let actual = hasher.finalize()
    guard digest.algorithm != "sha256" || actual == digest else {
        throw ImageError(.digestMismatch, "\(what) hashes to \(actual), not \(digest)")
    }
}

/// Writes an OCI image layout directory (creating it, or adding to an existing one).
public final class OCILayoutWriter: LocalImageWriter {
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/blobs/sha256", withIntermediateDirectories: true)
        let layoutFile = directory + "/oci-layout"
        if !FileManager.default.fileExists(atPath: layoutFile) {
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: layoutFile))
        }
    }

    func path(_ digest: Digest) -> String { "\(directory)/blobs/\(digest.algorithm)/\(digest.hex)" }

    public func hasBlob(_ digest: Digest) -> Bool { FileManager.default.fileExists(atPath: path(digest)) }

    public func writeBlob(_ digest: Digest, size: Int64, from stream: any ByteStream) throws {
        if hasBlob(digest) { return }
        try FileManager.default.createDirectory(atPath: "\(directory)/blobs/\(digest.algorithm)", withIntermediateDirectories: true)
        let temporary = path(digest) + ".partial"
        // open(2) directly: FileManager.createFile would write a temporary file of its own and rename it.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ImageError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try copyVerified(stream, digest: digest, size: size, what: "blob \(digest)") { try handle.write(contentsOf: Data($0)) }
            try handle.close()
            try FileManager.default.moveItem(atPath: temporary, toPath: path(digest))
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Adds the manifest to `index.json`, replacing an entry with the same name.
    public func finish(manifest: Descriptor, config: Descriptor, layers: [Descriptor], name: String?) throws {
        try record(manifest, name: name)
    }

    /// Adds a manifest or an index, already written as a blob, to `index.json`, replacing an entry with the same name.
    public func record(_ manifest: Descriptor, name: String?) throws {
        let indexPath = directory + "/index.json"
        var index = Index(manifests: [])
        if let data = FileManager.default.contents(atPath: indexPath) {
            index = try decodeJSONValue(Index.self, data, what: "\(indexPath)")
        }
        var entry = manifest
        if let name { entry.annotations = ["org.opencontainers.image.ref.name": name] }
        index.manifests.removeAll { existing in
            existing.digest == manifest.digest && name == nil
                || (name != nil && existing.annotations?["org.opencontainers.image.ref.name"] == name)
        }
        index.manifests.append(entry)
        try encodeMetadataJSON(index).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
    }
}

/// Writes a docker-archive in Docker 25's form, which is also an OCI archive: `blobs/sha256/…`, `index.json`,
/// `oci-layout` and `manifest.json`, so `docker load` and OCI tools both read it. Written to a temporary file and
/// renamed into place when complete.
public final class DockerArchiveWriter: LocalImageWriter {
    public let path: String
    private let tar: TarWriter
    private var written: Set<Digest> = []

    public init(path: String) throws {
        self.path = path
        tar = try TarWriter(path: path + ".partial")
        try tar.addDirectory("blobs")
        try tar.addDirectory("blobs/sha256")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path + ".partial")
    }

    public func hasBlob(_ digest: Digest) -> Bool { written.contains(digest) }

    public func writeBlob(_ digest: Digest, size: Int64, from stream: any ByteStream) throws {
        guard !written.contains(digest) else { return }
        try tar.addFile("blobs/\(digest.algorithm)/\(digest.hex)", size: size) { write in
            try copyVerified(stream, digest: digest, size: size, what: "blob \(digest)", write: write)
        }
        written.insert(digest)
    }

    public func finish(manifest: Descriptor, config: Descriptor, layers: [Descriptor], name: String?) throws {
        var entry = manifest
        if let name { entry.annotations = ["io.containerd.image.name": name, "org.opencontainers.image.ref.name": name] }
        try tar.addFile("index.json", data: try encodeMetadataJSON(Index(manifests: [entry])))
        try tar.addFile("oci-layout", data: Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        var dockerEntry = DockerArchiveManifestEntry(config: "blobs/sha256/\(config.digest.hex)", repoTags: name.map { [$0] },
                                                     layers: layers.map { "blobs/sha256/\($0.digest.hex)" })
        dockerEntry.layerSources = nil
        try tar.addFile("manifest.json", data: try encodeMetadataJSON([dockerEntry]))
        try tar.finish()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
    }
}
