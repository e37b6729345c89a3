import Testing
import Compression
import MoatTesting

@Suite("ZstdDecompressor")
struct ZstdDecompressorTests {
    static let payload = mixedData(700_000)
    static let compressed = TestCompression.zstd(payload)

    @Test("round trip in assorted chunk sizes", arguments: [1, 7, 512, 4_096, 65_536, 1 << 22])
    func roundTrip(_ chunkSize: Int) throws {
        #expect(Self.compressed.count > 1_000)
        #expect(Self.compressed.count < Self.payload.count)
        let input = chunkSize == 1 ? TestCompression.zstd(mixedData(120_000)) : Self.compressed
        let expected = chunkSize == 1 ? mixedData(120_000) : Self.payload
        let output = try decompressAll(try ZstdDecompressor(), input, chunkSize: chunkSize)
        #expect(output == expected)
    }

    @Test("outputs of exactly the internal buffer size and its multiples", arguments: [0, 1, 262_143, 262_144, 262_145, 524_288, 1_048_576])
    func bufferBoundaries(_ size: Int) throws {
        let payload = sampleText(size)
        for chunk in [1_000, 1 << 22] {
            let output = try decompressAll(try ZstdDecompressor(), TestCompression.zstd(payload), chunkSize: chunk)
            #expect(output == payload, "\(size) bytes, chunks of \(chunk)")
        }
    }

    @Test("incompressible data whose size is a multiple of the output buffer")
    func incompressibleBoundary() throws {
        let payload = noise(262_144 * 2)
        #expect(try decompressAll(try ZstdDecompressor(), TestCompression.zstd(payload)) == payload)
    }

    @Test("concatenated frames decode to the concatenated contents", arguments: [1, 100, 1 << 20])
    func multiFrame(_ chunkSize: Int) throws {
        let first = sampleText(20_000)
        let second = noise(10_000)
        let stream = TestCompression.zstd(first) + TestCompression.zstd(second)
        #expect(try decompressAll(try ZstdDecompressor(), stream, chunkSize: chunkSize) == first + second)
    }

    @Test("a truncated frame is .truncated on finish")
    func truncated() throws {
        let stream = Self.compressed
        for cut in [1, 4, 10, stream.count / 2, stream.count - 1] {
            let decompressor = try ZstdDecompressor()
            _ = try decompressAll(decompressor, Array(stream.prefix(cut)), chunkSize: 4_096, finish: false)
            let error = compressionError { try decompressor.finish() }
            #expect(error?.code == .truncated, "cut at \(cut) of \(stream.count)")
        }
    }

    @Test("a complete frame followed by a partial one is .truncated")
    func truncatedSecondFrame() throws {
        let second = TestCompression.zstd(sampleText(5_000))
        let stream = TestCompression.zstd(sampleText(5_000)) + second.prefix(second.count / 2)
        #expect(compressionError { _ = try decompressAll(try ZstdDecompressor(), stream) }?.code == .truncated)
    }

    @Test("garbage is .corrupt")
    func garbage() throws {
        for input in [Array("definitely not zstd".utf8), noise(10_000)] {
            let error = compressionError { _ = try decompressAll(try ZstdDecompressor(), input) }
            #expect(error?.code == .corrupt)
            #expect(error?.detail.hasPrefix("corrupt zstd data") == true)
        }
    }

    @Test("damage inside a frame is detected")
    func damagedFrame() throws {
        var stream = TestCompression.zstd(sampleText(100_000))
        stream[stream.count / 2] ^= 0xff
        stream[stream.count / 2 + 1] ^= 0x5a
        let error = compressionError { _ = try decompressAll(try ZstdDecompressor(), stream, chunkSize: 4_096) }
        #expect(error?.code == .corrupt || error?.code == .truncated)
    }

    @Test("trailing garbage after a complete frame is .corrupt")
    func trailingGarbage() throws {
        let stream = TestCompression.zstd(sampleText(1_000)) + Array("junk after the frame".utf8)
        #expect(compressionError { _ = try decompressAll(try ZstdDecompressor(), stream) }?.code == .corrupt)
    }

    @Test("empty input is .truncated on finish")
    func emptyInput() throws {
        let decompressor = try ZstdDecompressor()
        try decompressor.decompress(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in Issue.record("no output expected") }
        let error = compressionError { try decompressor.finish() }
        #expect(error?.code == .truncated)
        #expect(error?.detail.contains("empty") == true)
    }
}
