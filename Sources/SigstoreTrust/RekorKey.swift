import Crypto
public import Foundation
import SwiftASN1
import X509

/// A trusted Rekor (transparency log) public key, the key that signs signed entry timestamps.
///
/// A log is named by its log ID: the lower-case hex SHA-256 of the key's DER `SubjectPublicKeyInfo`, which is what
/// Rekor puts in every entry's `logID`. Several keys may be trusted at once (Rekor's key was rotated, or a private
/// Rekor runs next to the public one); ``SignedEntryTimestamp`` picks the one whose ID the entry names.
///
/// ECDSA keys (P-256, as Rekor uses, and P-384 / P-521) verify SETs over SHA-256; Ed25519 keys verify the message
/// itself. RSA keys are refused with ``TrustError/Code/unsupportedKey``.
public struct RekorKey: Sendable, Hashable, CustomStringConvertible {
    /// Lower-case hex SHA-256 of the DER `SubjectPublicKeyInfo` (or the `logId.keyId` a `trusted_root.json` gives).
    public let logID: String
    /// The key's DER `SubjectPublicKeyInfo`, as given.
    public let subjectPublicKeyInfoDER: Data
    /// The first moment entries signed by this key are accepted (`validFor.start` in a `trusted_root.json`).
    public var validFrom: Date?
    /// The last moment entries signed by this key are accepted (`validFor.end`); nil means open-ended.
    public var validUntil: Date?

    private let key: Certificate.PublicKey

    /// A key from its DER `SubjectPublicKeyInfo`; the log ID is the hex SHA-256 of exactly these bytes.
    /// - Throws: ``TrustError`` `.malformedTrustedRoot` when the bytes are not a public key, `.unsupportedKey` for RSA.
    public init(subjectPublicKeyInfoDER: Data, validFrom: Date? = nil, validUntil: Date? = nil) throws {
        try self.init(
            subjectPublicKeyInfoDER: subjectPublicKeyInfoDER,
            logID: Encoding.hex(SHA256.hash(data: subjectPublicKeyInfoDER)),
            validFrom: validFrom, validUntil: validUntil
        )
    }

    /// A key from a PEM `PUBLIC KEY` block (what `cosign` and Rekor's `/api/v1/log/publicKey` hand out).
    public init(pem: String) throws {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw TrustError(.malformedTrustedRoot, "the Rekor public key is not a PEM document: \(error)")
        }
        guard document.discriminator == "PUBLIC KEY" else {
            throw TrustError(
                .malformedTrustedRoot,
                "the Rekor public key is a PEM \(document.discriminator) block; expected a PUBLIC KEY block"
            )
        }
        try self.init(subjectPublicKeyInfoDER: Data(document.derBytes))
    }

    init(subjectPublicKeyInfoDER: Data, logID: String, validFrom: Date?, validUntil: Date?) throws {
        let parsed: Certificate.PublicKey
        do {
            parsed = try Certificate.PublicKey(derEncoded: Array(subjectPublicKeyInfoDER))
        } catch let error as CertificateError where error.code == .unsupportedPublicKeyAlgorithm {
            throw TrustError(.unsupportedKey, "the Rekor public key uses an unsupported algorithm: \(error)")
        } catch {
            throw TrustError(.malformedTrustedRoot, "the Rekor public key is not a DER SubjectPublicKeyInfo: \(error)")
        }
        guard P256.Signing.PublicKey(parsed) != nil || P384.Signing.PublicKey(parsed) != nil
            || P521.Signing.PublicKey(parsed) != nil || Curve25519.Signing.PublicKey(parsed) != nil
        else {
            throw TrustError(
                .unsupportedKey,
                "the Rekor public key is a \(parsed) key; only ECDSA (P-256, P-384, P-521) and Ed25519 Rekor keys are supported"
            )
        }
        self.key = parsed
        self.logID = logID.lowercased()
        self.subjectPublicKeyInfoDER = subjectPublicKeyInfoDER
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// "P256 key, log ID 1f3a…", for messages.
    public var description: String {
        "\(algorithmName) Rekor key with log ID \(logID)"
    }

    /// Whether `time` lies inside the key's validity window (an open side always matches).
    public func isValid(at time: Date) -> Bool {
        if let validFrom, time < validFrom { return false }
        if let validUntil, time > validUntil { return false }
        return true
    }

    /// Whether `signature` is this key's signature over `message` (ECDSA: ASN.1 DER over SHA-256; Ed25519: raw).
    func isValidSignature(_ signature: Data, for message: [UInt8]) -> Bool {
        let digest = SHA256.hash(data: message)
        if let key = P256.Signing.PublicKey(key) {
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        }
        if let key = P384.Signing.PublicKey(key) {
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        }
        if let key = P521.Signing.PublicKey(key) {
            guard let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: digest)
        }
        if let key = Curve25519.Signing.PublicKey(key) {
            return key.isValidSignature(signature, for: message)
        }
        return false
    }

    private var algorithmName: String {
        if P256.Signing.PublicKey(key) != nil { return "ECDSA P-256" }
        if P384.Signing.PublicKey(key) != nil { return "ECDSA P-384" }
        if P521.Signing.PublicKey(key) != nil { return "ECDSA P-521" }
        return "Ed25519"
    }

    public static func == (lhs: RekorKey, rhs: RekorKey) -> Bool {
        lhs.logID == rhs.logID && lhs.subjectPublicKeyInfoDER == rhs.subjectPublicKeyInfoDER
            && lhs.validFrom == rhs.validFrom && lhs.validUntil == rhs.validUntil
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(logID)
        hasher.combine(subjectPublicKeyInfoDER)
    }
}
