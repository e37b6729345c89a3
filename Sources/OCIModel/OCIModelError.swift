/// Errors raised while decoding OCI and Docker image metadata.
public enum OCIModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidDigest(String, reason: String)
    case invalidPlatform(String)
    case invalidJSON(what: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDigest(let text, let reason):
            "invalid digest \"\(text.prefix(100))\": \(reason)"
        case .invalidPlatform(let text):
            "invalid platform \"\(text.prefix(100))\": expected OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8"
        case .invalidJSON(let what, let reason):
            "\(what) is not valid: \(reason)"
        }
    }
}
