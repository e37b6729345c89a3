import CMoatInflate

/// gzip through ISA-L when libisal is installed (about 2.5x zlib's speed), else zlib. Handles multi-member streams.
public final class GzipDecompressor: Decompressor {
    private let inflater: OpaquePointer
    private var output: UnsafeMutableRawBufferPointer
    private var atMemberBoundary = false
    /// Set once non-gzip bytes followed a member: everything after is trailing padding, never a new member.
    private var inTrailer = false
    private var sawInput = false

    public init(allowISAL: Bool = true) throws(CompressionError) {
        guard let inflater = moat_inflater_create(allowISAL ? 1 : 0) else {
            throw CompressionError(.outOfMemory, "cannot allocate a gzip inflater")
        }
        self.inflater = inflater
        self.output = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit {
        moat_inflater_destroy(inflater)
        output.deallocate()
    }

    /// Whether this machine inflates with ISA-L.
    public static var usesISAL: Bool { moat_isal_available() != 0 }

    public func decompress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard var cursor = input.baseAddress else { return }
        var remaining = input.count
        if remaining > 0 { sawInput = true }
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            if atMemberBoundary {
                // Another gzip member may follow (pigz, concatenated files); anything else is padding we ignore.
                guard remaining > 0, !inTrailer else { return }
                guard cursor.load(as: UInt8.self) == 0x1f else {
                    inTrailer = true
                    return
                }
                guard moat_inflater_reset(inflater) == 0 else { throw CompressionError(.corrupt, "cannot restart gzip inflater") }
                atMemberBoundary = false
            }
            var used = 0
            var produced = 0
            let status = moat_inflate(inflater, cursor.assumingMemoryBound(to: UInt8.self), remaining, &used, out, output.count, &produced)
            if produced > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            cursor += used
            remaining -= used
            switch status {
            case Int32(MOAT_INFLATE_OK.rawValue):
                // Stop when the input is used up and the inflater had room to spare (nothing pending), or when stuck.
                if (remaining == 0 && produced < output.count) || (used == 0 && produced == 0) { return }
            case Int32(MOAT_INFLATE_MEMBER_END.rawValue):
                atMemberBoundary = true
            case Int32(MOAT_INFLATE_CHECKSUM.rawValue):
                throw CompressionError(.checksum, "gzip checksum mismatch: the data is corrupt")
            case Int32(MOAT_INFLATE_NOMEM.rawValue):
                throw CompressionError(.outOfMemory, "out of memory while inflating gzip")
            default:
                throw CompressionError(.corrupt, "corrupt gzip data (invalid deflate stream or header)")
            }
        }
    }

    public func finish() throws {
        guard atMemberBoundary else {
            throw CompressionError(.truncated, sawInput ? "gzip stream is truncated (ends before its trailer)" : "gzip stream is empty")
        }
    }
}
