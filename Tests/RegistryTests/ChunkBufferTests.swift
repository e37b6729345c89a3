import Foundation
import NIOCore
@testable import Registry
import Testing

@Suite struct ChunkBufferTests {
    /// A slow reader holds the producer back (memory stays bounded) and every byte arrives once and in order.
    @Test func aSlowReaderBoundsTheBufferAndLosesNothing() async throws {
        let buffer = ChunkBuffer(capacity: 8 << 10)
        let chunks = 64
        let producer = Task {
            for index in 0..<chunks {
                let ok = await buffer.push(ByteBuffer(bytes: [UInt8](repeating: UInt8(index), count: 1 << 10)))
                #expect(ok)
            }
            buffer.finish(nil)
        }
        // The reader blocks, as the layer pipeline does: on a thread of its own, never on the concurrency pool the
        // producer needs.
        let (received, largest): ([UInt8], Int) = try await withCheckedThrowingContinuation { continuation in
            Thread {
                var seen: [UInt8] = []
                var largest = 0
                do {
                    while let chunk = try buffer.pop() {
                        largest = max(largest, buffer.bufferedBytes)
                        seen.append(contentsOf: chunk.readableBytesView)
                        usleep(200)
                    }
                    continuation.resume(returning: (seen, largest))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        #expect(largest <= 8 << 10, "the producer ran past the capacity")
        await producer.value
        #expect(received.count == chunks << 10)
        #expect(received == (0..<chunks).flatMap { [UInt8](repeating: UInt8($0), count: 1 << 10) })
    }

    /// A producer parked on a full buffer is woken once the reader has drained half of it, not for every chunk taken.
    @Test func aParkedProducerWakesAtHalf() async throws {
        let buffer = ChunkBuffer(capacity: 8 << 10)
        for _ in 0..<8 { #expect(await buffer.push(ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 10)))) }
        let parked = Task { await buffer.push(ByteBuffer(bytes: [UInt8](repeating: 1, count: 1 << 10))) }
        for _ in 0..<400 where !buffer.producerIsWaiting { try await Task.sleep(for: .milliseconds(5)) }
        try #require(buffer.producerIsWaiting, "the producer should park on a full buffer")
        _ = try buffer.pop()
        #expect(buffer.producerIsWaiting, "one chunk taken from a full buffer leaves the producer parked")
        #expect(buffer.bufferedBytes == 7 << 10)
        for _ in 0..<3 { _ = try buffer.pop() }
        #expect(await parked.value)
        #expect(buffer.bufferedBytes == 5 << 10, "at half the producer was woken and added its chunk")
    }

    /// The event loop's producer cannot wait: its chunk is taken past the capacity, and the read after it is held
    /// back (the `room` callback) until the reader has drained to half.
    @Test func anEventLoopProducerIsHeldBackUntilHalf() throws {
        let buffer = ChunkBuffer(capacity: 4 << 10)
        let calls = CallCounter()
        let room: @Sendable () -> Void = { calls.add() }
        for _ in 0..<3 {
            let taken = buffer.append(ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 10)), room: room)
            #expect(taken)
        }
        #expect(calls.count == 3, "below the capacity the next read may go ahead at once")
        let crossing = buffer.append(ByteBuffer(bytes: [UInt8](repeating: 0, count: 2 << 10)), room: room)
        #expect(crossing)
        #expect(buffer.bufferedBytes == 5 << 10, "the chunk that crosses the capacity is kept, not dropped")
        #expect(calls.count == 3, "past the capacity the next read waits")
        _ = try buffer.pop()
        _ = try buffer.pop()
        #expect(calls.count == 3, "3 KiB left of 4: not yet at half")
        _ = try buffer.pop()
        #expect(calls.count == 4, "at half the read may go on")
        buffer.close()
        let afterClose = buffer.append(ByteBuffer(bytes: [1]), room: room)
        #expect(!afterClose, "a closed buffer refuses chunks")
    }

    /// A reader waiting on an empty buffer is woken once `wakeBytes` have arrived, not by every chunk (each wake-up
    /// made it preempt the event loop); the end of the stream wakes it with less.
    @Test func aWaitingReaderWakesInBatches() async throws {
        let buffer = ChunkBuffer(capacity: 64 << 10, wakeBytes: 16 << 10)
        let first = try await startPop(buffer)
        _ = buffer.append(ByteBuffer(bytes: [UInt8](repeating: 1, count: 1 << 10)), room: {})
        try await Task.sleep(for: .milliseconds(50))
        #expect(first.value == nil && buffer.readerIsWaiting, "1 KiB of 16 must not wake the reader")
        _ = buffer.append(ByteBuffer(bytes: [UInt8](repeating: 2, count: 15 << 10)), room: {})
        #expect(try await first.wait() == 1 << 10, "at 16 KiB the reader takes the first chunk")

        let last = try await startPop(buffer)
        #expect(try await last.wait() == 15 << 10, "what is already buffered is taken without waiting")
        let end = try await startPop(buffer)
        _ = buffer.append(ByteBuffer(bytes: [3]), room: {})
        buffer.finish(nil)
        #expect(try await end.wait() == 1, "the end of the stream wakes the reader with less than 16 KiB")
    }

    /// What one `pop` on a thread of its own returned: the chunk's size, -1 at the end.
    final class PoppedSize: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Int?
        func set(_ size: Int) { lock.withLock { result = size } }
        var value: Int? { lock.withLock { result } }
        func wait() async throws -> Int? {
            for _ in 0..<2000 where value == nil { try await Task.sleep(for: .milliseconds(5)) }
            return value
        }
    }

    /// Starts a blocking `pop` on a thread (never on the pool) and returns once it is waiting or has returned.
    func startPop(_ buffer: ChunkBuffer) async throws -> PoppedSize {
        let popped = PoppedSize()
        Thread { popped.set((try? buffer.pop())?.readableBytes ?? -1) }.start()
        for _ in 0..<2000 where popped.value == nil && !buffer.readerIsWaiting { try await Task.sleep(for: .milliseconds(1)) }
        return popped
    }

    final class CallCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    @Test func closingWakesAParkedProducer() async {
        let buffer = ChunkBuffer(capacity: 1 << 10)
        #expect(await buffer.push(ByteBuffer(bytes: [UInt8](repeating: 1, count: 1 << 10))))
        let parked = Task { await buffer.push(ByteBuffer(bytes: [2])) }
        try? await Task.sleep(for: .milliseconds(50))
        buffer.close()
        #expect(await parked.value == false, "a closed buffer refuses the chunk instead of leaving the producer parked")
    }
}
