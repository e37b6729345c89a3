import Crypto
public import LayerFS
public import OCIModel
public import Compression
import Foundation

/// What reading one layer produced.
public struct LayerScan<Visitor: ContentVisitor>: Sendable {
    public var layer: Layer
    public var index: LayerIndex
    public var visitor: Visitor
    public var compression: CompressionKind
    /// Bytes of the stored blob.
    public var compressedBytes: Int64
    /// Bytes of the uncompressed tar stream.
    public var uncompressedBytes: Int64
    /// Digest of the uncompressed tar as computed.
    public var computedDiffID: OCIModel.Digest
}

/// Limits applied while reading layers.
public struct ReadLimits: Sendable, Equatable {
    public var expansion: ExpansionLimits
    public var tar: TarLimits
    public init(expansion: ExpansionLimits = .default, tar: TarLimits = TarLimits()) {
        self.expansion = expansion
        self.tar = tar
    }
}

/// The per-layer pipeline, fed compressed bytes in order:
/// blob digest → decompress (gzip/zstd/none, sniffed) → diff_id digest + expansion guard → tar parser → index + visitor.
/// Everything happens in one pass over the bytes, in bounded memory.
public final class LayerPipeline<Visitor: ContentVisitor>: ChunkSink {
    let layer: Layer
    let limits: ReadLimits
    private var blobHasher = SHA256()
    private var diffHasher = SHA256()
    private var decompressor: (any Decompressor)?
    private var compression: CompressionKind = .none
    private var parser: TarStreamParser
    private var indexer: LayerIndexer<Visitor>
    private var consumed: Int64 = 0
    private var produced: Int64 = 0
    private var prefix: [UInt8] = []
    private(set) var result: LayerScan<Visitor>?

    public init(layer: Layer, visitor: Visitor, limits: ReadLimits) {
        self.layer = layer
        self.limits = limits
        self.parser = TarStreamParser(limits: limits.tar)
        self.indexer = LayerIndexer(visitor: visitor)
    }

    public func consume(_ chunk: UnsafeRawBufferPointer) throws {
        guard !chunk.isEmpty else { return }
        blobHasher.update(bufferPointer: chunk)
        consumed += Int64(chunk.count)
        if decompressor == nil {
            // Hold bytes until the 4-byte magic number can be sniffed, however the stream was chunked.
            prefix.append(contentsOf: chunk)
            if prefix.count < 4 { return }
            try start()
            let held = prefix
            prefix = []
            try held.withUnsafeBytes { try decompress($0) }
            return
        }
        try decompress(chunk)
    }

    private func start() throws {
        compression = CompressionKind.sniff(prefix)
        do {
            decompressor = try compression.makeDecompressor()
        } catch {
            throw ImageError(.unsupported, "\(layer.label): \(error.detail)")
        }
    }

    private func decompress(_ chunk: UnsafeRawBufferPointer) throws {
        guard let decompressor else { return }
        do {
            try decompressor.decompress(chunk) { plain in
                diffHasher.update(bufferPointer: plain)
                produced += Int64(plain.count)
                try limits.expansion.check(consumed: consumed, produced: produced)
                try parser.feed(plain, to: &indexer)
            }
        } catch let error as CompressionError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error.detail)")
        } catch let error as TarError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error)")
        }
    }

    public func finish() throws {
        if decompressor == nil {
            if consumed == 0 { throw ImageError(.corruptLayer, "\(layer.label): the blob is empty") }
            try start()
            try prefix.withUnsafeBytes { try decompress($0) }
        }
        do {
            try decompressor?.finish()
            try parser.finish()
        } catch let error as CompressionError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error.detail)")
        } catch let error as TarError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error)")
        }
        let blobDigest = OCIModel.Digest(sha256Hex: blobHasher.finalize().hexString)
        let diffID = OCIModel.Digest(sha256Hex: diffHasher.finalize().hexString)
        if let expected = layer.digest, expected.algorithm == "sha256", expected != blobDigest {
            throw ImageError(.digestMismatch,
                "\(layer.label): blob digest mismatch: the manifest says \(expected), the content hashes to \(blobDigest); the image is corrupt or was tampered with")
        }
        if let size = layer.size, size != consumed {
            throw ImageError(.sizeMismatch, "\(layer.label): the manifest says \(size) bytes, the blob has \(consumed)")
        }
        if let expected = layer.diffID, expected.algorithm == "sha256", expected != diffID {
            throw ImageError(.diffIDMismatch,
                "\(layer.label): diff_id mismatch: the config says \(expected), the uncompressed content hashes to \(diffID); the image is corrupt or was tampered with")
        }
        indexer.finish(tarBytes: produced)
        result = LayerScan(layer: layer, index: indexer.index, visitor: indexer.visitor, compression: compression,
                           compressedBytes: consumed, uncompressedBytes: produced, computedDiffID: diffID)
    }
}

/// Reads every layer of an image once, in parallel where the storage allows it.
public struct LayerReader: Sendable {
    public var limits: ReadLimits
    public var concurrency: Int

    public init(limits: ReadLimits = ReadLimits(), concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.limits = limits
        self.concurrency = max(1, concurrency)
    }

    /// Returns one scan per layer, in layer order. `makeVisitor` is called once per layer.
    public func read<Visitor: ContentVisitor>(
        _ image: Image, makeVisitor: @escaping @Sendable (Layer) -> Visitor,
        progress: (@Sendable (Layer) -> Void)? = nil
    ) async throws -> [LayerScan<Visitor>] {
        let store = image.store
        let limits = self.limits
        if store.isSequential {
            // One pass over the whole archive; a blob used by several layers is read once and shared.
            var pipelines: [String: LayerPipeline<Visitor>] = [:]
            let byPath = Dictionary(grouping: image.layers, by: \.blobPath)
            try store.visitMembers(Set(byPath.keys)) { path in
                let layer = byPath[path]![0]
                let pipeline = LayerPipeline(layer: layer, visitor: makeVisitor(layer), limits: limits)
                pipelines[path] = pipeline
                return pipeline
            }
            return try image.layers.map { layer in
                guard var scan = pipelines[layer.blobPath]?.result else {
                    throw ImageError(.notFound, "\(image.source): \(layer.label) blob \(layer.blobPath) is missing from the archive")
                }
                scan.layer = layer
                progress?(layer)
                return scan
            }
        }
        return try await withThrowingTaskGroup(of: LayerScan<Visitor>.self) { group in
            var next = 0
            var results: [LayerScan<Visitor>?] = Array(repeating: nil, count: image.layers.count)
            func submit(_ layer: Layer) {
                group.addTask {
                    let pipeline = LayerPipeline(layer: layer, visitor: makeVisitor(layer), limits: limits)
                    try pump(try store.open(layer.blobPath), into: pipeline)
                    guard let result = pipeline.result else { throw ImageError(.io, "\(layer.label) produced no result") }
                    return result
                }
            }
            // Largest layers first, so one big layer does not start last and leave the other cores idle.
            let order = image.layers.sorted { ($0.size ?? store.size(of: $0.blobPath) ?? 0) > ($1.size ?? store.size(of: $1.blobPath) ?? 0) }
            while next < min(concurrency, order.count) { submit(order[next]); next += 1 }
            while let scan = try await group.next() {
                results[scan.layer.index] = scan
                progress?(scan.layer)
                if next < order.count { submit(order[next]); next += 1 }
            }
            return results.compactMap { $0 }
        }
    }
}
