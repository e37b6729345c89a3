import CZstd

/// zstd through the system libzstd (Debian `libzstd-dev`); the window is capped so a hostile frame cannot demand gigabytes.
public final class ZstdDecompressor: Decompressor {
    private let stream: OpaquePointer
    private var output: UnsafeMutableRawBufferPointer
    private var frameComplete = true
    private var sawInput = false

    public init() throws(CompressionError) {
        guard let stream = ZSTD_createDStream() else {
            throw CompressionError(.outOfMemory, "cannot allocate a zstd decoder")
        }
        self.stream = stream
        ZSTD_initDStream(stream)
        // 2^27 = 128 MiB is zstd's own default ceiling; we state it so a future default change cannot raise it.
        ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27)
        self.output = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(stream)
        output.deallocate()
    }

    public func decompress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        sawInput = true
        var inBuffer = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        repeat {
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 {
                let name = String(cString: ZSTD_getErrorName(result))
                throw CompressionError(.corrupt, "corrupt zstd data: \(name)")
            }
            frameComplete = result == 0
            if outBuffer.pos > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])) }
            // Done when the input is used up and nothing is pending: either the output had room to spare or the
            // frame just ended (calling again would start reading a next frame header and report it incomplete).
            if inBuffer.pos == inBuffer.size && (outBuffer.pos < outBuffer.size || result == 0) { break }
        } while true
    }

    public func finish() throws {
        guard sawInput else { throw CompressionError(.truncated, "zstd stream is empty") }
        guard frameComplete else { throw CompressionError(.truncated, "zstd stream is truncated (frame not complete)") }
    }
}
