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
