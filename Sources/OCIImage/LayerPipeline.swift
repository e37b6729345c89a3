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

    /// The same scan seen through part of its visitor (a combined visitor split back into its analysers).
    public func mapVisitor<Other: ContentVisitor>(_ transform: (Visitor) -> Other) -> LayerScan<Other> {
        LayerScan<Other>(layer: layer, index: index, visitor: transform(visitor), compression: compression,
                         compressedBytes: compressedBytes, uncompressedBytes: uncompressedBytes, computedDiffID: computedDiffID)
    }
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
/// decompress (gzip/zstd/none, sniffed) → expansion guard │ blob digest, diff_id digest → tar parser → index + visitor.
/// For compressed layers the part after `│` runs on a second thread, fed through a small bounded queue, so the
/// inflater (the critical path) does nothing but inflate; everything still happens in one pass, in bounded memory.
public final class LayerPipeline<Visitor: ContentVisitor>: ChunkSink, @unchecked Sendable {
    // @unchecked: the consumer thread owns the hashers, `parser`, `indexer` and `consumerError` from `start()` until
    // `finish()` joins it; the producer touches them only before start and after the join.
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
    private var channel: ChunkChannel?
    private var batch: [UInt8] = []
    private var consumerError: (any Error)?
    private var consumerDone: DispatchSemaphore?
    private(set) var result: LayerScan<Visitor>?
    /// The source verified the blob digest itself (a registry download): compressed bytes are not hashed again.
    /// Set before the first chunk.
    var blobVerifiedUpstream = false

    /// Bytes handed to the consumer thread at once; big enough to make the hand-off cost negligible.
    static var batchBytes: Int { 1 << 20 }

    public init(layer: Layer, visitor: Visitor, limits: ReadLimits) {
        self.layer = layer
        self.limits = limits
        self.parser = TarStreamParser(limits: limits.tar)
        self.indexer = LayerIndexer(visitor: visitor)
    }

    public func consume(_ chunk: UnsafeRawBufferPointer) throws {
        guard !chunk.isEmpty else { return }
        consumed += Int64(chunk.count)
        if decompressor == nil {
            // Hold bytes until the 4-byte magic number can be sniffed, however the stream was chunked.
            prefix.append(contentsOf: chunk)
            if prefix.count < 4 { return }
            try start()
            let held = prefix
            prefix = []
            try held.withUnsafeBytes { try process($0) }
            return
        }
        try process(chunk)
    }

    private func start() throws {
        compression = CompressionKind.sniff(prefix)
        do {
            decompressor = try compression.makeDecompressor()
        } catch {
            throw ImageError(.unsupported, "\(layer.label): \(error.detail)")
        }
        if compression != .none {
            let channel = ChunkChannel(capacity: 4)
            let done = DispatchSemaphore(value: 0)
            self.channel = channel
            self.consumerDone = done
            let thread = Thread { [self] in
                while let message = channel.receive() {
                    do {
                        switch message {
                        case .stored(let bytes): bytes.withUnsafeBytes { self.blobHasher.update(bufferPointer: $0) }
                        case .plain(let bytes): try bytes.withUnsafeBytes { try self.parse($0) }
                        }
                    } catch {
                        self.consumerError = error
                        channel.fail()
                        break
                    }
                }
                done.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func process(_ chunk: UnsafeRawBufferPointer) throws {
        guard let decompressor else { return }
        if let channel {
            if !blobVerifiedUpstream, !channel.send(.stored(Array(chunk))) { try rethrowConsumerError() }
        } else {
            blobHasher.update(bufferPointer: chunk)
        }
        do {
            if compression == .none {
                // Uncompressed: the blob digest and the diff_id hash the same bytes, so hash once.
                produced += Int64(chunk.count)
                // maxLayerBytes holds for uncompressed layers too (the ratio is 1, so only the size cap can trip).
                try limits.expansion.check(consumed: consumed, produced: produced)
                try parser.feed(chunk, to: &indexer)
                return
            }
            try decompressor.decompress(chunk) { plain in
                produced += Int64(plain.count)
                try limits.expansion.check(consumed: consumed, produced: produced)
                batch.append(contentsOf: plain)
                if batch.count >= Self.batchBytes { try flush() }
            }
        } catch let error as CompressionError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error.detail)")
        } catch let error as TarError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error)")
        }
    }

    /// Runs on the consumer thread (or inline for uncompressed layers).
    private func parse(_ plain: UnsafeRawBufferPointer) throws {
        diffHasher.update(bufferPointer: plain)
        try parser.feed(plain, to: &indexer)
    }

    private func flush() throws {
        guard let channel, !batch.isEmpty else { return }
        if !channel.send(.plain(batch)) { try rethrowConsumerError() }
        batch.removeAll(keepingCapacity: true)
    }

    private func rethrowConsumerError() throws {
        channel?.close()
        consumerDone?.wait()
        consumerDone = nil
        if let error = consumerError as? TarError { throw ImageError(.corruptLayer, "\(layer.label): \(error)") }
        if let error = consumerError { throw error }
    }

    /// Stops the consumer thread of a pipeline abandoned mid-stream (an error upstream), so no thread stays blocked.
    public func abort() {
        channel?.fail()
        consumerDone?.wait()
        consumerDone = nil
    }

    public func finish() throws {
        if decompressor == nil {
            if consumed == 0 { throw ImageError(.corruptLayer, "\(layer.label): the blob is empty") }
            try start()
            let held = prefix
            prefix = []
            try held.withUnsafeBytes { try process($0) }
        }
        do {
            try decompressor?.finish()
        } catch let error as CompressionError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error.detail)")
        }
        try flush()
        try rethrowConsumerError()
        do {
            try parser.finish()
        } catch let error as TarError {
            throw ImageError(.corruptLayer, "\(layer.label): \(error)")
        }
        let blobDigest = OCIModel.Digest(sha256Hex: blobHasher.finalize().hexString)
        let diffID = compression == .none ? blobDigest : OCIModel.Digest(sha256Hex: diffHasher.finalize().hexString)
        let blobHashed = !(blobVerifiedUpstream && channel != nil)
        if blobHashed, let expected = layer.digest, expected.algorithm == "sha256", expected != blobDigest {
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

/// What the inflating thread hands to the hashing and parsing thread.
enum PipelineMessage: Sendable {
    /// Bytes of the blob as stored, for the blob digest.
    case stored([UInt8])
    /// Decompressed tar bytes, for the diff_id and the tar parser.
    case plain([UInt8])
}

/// A bounded single-producer, single-consumer queue of byte batches.
final class ChunkChannel: @unchecked Sendable {
    // All state is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [PipelineMessage] = []
    private var closed = false
    private var failed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full; false when the consumer failed (stop producing).
    func send(_ chunk: PipelineMessage) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !failed { condition.wait() }
        if failed { return false }
        queue.append(chunk)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once closed and drained, or after a failure.
    func receive() -> PipelineMessage? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !failed { condition.wait() }
        if failed || queue.isEmpty { return nil }
        let chunk = queue.removeFirst()
        condition.broadcast()
        return chunk
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func fail() {
        condition.lock()
        failed = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
