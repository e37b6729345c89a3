/// Why signing or verifying failed; messages name the image, the signature and what to do.
public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// A payload that is not cosign's simple-signing JSON or an in-toto statement moat reads.
        case invalidPayload
        /// A signature manifest, layer or bundle that is malformed.
        case invalidSignature
        /// The image, its signatures or a blob could not be found.
        case notFound
        /// Arguments that do not fit together (a layout without a name to sign it as).
        case usage
        /// The store refused to hold more (cosign's 1000-layer cap).
        case limit
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
