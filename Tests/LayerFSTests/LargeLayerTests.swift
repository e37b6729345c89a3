import Testing
import Foundation
import LayerFS

/// Writes ustar headers for empty regular files named `f0000000`, `f0000001`, … one block at a time,
/// so a stream of any length can be fed without ever existing in memory as a whole.
struct SyntheticHeaderStream {
    private var template = [UInt8](repeating: 0, count: 512)
    private var baseChecksum = 0
    private static let digits = 7

    init() {
        func put(_ text: String, _ offset: Int) {
            for (i, byte) in text.utf8.enumerated() { template[offset + i] = byte }
        }
        put("f" + String(repeating: "0", count: Self.digits), 0)
        put("0000644", 100)
        put("0000000", 108)
        put("0000000", 116)
        put("00000000000", 124)
        put("14400000000", 136)
        template[156] = UInt8(ascii: "0")
        put("ustar", 257)
        put("00", 263)
        for i in 148..<156 { template[i] = 0x20 }
        baseChecksum = template.reduce(0) { $0 + Int($1) }
    }

    /// Writes the header of entry `number` into `block` (512 bytes).
    func write(_ number: Int, into block: UnsafeMutableRawBufferPointer) {
        template.withUnsafeBytes { block.copyMemory(from: $0) }
        var value = number
        var digitSum = 0
        for position in stride(from: Self.digits, through: 1, by: -1) {
            let digit = value % 10
            value /= 10
            block[position] = UInt8(ascii: "0") + UInt8(digit)
            digitSum += digit
        }
        var checksum = baseChecksum + digitSum
        for position in stride(from: 153, through: 148, by: -1) {
            block[position] = UInt8(ascii: "0") + UInt8(checksum & 7)
            checksum >>= 3
        }
        block[154] = 0
        block[155] = 0x20
    }

    static func name(_ number: Int) -> String {
        let text = String(number)
        return "f" + String(repeating: "0", count: digits - text.count) + text
    }
}

@Suite("Large layers")
struct LargeLayerTests {
    @Test("the synthetic header writer produces headers TarStreamParser accepts")
    func syntheticHeadersAreValid() throws {
        let stream = SyntheticHeaderStream()
        var bytes = [UInt8](repeating: 0, count: 512 * 3 + 1024)
        bytes.withUnsafeMutableBytes { buffer in
            for i in 0..<3 { stream.write([0, 7, 1_234_567][i], into: UnsafeMutableRawBufferPointer(rebasing: buffer[(i * 512)..<((i + 1) * 512)])) }
        }
        let handler = try parse(bytes)
        #expect(handler.paths == ["f0000000", "f0000007", "f1234567"])
        #expect(handler.delivered.allSatisfy { $0.entry.kind == .regular && $0.entry.size == 0 && $0.entry.mode == 0o644 })
    }

    /// How many members `millionEntries` generates. 10^6 costs 7-10 s in a debug build on the shared 2-core
    /// machine (about 7.5 µs per header, nearly all of it in the unoptimised parser), more than a unit test should;
    /// debug builds therefore use 200,000 (1.5-2 s). Release builds, or MOAT_LARGE_LAYER_ENTRIES, run the full size.
    static var entryCount: Int {
        if let text = ProcessInfo.processInfo.environment["MOAT_LARGE_LAYER_ENTRIES"], let count = Int(text), count > 0 { return count }
        #if DEBUG
        return 200_000
        #else
        return 1_000_000
        #endif
    }

    /// 10^6 members (see `entryCount`), generated and fed in 128 KiB batches: the stream itself would be 512 MB.
    @Test("a layer of 10^6 entries is indexed in bounded memory")
    func millionEntries() throws {
        let count = Self.entryCount
        let batch = 256
        let stream = SyntheticHeaderStream()
        var buffer = [UInt8](repeating: 0, count: 512 * batch)
        var parser = TarStreamParser()
        var indexer = LayerIndexer(visitor: NoContent())
        let clock = ContinuousClock()
        let start = clock.now
        var next = 0
        var fed: Int64 = 0
        while next < count {
            let inBatch = min(batch, count - next)
            try buffer.withUnsafeMutableBytes { raw in
                for i in 0..<inBatch {
                    stream.write(next + i, into: UnsafeMutableRawBufferPointer(rebasing: raw[(i * 512)..<((i + 1) * 512)]))
                }
                try parser.feed(UnsafeRawBufferPointer(rebasing: raw[0..<(inBatch * 512)]), to: &indexer)
            }
            fed += Int64(inBatch * 512)
            next += inBatch
        }
        let end = [UInt8](repeating: 0, count: 1024)
        try end.withUnsafeBytes { try parser.feed($0, to: &indexer) }
        try parser.finish()
        indexer.finish(tarBytes: fed + 1024)
        let elapsed = clock.now - start

        #expect(parser.isFinished)
        #expect(indexer.index.files.count == count)
        #expect(indexer.index.anomalies.isEmpty)
        #expect(indexer.index.tarBytes == Int64(count) * 512 + 1024)
        #expect(indexer.index.files.first?.path == "f0000000")
        #expect(indexer.index.files.last?.path == SyntheticHeaderStream.name(count - 1))
        print("LargeLayerTests.millionEntries: indexed \(count) entries in \(elapsed)")
        #expect(elapsed < .seconds(120), "10^6 entries took \(elapsed)")
    }

    @Test("the entry limit trips on a generated stream before it is all read")
    func entryLimitOnGeneratedStream() throws {
        let stream = SyntheticHeaderStream()
        var parser = TarStreamParser(limits: TarLimits(maxEntries: 1_000))
        var indexer = LayerIndexer(visitor: NoContent())
        var block = [UInt8](repeating: 0, count: 512)
        var thrown: TarError?
        for i in 0..<2_000 {
            do {
                try block.withUnsafeMutableBytes { raw in
                    stream.write(i, into: raw)
                    try parser.feed(UnsafeRawBufferPointer(raw), to: &indexer)
                }
            } catch let error as TarError {
                thrown = error
                break
            }
        }
        #expect(thrown?.code == .tooManyEntries)
        #expect(thrown?.offset == Int64(1_000 * 512))
        #expect(indexer.index.files.count == 1_000)
    }
}
