public import Foundation
import LayerFS
import Compression

/// Named files an image format is stored in: a directory, a tar file, or a compressed tar read front to back.
/// Image formats (docker-archive, OCI layout) are written once over this, so each works in every container.
public protocol BlobStore: Sendable {
    /// What to call the store in messages (a path).
    var displayName: String { get }
    func contains(_ path: String) -> Bool
    func size(of path: String) -> Int64?
    /// Reads a small member whole (metadata); refuses members larger than `limit`.
    func read(_ path: String, limit: Int) throws -> Data
    /// True when members can only be read in one front-to-back pass (`visitMembers`), not opened individually.
    var isSequential: Bool { get }
    /// True when `open` streams can block waiting on the network (a registry): the layer reader then reads them on
    /// threads of their own, so the downloads feeding them always have an executor to run on.
    var readsFromNetwork: Bool { get }
    /// Opens a member for streaming (random-access stores only).
    func open(_ path: String) throws -> any ByteStream
    /// Pushes each listed member's bytes into the sink `makeSink` returns for it, in storage order.
    func visitMembers(_ paths: Set<String>, makeSink: (String) throws -> any ChunkSink) throws
}

/// Receives a member's bytes in order.
public protocol ChunkSink: AnyObject {
    func consume(_ chunk: UnsafeRawBufferPointer) throws
    func finish() throws
    /// Called instead of `finish` when the stream failed part-way; releases whatever the sink holds.
    func abort()
}

extension ChunkSink {
    public func abort() {}
}

/// Reads `stream` to its end into `sink`, through one reusable buffer.
public func pump(_ stream: any ByteStream, into sink: any ChunkSink, bufferSize: Int = 1 << 20) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
    defer { buffer.deallocate() }
    do {
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { break }
            try sink.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        try sink.finish()
    } catch {
        sink.abort()
        throw error
    }
}

extension BlobStore {
    public var isSequential: Bool { false }
    public var readsFromNetwork: Bool { false }

    public func visitMembers(_ paths: Set<String>, makeSink: (String) throws -> any ChunkSink) throws {
        for path in paths.sorted() { try pump(try open(path), into: try makeSink(path)) }
    }

    func readJSON<T: Decodable>(_ type: T.Type, _ path: String, what: String) throws -> T {
        let data = try read(path, limit: 16 << 20)
        do {
            return try decodeJSONValue(type, data, what: "\(what) (\(path) in \(displayName))")
        }
    }
}

import OCIModel

func decodeJSONValue<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws(ImageError) -> T {
    do {
        return try decodeJSON(type, from: data, what: what)
    } catch {
        // Only .invalidJSON names what was read; a bad digest or platform inside the document must say where it is too.
        if case .invalidJSON = error { throw ImageError(.invalidMetadata, error.description) }
        throw ImageError(.invalidMetadata, "\(what) is not valid: \(error.description)")
    }
}

/// A directory on disk (an OCI layout, or an unpacked docker-archive). Paths never leave the directory.
public struct DirectoryStore: BlobStore {
    public let root: String
    public var displayName: String { root }

    public init(root: String) { self.root = root }

    private func resolve(_ path: String) throws(ImageError) -> String {
        guard case .inside(let clean, _) = ImagePath.normalise(path), !clean.isEmpty else {
            throw ImageError(.invalidMetadata, "\(root): refusing path \"\(path.prefix(200))\" that leaves the image directory")
        }
        return root + "/" + clean
    }

    public func contains(_ path: String) -> Bool {
        guard let full = try? resolve(path) else { return false }
        return FileManager.default.fileExists(atPath: full)
    }

    public func size(of path: String) -> Int64? {
        guard let full = try? resolve(path),
              let attributes = try? FileManager.default.attributesOfItem(atPath: full) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    public func read(_ path: String, limit: Int) throws -> Data {
        let file = try SharedFile(path: try resolve(path))
        guard file.size <= Int64(limit) else {
            throw ImageError(.invalidMetadata, "\(file.path) is \(file.size) bytes, more than the \(limit) allowed for metadata")
        }
        return try file.readData(at: 0, length: Int(file.size))
    }

    public func open(_ path: String) throws -> any ByteStream {
        try SharedFile(path: try resolve(path)).stream()
    }
}

/// An uncompressed tar file (docker save output, OCI archive): headers indexed once, members read in place.
public struct TarFileStore: BlobStore {
    let file: SharedFile
    let directory: TarDirectory
    public var displayName: String { file.path }

    public init(file: SharedFile) throws {
        self.file = file
        do {
            directory = try TarDirectory(fileSize: file.size) { offset, count in
                let wanted = Int(min(Int64(count), max(0, file.size - offset)))
                return [UInt8](try file.readData(at: offset, length: wanted))
            }
        } catch let error as TarError {
            throw ImageError(.unrecognisedFormat, "\(file.path) is not a readable tar archive: \(error)")
        }
        guard !directory.order.isEmpty else {
            throw ImageError(.unrecognisedFormat,
                "\(file.path) is not an image archive (no tar members); expected a docker-archive, an OCI archive or an OCI layout directory")
        }
    }

    func member(_ path: String) throws(ImageError) -> TarDirectory.Member {
        let key: String
        if case .inside(let clean, _) = ImagePath.normalise(path) { key = clean } else { key = path }
        guard let member = directory.members[key], member.kind == .regular || member.linkTarget != nil else {
            throw ImageError(.notFound, "\(file.path) has no member \"\(path.prefix(200))\"")
        }
        return member
    }

    public func contains(_ path: String) -> Bool { (try? member(path)) != nil }
    public func size(of path: String) -> Int64? { try? member(path).size }

    public func read(_ path: String, limit: Int) throws -> Data {
        let member = try member(path)
        guard member.size <= Int64(limit) else {
            throw ImageError(.invalidMetadata, "\(path) in \(file.path) is \(member.size) bytes, more than the \(limit) allowed for metadata")
        }
        return try file.readData(at: member.dataOffset, length: Int(member.size))
    }

    public func open(_ path: String) throws -> any ByteStream {
        let member = try member(path)
        return file.stream(offset: member.dataOffset, length: member.size)
    }
}
