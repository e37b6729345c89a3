public import Foundation
import LayerFS
import Compression

/// A gzip- or zstd-compressed tar (`docker save | gzip`): it cannot be read at an offset, so one pass collects
/// the metadata members and each later `visitMembers` pass streams the wanted members straight into their sinks.
public struct CompressedTarStore: BlobStore {
    let file: SharedFile
    let compression: CompressionKind
    let small: [String: Data]
    let sizes: [String: Int64]
    public var displayName: String { file.path }
    public var isSequential: Bool { true }

    /// Members up to this size are kept from the first pass (manifests, configs, indexes).
    static let metadataLimit: Int64 = 4 << 20
    static let metadataBudget = 64 << 20

    public init(file: SharedFile, compression: CompressionKind) throws {
        self.file = file
        self.compression = compression
        var collector = MetadataCollector()
        try Self.pass(file: file, compression: compression, handler: &collector)
        small = collector.small
        sizes = collector.sizes
    }

    static func pass<H: TarEntryHandler>(file: SharedFile, compression: CompressionKind, handler: inout H) throws {
        let decompressor = try compression.makeDecompressor()
        var parser = TarStreamParser()
        let stream = file.stream()
        // The whole archive is decompressed, so it gets the same bomb guard as a layer.
        let limits = ExpansionLimits.default
        var consumed: Int64 = 0
        var produced: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        do {
            while !parser.isFinished {
                let n = try stream.read(into: buffer)
                if n == 0 { break }
                consumed += Int64(n)
                try decompressor.decompress(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { chunk in
                    produced += Int64(chunk.count)
                    try limits.check(consumed: consumed, produced: produced)
                    try parser.feed(chunk, to: &handler)
                }
            }
            if !parser.isFinished { try decompressor.finish() }
            try parser.finish()
        } catch let error as CompressionError {
            throw ImageError(.corruptArchive, "\(file.path): \(error.detail)")
        } catch let error as TarError {
            throw ImageError(.unrecognisedFormat, "\(file.path) is not a readable tar archive: \(error)")
        }
    }

    private struct MetadataCollector: TarEntryHandler {
        var small: [String: Data] = [:]
        var sizes: [String: Int64] = [:]
        var budget = CompressedTarStore.metadataBudget

        mutating func captureLimit(for entry: TarEntry) -> Int {
            guard entry.size <= CompressedTarStore.metadataLimit, Int(entry.size) <= budget else { return 0 }
            return Int(entry.size)
        }

        mutating func entry(_ entry: TarEntry, content: [UInt8]) throws {
            guard entry.kind == .regular else { return }
            sizes[entry.path] = entry.size
            if content.count == Int(entry.size) {
                small[entry.path] = Data(content)
                budget -= content.count
            }
        }

        mutating func rejectedEntry(rawName: String, offset: Int64) {}
    }

    private func key(_ path: String) -> String {
        if case .inside(let clean, _) = ImagePath.normalise(path) { return clean }
        return path
    }

    public func contains(_ path: String) -> Bool { sizes[key(path)] != nil }
    public func size(of path: String) -> Int64? { sizes[key(path)] }

    public func read(_ path: String, limit: Int) throws -> Data {
        guard let size = sizes[key(path)] else { throw ImageError(.notFound, "\(file.path) has no member \"\(path.prefix(200))\"") }
        guard size <= Int64(limit), let data = small[key(path)] else {
            throw ImageError(.invalidMetadata, "\(path) in \(file.path) is \(size) bytes, too large for metadata")
        }
        return data
    }

    public func open(_ path: String) throws -> any ByteStream {
        throw ImageError(.unsupported, "\(file.path) is compressed as a whole and can only be read front to back")
    }

    public func visitMembers(_ paths: Set<String>, makeSink: (String) throws -> any ChunkSink) throws {
        // Sinks are asked for by the caller's spelling of each path ("./a/layer.tar"), not the normalised member name.
        let original = Dictionary(paths.sorted().map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        try withoutActuallyEscaping(makeSink) { makeSink in
            var router = try SinkRouter(wanted: Set(original.keys), makeSink: { try makeSink(original[$0] ?? $0) })
            try Self.pass(file: file, compression: compression, handler: &router)
        }
    }

    /// Hands each wanted member's data to its sink as the pass streams through it.
    private struct SinkRouter: TarEntryHandler {
        let wanted: Set<String>
        let makeSink: (String) throws -> any ChunkSink
        var current: (any ChunkSink)?
        var failure: (any Error)?

        init(wanted: Set<String>, makeSink: @escaping (String) throws -> any ChunkSink) throws {
            self.wanted = wanted
            self.makeSink = makeSink
        }

        mutating func captureLimit(for entry: TarEntry) -> Int { 0 }

        mutating func streamsContent(of entry: TarEntry) -> Bool {
            guard wanted.contains(entry.path) else { return false }
            do { current = try makeSink(entry.path) } catch { failure = error }
            return current != nil
        }

        mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) throws {
            if let failure { throw failure }
            try current?.consume(chunk)
        }

        mutating func entry(_ entry: TarEntry, content: [UInt8]) throws {
            if let failure { throw failure }
            if wanted.contains(entry.path) {
                if current == nil { current = try makeSink(entry.path) }  // empty member: no chunk arrived
                try current?.finish()
            }
            current = nil
        }

        mutating func rejectedEntry(rawName: String, offset: Int64) {}
    }
}
