import CMoatInflate

/// A streaming inflater for raw deflate (zip entries) or zlib-wrapped data (`.dep-v0` sections), over the system zlib.
///
/// Not thread-safe: each instance belongs to exactly one reader, which uses it from one task at a time. It is
/// `@unchecked Sendable` only so that the value types holding it (zip readers inside a `ContentVisitor`) can be
/// `Sendable`; copies of such a value share the same inflater and must not be used side by side.
final class ZipInflater: @unchecked Sendable {
    enum Format { case raw, zlib }

    enum Status: Equatable {
        /// Progress was made or none was possible: feed more input or make more room.
        case progressing
        /// The deflate stream ended within the input given.
        case streamEnd
        case corrupt
    }

    private let stream: OpaquePointer
    /// Output space handed to zlib on each call; its contents are valid until the next call.
    private let output: UnsafeMutableRawBufferPointer

    /// Size of the output window each `inflate` call fills at most.
    static let outputWindow = 64 << 10

    init?(_ format: Format) {
        guard let stream = moat_zlib_create(format == .raw ? Int32(MOAT_ZLIB_FORMAT_RAW.rawValue) : Int32(MOAT_ZLIB_FORMAT_ZLIB.rawValue))
        else { return nil }
        self.stream = stream
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.outputWindow, alignment: 16)
    }

    deinit {
        moat_zlib_destroy(stream)
        output.deallocate()
    }

    /// Starts a new stream of the same format.
    func reset() {
        _ = moat_zlib_reset(stream)
    }

    /// Total bytes inflated since creation or the last reset.
    var totalOut: UInt64 { moat_zlib_total_out(stream) }

    /// Inflates from `input` into the internal window and hands what was produced to `body` (valid only during the call).
    /// Returns how much input was consumed and the stream status.
    func inflate(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> (consumed: Int, produced: Int, status: Status) {
        var used = 0
        var produced = 0
        let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let rc = moat_zlib_inflate(stream, base, input.count, &used, output.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                   output.count, &produced)
        if produced > 0 { body(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
        switch rc {
        case Int32(MOAT_ZLIB_STREAM_END.rawValue): return (used, produced, .streamEnd)
        case Int32(MOAT_ZLIB_OK.rawValue): return (used, produced, .progressing)
        default: return (used, produced, .corrupt)
        }
    }

    /// Inflates a whole zlib or raw deflate buffer, refusing to produce more than `limit` bytes.
    static func inflateAll(_ input: some Collection<UInt8>, format: Format, limit: Int) -> Result<[UInt8], ZipInflateError> {
        guard let inflater = ZipInflater(format) else { return .failure(.outOfMemory) }
        let bytes = Array(input)
        var out: [UInt8] = []
        var over = false
        let outcome: Result<[UInt8], ZipInflateError> = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while true {
                let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                let (used, produced, status) = inflater.inflate(rest) { chunk in
                    if out.count + chunk.count > limit { over = true; return }
                    out.append(contentsOf: chunk)
                }
                offset += used
                if over { return .failure(.tooLarge(limit: limit)) }
                switch status {
                case .streamEnd: return .success(out)
                case .corrupt: return .failure(.corrupt)
                case .progressing:
                    // A call that neither consumed nor produced has run out of input before the stream's end.
                    if used == 0 && produced == 0 { return .failure(.truncated) }
                }
            }
        }
        return outcome
    }
}

/// Why a whole-buffer inflate failed.
public enum ZipInflateError: Error, Sendable, Hashable, CustomStringConvertible {
    case corrupt
    case truncated
    case tooLarge(limit: Int)
    case outOfMemory

    public var description: String {
        switch self {
        case .corrupt: "compressed data is corrupt"
        case .truncated: "compressed data ends before the stream does"
        case .tooLarge(let limit): "inflates to more than \(limit) bytes"
        case .outOfMemory: "could not allocate an inflater"
        }
    }
}
