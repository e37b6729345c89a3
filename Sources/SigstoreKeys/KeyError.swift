/// The one error type of this module: a stable `code` for callers and tests, and a message for people that says
/// what was wrong and what to do. Messages never contain a password or key material.
///
/// Equality compares the code only, so tests can write `#expect(throws: KeyError(.wrongPassword, ""))`-style checks
/// or compare `error.code`.
public struct KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case malformedPEM, malformedKey, unsupportedKey, refusedParameters, wrongPassword, authenticationFailed
            case invalidArgument, passwordUnavailable, passwordMismatch, fileExists, fileSystem, signingFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not PEM, a block is unterminated or not base64, the input is too large, or the expected
        /// block type is absent.
        public static let malformedPEM = Code(.malformedPEM)
        /// The DER or the cosign JSON envelope inside a block is not what its type promises.
        public static let malformedKey = Code(.malformedKey)
        /// A well-formed key of an algorithm, curve or size moat does not accept for this use.
        public static let unsupportedKey = Code(.unsupportedKey)
        /// An encrypted key names a KDF, cipher or scrypt parameters outside the accepted set (a DoS guard).
        public static let refusedParameters = Code(.refusedParameters)
        /// An encrypted key file did not decrypt: the password is wrong or the file is corrupted.
        public static let wrongPassword = Code(.wrongPassword)
        /// `SecretBox.open` found a box whose tag does not match.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A caller passed a value of the wrong size (a secretbox key or nonce).
        public static let invalidArgument = Code(.invalidArgument)
        /// No password in the environment and no terminal to ask on.
        public static let passwordUnavailable = Code(.passwordUnavailable)
        /// The password and its confirmation differ.
        public static let passwordMismatch = Code(.passwordMismatch)
        /// A key file already exists and overwriting was not requested.
        public static let fileExists = Code(.fileExists)
        /// Creating, writing or renaming a key file failed.
        public static let fileSystem = Code(.fileSystem)
        /// The signature could not be produced.
        public static let signingFailed = Code(.signingFailed)

        public var description: String { base.rawValue }
    }

    /// The kind of failure, stable for callers and tests.
    public let code: Code
    /// One line for people, e.g. `encrypted key: wrong password or corrupted key …`.
    public let message: String

    /// An error with `code` and a message for people (which must not contain secrets).
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: KeyError, rhs: KeyError) -> Bool { lhs.code == rhs.code }
}
