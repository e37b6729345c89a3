/// Why a registry operation failed; messages name the registry, repository and what to do.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// 401/403 after authenticating, or no credentials where they are needed.
        case unauthorized
        /// The repository, tag, manifest or blob does not exist (404).
        case notFound
        /// TLS handshake or certificate verification failed.
        case tls
        /// Connection refused, reset, timed out, or the registry kept failing after retries.
        case unreachable
        /// The bytes received do not hash to the digest asked for or announced.
        case digestMismatch
        /// A manifest the client does not read (schema 1, unknown media type) or a malformed answer.
        case unsupported
        case invalidResponse
        /// The registry refused an upload or a manifest.
        case rejected
        case io
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
