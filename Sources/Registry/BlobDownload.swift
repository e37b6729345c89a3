import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import OCIImage
import OCIModel

/// A blob streamed from the registry into a synchronous reader (the layer pipeline), verified and teed into the blob
/// cache by the download task, so the reader's thread (the inflater, the critical path) only copies bytes. The reader
/// blocks on a bounded buffer, so memory stays small whatever the blob size. A connection lost part-way is resumed
/// with a `Range` request from the last byte received. The reader sees end-of-stream only after the content hashed
/// to the digest; a mismatch is an error instead.
///
/// The reader must not run on the task's own executor: `LayerReader` reads registry blobs on dedicated threads.
final class BlobDownload: ByteStream, @unchecked Sendable {
    // @unchecked: `delivered`, `pending` and `finished` belong to the reading thread; the buffer is shared under its lock.
    private let buffer: ChunkBuffer
    private let producer: Task<Void, Never>
    private let expectedSize: Int64?
    private let what: String
    private var delivered: Int64 = 0
    private var pending = ByteBuffer()
    private var finished = false
    /// The download task refuses content that does not hash to a sha256 digest before ending the stream.
    let verifiesDigest: Bool

    init(client: RegistryClient, repository: Repository, digest: Digest, expectedSize: Int64?, capacity: Int = 8 << 20) {
        let buffer = ChunkBuffer(capacity: capacity)
        self.buffer = buffer
        self.expectedSize = expectedSize
        self.what = "blob \(digest) of \(repository)"
        self.verifiesDigest = digest.algorithm == "sha256"
        let retry = client.transport.configuration.retry
        producer = Task {
            await Self.produce(client: client, repository: repository, digest: digest, expectedSize: expectedSize, retry: retry,
                               into: buffer)
        }
    }

    deinit {
        producer.cancel()
        buffer.close()
    }

    /// Downloads into `buffer`, hashing (and caching) what it hands over, resuming after connection failures up to
    /// the retry policy's attempts. The body goes from the event loop straight to the buffer when the registry allows
    /// (`streamDirect`); otherwise through `send`'s response, which authenticates and follows redirects.
    private static func produce(client: RegistryClient, repository: Repository, digest: Digest, expectedSize: Int64?,
                                retry: RetryPolicy, into buffer: ChunkBuffer) async {
        let writer = client.cache.flatMap { try? CacheWriter(cache: $0, digest: digest, expectedSize: expectedSize) }
        let tee = BlobTee(buffer: buffer, writer: writer)
        var failures = 0
        while true {
            do {
                let direct = try await client.streamBlobDirect(repository, digest: digest, offset: tee.received, into: tee)
                if direct == .declined {
                    let response = try await client.openBlob(repository, digest: digest, offset: tee.received)
                    tee.begin(status: response.status.code)
                    for try await chunk in response.body {
                        guard let handed = tee.take(chunk) else { continue }
                        guard await buffer.push(handed) else { break }
                    }
                }
                if buffer.isClosed {
                    tee.writer?.discard()
                    return
                }
                let actual = tee.digest
                if digest.algorithm == "sha256", actual != digest {
                    tee.writer?.discard()
                    buffer.finish(RegistryError(.digestMismatch, "blob \(digest) of \(repository) arrived with content hashing to \(actual); refusing it"))
                } else {
                    try? tee.writer?.commit()
                    buffer.finish(nil)
                }
                return
            } catch {
                failures += 1
                let transient = (error as? RegistryError).map { $0.code == .unreachable } ?? true
                if Task.isCancelled || buffer.isClosed { tee.writer?.discard(); return }
                guard transient, failures < retry.attempts else {
                    let registryError = (error as? RegistryError)
                        ?? RegistryError(.unreachable, "downloading blob \(digest) of \(repository) failed after \(tee.received) bytes: \(error)")
                    tee.writer?.discard()
                    buffer.finish(registryError)
                    return
                }
                try? await Task.sleep(nanoseconds: UInt64(retry.backoff(after: failures) * 1_000_000_000))
            }
        }
    }

