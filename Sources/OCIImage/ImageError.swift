public import OCIModel

/// Why an image could not be opened or read; every message names the file, layer or path involved.
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case notFound, unrecognisedFormat, invalidMetadata, ambiguousImage, imageNotFound, platformNotFound
        case digestMismatch, diffIDMismatch, sizeMismatch, unsupported, corruptLayer, corruptArchive, io
    }
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ error: OCIModelError, in source: String) -> ImageError {
        ImageError(.invalidMetadata, "\(source): \(error.description)")
    }
}
