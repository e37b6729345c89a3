/// The one error type of this module: a stable `code` for callers and tests, and a message for people that says
/// what was wrong and, where there is something to do, what to do.
///
/// Every throwing function of the module throws only `TrustError`. Equality compares the code only, so tests can
/// write `#expect(throws: TrustError(.identityMismatch, ""))` or compare `error.code`.
public struct TrustError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unreadableFile, malformedTrustedRoot, malformedBundle, malformedEntry, unsupportedEntry
            case unsupportedKey, unknownLog, logKeyNotValid, invalidSignedEntryTimestamp
            case malformedCertificate, unhandledCriticalExtension, certificateNotValidAtTime, notCodeSigning
            case noTrustedAuthority, untrustedChain, missingIdentity, identityMismatch, missingIssuer
            case issuerMismatch, invalidPattern
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A trust file is missing, unreadable, a directory, or too large.
        public static let unreadableFile = Code(.unreadableFile)
        /// A trust file is neither a valid `trusted_root.json` nor PEM certificates / public keys.
        public static let malformedTrustedRoot = Code(.malformedTrustedRoot)
        /// The `dev.sigstore.cosign/bundle` annotation (or a v0.3 bundle's fields) is not what cosign writes.
        public static let malformedBundle = Code(.malformedBundle)
        /// The Rekor entry body, whose SET verified, is not a well-formed `hashedrekord` entry.
        public static let malformedEntry = Code(.malformedEntry)
        /// The Rekor entry is of a kind or version other than `hashedrekord` 0.0.1.
        public static let unsupportedEntry = Code(.unsupportedEntry)
        /// A Rekor public key is of an algorithm that cannot sign SETs here (only ECDSA and Ed25519 can).
        public static let unsupportedKey = Code(.unsupportedKey)
        /// No trusted Rekor key has the entry's log ID.
        public static let unknownLog = Code(.unknownLog)
        /// The entry's integrated time lies outside the trusted Rekor key's validity window.
        public static let logKeyNotValid = Code(.logKeyNotValid)
        /// The signed entry timestamp does not verify: the entry was altered or signed by another key.
        public static let invalidSignedEntryTimestamp = Code(.invalidSignedEntryTimestamp)
        /// A certificate (leaf or chain) is not PEM or not a valid X.509 certificate.
        public static let malformedCertificate = Code(.malformedCertificate)
        /// The leaf certificate has a critical extension this verifier does not understand.
        public static let unhandledCriticalExtension = Code(.unhandledCriticalExtension)
        /// The leaf certificate was not valid (expired or not yet valid) at the verification time.
        public static let certificateNotValidAtTime = Code(.certificateNotValidAtTime)
        /// The leaf certificate lacks the code-signing extended key usage, or a CA in its chain excludes it.
        public static let notCodeSigning = Code(.notCodeSigning)
        /// The trusted root holds no CA certificate usable at the verification time.
        public static let noTrustedAuthority = Code(.noTrustedAuthority)
        /// No chain leads from the leaf certificate to a trusted root CA at the verification time.
        public static let untrustedChain = Code(.untrustedChain)
        /// The certificate has no Subject Alternative Name, so it names no signer.
        public static let missingIdentity = Code(.missingIdentity)
        /// No Subject Alternative Name matches `--certificate-identity` / `--certificate-identity-regexp`.
        public static let identityMismatch = Code(.identityMismatch)
        /// The certificate has no Fulcio OIDC issuer extension but an issuer was required.
        public static let missingIssuer = Code(.missingIssuer)
        /// The OIDC issuer does not match `--certificate-oidc-issuer` / `--certificate-oidc-issuer-regexp`.
        public static let issuerMismatch = Code(.issuerMismatch)
        /// A `-regexp` option is not a valid regular expression.
        public static let invalidPattern = Code(.invalidPattern)

        public var description: String { base.rawValue }
    }

    /// The kind of failure, stable for callers and tests.
    public let code: Code
    /// One line (or a few) for people, e.g. `the certificate's identity alice@example.com does not match
    /// --certificate-identity bob@example.com`.
    public let message: String

    /// An error with `code` and a message for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: TrustError, rhs: TrustError) -> Bool { lhs.code == rhs.code }
}