    /// Fills as much of `destination` as the chunks already downloaded allow (network chunks are small; the layer
    /// pipeline works best on large pieces), blocking only when nothing is buffered yet.
    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, destination.count > 0 else { return 0 }
        var filled = 0
        while filled < destination.count {
            if pending.readableBytes == 0 {
                if filled == 0 {
                    guard let next = try buffer.pop() else { return try finish() }
                    pending = next
                } else {
                    guard let next = buffer.popIfReady() else { break }
                    pending = next
                }
            }
            let count = min(destination.count - filled, pending.readableBytes)
            pending.withUnsafeReadableBytes { raw in
                UnsafeMutableRawBufferPointer(rebasing: destination[filled..<(filled + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<count]))
            }
            pending.moveReaderIndex(forwardBy: count)
            filled += count
        }
        delivered += Int64(filled)
        if let expectedSize, delivered > expectedSize {
            throw RegistryError(.digestMismatch, "\(what) is longer than the \(expectedSize) bytes its descriptor states; refusing it")
        }
        return filled
    }

    /// The producer has verified the digest before ending the stream; the length is checked here.
    private func finish() throws -> Int {
        finished = true
        if let expectedSize, delivered != expectedSize {
            throw RegistryError(.digestMismatch, "\(what) ended after \(delivered) bytes; its descriptor states \(expectedSize)")
        }
        return 0
    }
}

/// A bounded queue of byte chunks between an async producer and a blocking consumer.
///
/// Both sides are woken in batches, not per chunk: a parked producer once the buffer has drained to half, a reader
/// that found it empty once `wakeBytes` have arrived (or the stream has ended). When the reader is the faster side
/// the buffer runs empty, and waking it for every 64 KiB network chunk made it preempt the event loop on every chunk:
/// hundreds of thread switches per layer, each paid on the reader's thread, the critical path of a pull.
final class ChunkBuffer: @unchecked Sendable {
    // @unchecked: every field is guarded by `condition`.
    private let condition = NSCondition()
    private var chunks: [ByteBuffer] = []
    private var head = 0
    private var bytes = 0
    private let capacity: Int
    private let wakeBytes: Int
    private var readerWaiting = false
    private var ended = false
    private var failure: (any Error)?
    private var closed = false
    /// Called once the buffer has drained to half (see `dequeueLocked`).
    private var waitingProducer: (@Sendable () -> Void)?

    /// `wakeBytes` defaults to 256 KiB (at most a quarter of the capacity, so a producer never parks below it).
    init(capacity: Int, wakeBytes: Int? = nil) {
        self.capacity = capacity
        self.wakeBytes = min(wakeBytes ?? (256 << 10), capacity / 4)
    }

