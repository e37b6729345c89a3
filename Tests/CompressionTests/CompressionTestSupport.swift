import Compression
import MoatTesting

/// Feeds `input` to `decompressor` in pieces of `chunkSize` (whole when nil), then finishes; returns the output.
func decompressAll(_ decompressor: any Decompressor, _ input: [UInt8], chunkSize: Int? = nil, finish: Bool = true) throws -> [UInt8] {
    var output: [UInt8] = []
    let step = max(1, chunkSize ?? max(input.count, 1))
    try input.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
            let end = min(start + step, all.count)
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[start..<end])) { output.append(contentsOf: $0) }
            start = end
        }
    }
    if finish { try decompressor.finish() }
    return output
}

/// Runs `body` and returns the `CompressionError` it threw, or nil.
func compressionError(_ body: () throws -> Void) -> CompressionError? {
    do {
        try body()
        return nil
    } catch let error as CompressionError {
        return error
    } catch {
        return nil
    }
}

/// Deterministic pseudo-random bytes (incompressible).
func noise(_ count: Int, seed: UInt64 = 0x2545_F491_4F6C_DD1D) -> [UInt8] {
    pseudoRandomBytes(count, seed: seed)
}

/// Text-like, compressible data with some variety.
func sampleText(_ count: Int) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(count + 64)
    var line = 0
    while out.count < count {
        out += Array("line \(line): the quick brown fox jumps over the lazy dog \(line * 7919 % 1000)\n".utf8)
        line += 1
    }
    return Array(out.prefix(count))
}

/// Half compressible, half noise: exercises both literal runs and long matches.
func mixedData(_ count: Int) -> [UInt8] {
    let half = count / 2
    return sampleText(half) + noise(count - half)
}
