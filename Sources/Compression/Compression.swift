/// The compressions a layer blob may use.
public enum CompressionKind: String, Sendable, Codable, CaseIterable {
    case none
    case gzip
    case zstd

    /// Decides from the first bytes of a blob, as ggcr's `partial` does; media types lie more often than magic numbers.
    public static func sniff<C: Collection>(_ prefix: C) -> CompressionKind where C.Element == UInt8 {
        let bytes = Array(prefix.prefix(4))
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { return .gzip }
        if bytes.count >= 4, bytes == [0x28, 0xb5, 0x2f, 0xfd] { return .zstd }
        return .none
    }

    public func makeDecompressor() throws(CompressionError) -> any Decompressor {
        switch self {
        case .none: PassthroughDecompressor()
        case .gzip: try GzipDecompressor()
        case .zstd: try ZstdDecompressor()
        }
    }
}

/// Turns a compressed byte stream into plain bytes, a chunk at a time, in bounded memory.
public protocol Decompressor: AnyObject {
    /// Feeds compressed bytes; `emit` receives decompressed chunks (valid only during the call).
    func decompress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Declares the input complete; throws when the stream was cut short.
    func finish() throws
}

public struct CompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case corrupt, checksum, truncated, outOfMemory, expansionLimit, unavailable
    }
    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }
}

final class PassthroughDecompressor: Decompressor {
    func decompress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if !input.isEmpty { try emit(input) }
    }
    func finish() throws {}
}