    /// Bytes queued and not yet taken (for tests of the bound).
    var bufferedBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }

    /// Whether the reader is blocked in `pop` (for tests).
    var readerIsWaiting: Bool {
        condition.lock()
        defer { condition.unlock() }
        return readerWaiting
    }

    /// Whether the producer is parked waiting for room (for tests).
    var producerIsWaiting: Bool {
        condition.lock()
        defer { condition.unlock() }
        return waitingProducer != nil
    }

    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    private enum PushOutcome { case appended, full, closed }

    /// Adds a chunk, waiting (without blocking a thread) while the buffer is full; false once the reader has gone.
    func push(_ chunk: ByteBuffer) async -> Bool {
        while true {
            switch append(chunk) {
            case .appended: return true
            case .closed: return false
            case .full: await withCheckedContinuation { continuation in whenRoom { continuation.resume() } }
            }
        }
    }

    /// Adds a chunk even past the capacity (an event loop cannot wait); `room` runs once the buffer has room again,
    /// at once if it has. False once the reader has gone.
    func append(_ chunk: ByteBuffer, room: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        if closed {
            condition.unlock()
            return false
        }
        chunks.append(chunk)
        bytes += chunk.readableBytes
        wakeReaderLocked()
        condition.unlock()
        whenRoom(room)
        return true
    }

    private func append(_ chunk: ByteBuffer) -> PushOutcome {
        condition.lock()
        defer { condition.unlock() }
        if closed { return .closed }
        guard bytes < capacity else { return .full }
        chunks.append(chunk)
        bytes += chunk.readableBytes
        wakeReaderLocked()
        return .appended
    }

    private func wakeReaderLocked() {
        if readerWaiting && bytes >= wakeBytes { condition.signal() }
    }

    private func whenRoom(_ room: @escaping @Sendable () -> Void) {
        condition.lock()
        if bytes < capacity || closed {
            condition.unlock()
            room()
        } else {
            waitingProducer = room
            condition.unlock()
        }
    }

    /// The end of the stream, or the error that ended it.
    func finish(_ error: (any Error)?) {
        condition.lock()
        ended = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk; when none is buffered, blocks until `wakeBytes` have arrived (or the stream has ended). Nil at
    /// the end.
    func pop() throws -> ByteBuffer? {
        condition.lock()
        if head >= chunks.count && !ended {
            readerWaiting = true
            while bytes < wakeBytes && !ended { condition.wait() }
            readerWaiting = false
        }
        if head < chunks.count {
            let (chunk, producer) = dequeueLocked()
            condition.unlock()
            producer?()
            return chunk
        }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        return nil
    }

    /// The next chunk if one is already buffered; nil (without waiting) otherwise, and at the end.
    func popIfReady() -> ByteBuffer? {
        condition.lock()
        guard head < chunks.count else {
            condition.unlock()
            return nil
        }
        let (chunk, producer) = dequeueLocked()
        condition.unlock()
        producer?()
        return chunk
    }

    /// Takes the head chunk (the lock is held); the producer it returns, if waiting for room, is resumed by the
    /// caller once the lock is released. A full buffer wakes its producer only once it has drained to half: waking
    /// it for every chunk taken would cost two thread hand-offs per network chunk for as long as the reader is the
    /// slower side, which is most of a pull.
    private func dequeueLocked() -> (ByteBuffer, (@Sendable () -> Void)?) {
        let chunk = chunks[head]
        head += 1
        bytes -= chunk.readableBytes
        if head > 64 { chunks.removeFirst(head); head = 0 }
        guard bytes <= capacity / 2 else { return (chunk, nil) }
        let producer = waitingProducer
        waitingProducer = nil
        return (chunk, producer)
    }

    /// The reader is gone: wake and stop the producer.
    func close() {
        condition.lock()
        closed = true
        let producer = waitingProducer
        waitingProducer = nil
        condition.broadcast()
        condition.unlock()
        producer?()
    }
}

/// What a download does with each chunk before the reader gets it, whichever path brought it: drop what a resumed
/// request repeats, hash it (writing it into the cache, which hashes), count it.
final class BlobTee: DirectSink, @unchecked Sendable {
    // @unchecked: used by one party at a time: the download task, or the event loop while a direct request runs
    // (the task awaits that request before reading `received` or the digest).
    let buffer: ChunkBuffer
    let writer: CacheWriter?
    private var hasher = DigestHasher()
    private(set) var received: Int64 = 0
    private var skip: Int64 = 0

    init(buffer: ChunkBuffer, writer: CacheWriter?) {
        self.buffer = buffer
        self.writer = writer
    }

    /// A resumed request answered 200 (no `Range` support) repeats what was received: it is skipped.
    func begin(status: UInt) {
        skip = received > 0 && status == 200 ? received : 0
    }

    /// The chunk to hand to the reader, hashed and cached; nil when it held only skipped bytes.
    func take(_ chunk: ByteBuffer) -> ByteBuffer? {
        var chunk = chunk
        if skip > 0 {
            let dropped = Int(min(Int64(chunk.readableBytes), skip))
            chunk.moveReaderIndex(forwardBy: dropped)
            skip -= Int64(dropped)
        }
        let count = chunk.readableBytes
        guard count > 0 else { return nil }
        chunk.withUnsafeReadableBytes { bytes in
            if let writer { writer.append(bytes) } else { hasher.update(bytes) }
        }
        received += Int64(count)
        return chunk
    }

    var digest: Digest { writer?.contentDigest ?? hasher.finalize() }

    func receive(_ chunk: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        guard let handed = take(chunk) else { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        guard buffer.append(handed, room: { promise.succeed(()) }) else {
            // The reader has gone: stop the request.
            promise.fail(CancellationError())
            return promise.futureResult
        }
        return promise.futureResult
    }
}
