import CMoatInflate
import CZstd

/// Compression for test fixtures (moat itself only decompresses).
public enum TestCompression {
    public static func gzip(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var length = 0
        guard let pointer = input.withUnsafeBufferPointer({ moat_gzip($0.baseAddress, $0.count, level, &length) }) else { return [] }
        defer { moat_free(pointer) }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    public static func zstd(_ input: [UInt8], level: Int32 = 3) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in ZSTD_compress(out.baseAddress, bound, inp.baseAddress, inp.count, level) }
        }
        guard ZSTD_isError(written) == 0 else { return [] }
        return Array(output.prefix(written))
    }
}
