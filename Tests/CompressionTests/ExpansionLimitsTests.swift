import Testing
import Compression
import MoatTesting

@Suite("ExpansionLimits")
struct ExpansionLimitsTests {
    func code(_ limits: ExpansionLimits, consumed: Int64, produced: Int64) -> CompressionError.Code? {
        compressionError { try limits.check(consumed: consumed, produced: produced) }?.code
    }

    @Test("defaults: 32 GiB per layer, ratio 250 after 64 MiB")
    func defaults() {
        let limits = ExpansionLimits.default
        #expect(limits.maxLayerBytes == 32 << 30)
        #expect(limits.maxRatio == 250)
        #expect(limits.ratioGraceBytes == 64 << 20)
        #expect(limits == ExpansionLimits())
    }

    @Test("the total cap trips only above maxLayerBytes")
    func totalCap() {
        let limits = ExpansionLimits(maxLayerBytes: 1_000, maxRatio: 1e12, ratioGraceBytes: 0)
        #expect(code(limits, consumed: 1_000, produced: 1_000) == nil)
        #expect(code(limits, consumed: 1_000, produced: 1_001) == .expansionLimit)
        #expect(code(limits, consumed: 1_000_000, produced: 1_001) == .expansionLimit, "the cap holds whatever the ratio")
        let error = compressionError { try limits.check(consumed: 10, produced: 5_000) }
        #expect(error?.detail.contains("--max-layer-size") == true)
        #expect(error?.detail.contains("1000") == true)
    }

    @Test("the ratio is checked only above the grace bytes")
    func ratioAndGrace() {
        let limits = ExpansionLimits(maxLayerBytes: .max, maxRatio: 100, ratioGraceBytes: 1_000_000)
        // Within grace: any ratio goes.
        #expect(code(limits, consumed: 1, produced: 1_000_000) == nil)
        // Beyond grace: ratio 100 is allowed, above it is not.
        #expect(code(limits, consumed: 20_000, produced: 2_000_000) == nil)
        #expect(code(limits, consumed: 19_999, produced: 2_000_000) == .expansionLimit)
        #expect(code(limits, consumed: 1, produced: 1_000_001) == .expansionLimit)
        let error = compressionError { try limits.check(consumed: 1, produced: 2_000_000) }
        #expect(error?.detail.contains("100x") == true)
        #expect(error?.detail.contains("--max-expansion-ratio") == true)
    }

    @Test("nothing consumed yet never trips the ratio")
    func zeroConsumed() {
        let limits = ExpansionLimits(maxLayerBytes: .max, maxRatio: 2, ratioGraceBytes: 0)
        #expect(code(limits, consumed: 0, produced: 1 << 40) == nil)
    }

    /// Drives a decompressor the way `LayerPipeline` does: compressed bytes counted on arrival, output checked as it comes.
    /// Returns the error that stopped it (if any) and how many bytes had been produced by then.
    func drive(_ decompressor: any Decompressor, _ input: [UInt8], limits: ExpansionLimits, chunkSize: Int) -> (CompressionError?, Int64) {
        var consumed: Int64 = 0
        var produced: Int64 = 0
        let error = compressionError {
            try input.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let end = min(start + chunkSize, all.count)
                    consumed += Int64(end - start)
                    try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[start..<end])) { plain in
                        produced += Int64(plain.count)
                        try limits.check(consumed: consumed, produced: produced)
                    }
                    start = end
                }
            }
            try decompressor.finish()
        }
        return (error, produced)
    }

    static let zeros = [UInt8](repeating: 0, count: 20 << 20)
    static let bomb = TestCompression.gzip(zeros, level: 9)
    static let zstdBomb = TestCompression.zstd(zeros, level: 19)

    @Test("a gzip bomb is stopped by the ratio soon after the grace bytes", arguments: GzipBackend.allCases, [4_096, 1 << 20])
    func gzipBombRatio(_ backend: GzipBackend, _ chunkSize: Int) throws {
        #expect(Self.bomb.count < 100_000, "20 MB of zeros gzip to \(Self.bomb.count) bytes")
        let limits = ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)
        let (error, produced) = drive(try backend.make(), Self.bomb, limits: limits, chunkSize: chunkSize)
        #expect(error?.code == .expansionLimit)
        #expect(produced > 1 << 20, "not before the grace bytes")
        #expect(produced <= (1 << 20) + (512 << 10), "stopped within one or two output buffers of the grace, at \(produced)")
    }

    @Test("a gzip bomb is stopped by the total cap", arguments: GzipBackend.allCases)
    func gzipBombTotal(_ backend: GzipBackend) throws {
        let limits = ExpansionLimits(maxLayerBytes: 5 << 20, maxRatio: 1e9, ratioGraceBytes: 1 << 20)
        let (error, produced) = drive(try backend.make(), Self.bomb, limits: limits, chunkSize: 64 << 10)
        #expect(error?.code == .expansionLimit)
        #expect(error?.detail.contains("--max-layer-size") == true)
        #expect(produced > 5 << 20)
        #expect(produced <= (5 << 20) + (256 << 10))
    }

    @Test("a zstd bomb is stopped the same way")
    func zstdBomb() throws {
        #expect(Self.zstdBomb.count < 10_000)
        let limits = ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)
        let (error, produced) = drive(try ZstdDecompressor(), Self.zstdBomb, limits: limits, chunkSize: 4_096)
        #expect(error?.code == .expansionLimit)
        #expect(produced < 2 << 20)
    }

    @Test("ordinary data passes the same limits", arguments: GzipBackend.allCases)
    func ordinaryDataPasses(_ backend: GzipBackend) throws {
        let payload = mixedData(4 << 20)
        let limits = ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)
        let (error, produced) = drive(try backend.make(), TestCompression.gzip(payload), limits: limits, chunkSize: 64 << 10)
        #expect(error == nil)
        #expect(produced == Int64(payload.count))
    }

    @Test("without limits the bomb decompresses in full")
    func bombWithoutLimits() throws {
        let limits = ExpansionLimits(maxLayerBytes: .max, maxRatio: .infinity, ratioGraceBytes: 0)
        let (error, produced) = drive(try GzipDecompressor(), Self.bomb, limits: limits, chunkSize: 1 << 20)
        #expect(error == nil)
        #expect(produced == Int64(Self.zeros.count))
    }
}
