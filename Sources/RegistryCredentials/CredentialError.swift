/// The one error type of this module: a stable `code` for callers and tests, and a message for people that
/// names the file and field (or the helper) involved. Messages never contain a password, token or `auth` value.
///
/// Equality compares the code only, so tests can write `#expect(throws: CredentialError.malformed)`-style checks
/// with `error.code == .malformedFile`.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unreadableFile, malformedFile, limitExceeded, noPullSecret
            case helperNotFound, helperFailed, helperTimedOut, helperOutputInvalid, invalidHelperName
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A file is missing, unreadable, a directory, or larger than `CredentialLimits.maxFileBytes`.
        public static let unreadableFile = Code(.unreadableFile)
        /// A file is not valid JSON/YAML, or a field has the wrong type or an undecodable value.
        public static let malformedFile = Code(.malformedFile)
        /// A file nests too deeply or expands to too many values.
        public static let limitExceeded = Code(.limitExceeded)
        /// A Secrets file holds no Secret of type `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`.
        public static let noPullSecret = Code(.noPullSecret)
        /// `docker-credential-NAME` is not on the search path.
        public static let helperNotFound = Code(.helperNotFound)
        /// The helper exited unsuccessfully (other than "credentials not found").
        public static let helperFailed = Code(.helperFailed)
        /// The helper did not finish within the timeout and was killed.
        public static let helperTimedOut = Code(.helperTimedOut)
        /// The helper's output was not the JSON Docker's protocol defines.
        public static let helperOutputInvalid = Code(.helperOutputInvalid)
        /// A `credsStore`/`credHelpers` value that cannot name an executable (`../x`, empty).
        public static let invalidHelperName = Code(.invalidHelperName)

        public var description: String { base.rawValue }
    }

    /// The kind of failure, stable for callers and tests.
    public let code: Code
    /// One line for people, e.g. `/home/me/.docker/config.json: auths["ghcr.io"].auth: not valid base64`.
    public let message: String

    /// An error with `code` and a message for people (which must not contain secrets).
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: CredentialError, rhs: CredentialError) -> Bool { lhs.code == rhs.code }

    static func from(_ failure: DocumentReader.Failure, file: String) -> CredentialError {
        switch failure {
        case .unreadable(let reason): return CredentialError(.unreadableFile, "\(file): \(reason)")
        case .syntax(let reason): return CredentialError(.malformedFile, "\(file): \(reason)")
        case .limit(let reason): return CredentialError(.limitExceeded, "\(file): \(reason)")
        }
    }
}
