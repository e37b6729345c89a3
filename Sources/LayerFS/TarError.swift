/// A tar stream that cannot be read further; `offset` is where in the uncompressed stream it went wrong.
public struct TarError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case badChecksum, badNumber, truncated, oversizedExtension, badPax, tooManyEntries
    }
    public let code: Code
    public let offset: Int64
    public let detail: String

    public init(_ code: Code, offset: Int64, _ detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String { "\(detail) (at byte \(offset) of the tar stream)" }
}
