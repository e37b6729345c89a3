import Crypto
import Foundation

/// An ECDSA P-256 private key that signs the way cosign does (SHA-256, ASN.1 DER signatures), read from and
/// written to cosign's key files.
///
/// Reads cosign's encrypted `ENCRYPTED SIGSTORE PRIVATE KEY` (and the older `ENCRYPTED COSIGN PRIVATE KEY`), and
/// unencrypted PKCS#8 `PRIVATE KEY` and SEC 1 `EC PRIVATE KEY` blocks. Keys of any other algorithm or curve are
/// refused with `KeyError.unsupportedKey`: moat signs with P-256 only, as cosign's `generate-key-pair` does.
public struct SigningKey: Sendable {
    let privateKey: P256.Signing.PrivateKey

    /// The PEM block types read as private keys, in the order they are looked for.
    static let pemTypes = [
        EncryptedKeyEnvelope.pemType, EncryptedKeyEnvelope.legacyPEMType, "PRIVATE KEY", "EC PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
    ]

    init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A new random P-256 key.
    public static func generate() -> SigningKey {
        SigningKey(privateKey: P256.Signing.PrivateKey())
    }

    /// Reads the first private-key block of `pem`.
    /// - Parameters:
    ///   - pem: The key file's text.
    ///   - password: Called (once) only when the key is encrypted; may return empty data for an empty password.
    /// - Throws: `KeyError.malformedPEM` when there is no private-key block, `KeyError.malformedKey` for a damaged key,
    ///   `KeyError.unsupportedKey` for a key that is not ECDSA P-256 (or an encryption moat does not read),
    ///   `KeyError.refusedParameters` and `KeyError.wrongPassword` for encrypted keys, and whatever `password` throws.
    public init(pem: String, password: () throws -> Data) throws {
        let blocks = try PEMDocument.decode(pem)
        guard let block = blocks.first(where: { Self.pemTypes.contains($0.type) }) else {
            if blocks.isEmpty {
                throw KeyError(.malformedPEM, "no PEM block found: a cosign private key file starts with \"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\"")
            }
            let types = blocks.map { "\"\($0.type)\"" }.joined(separator: ", ")
            let hint = blocks.contains { $0.type == "PUBLIC KEY" }
                ? "this is a public key: signing needs the private key file (cosign.key)"
                : "give cosign's private key file (cosign.key)"
            throw KeyError(.malformedPEM, "no private key block: the text holds \(types); \(hint)")
        }
        if let procType = block.headers["Proc-Type"], procType.contains("ENCRYPTED") {
            throw KeyError(.unsupportedKey, "unsupported key: the \(block.type) block uses OpenSSL's legacy PEM encryption, which moat does not read; import it with `cosign import-key-pair --key FILE`")
        }
        switch block.type {
        case EncryptedKeyEnvelope.pemType, EncryptedKeyEnvelope.legacyPEMType:
            let envelope = try EncryptedKeyEnvelope(json: block.der)
            try envelope.validate()
            let der = try envelope.open(password: try password())
            try self.init(pkcs8DER: Data(der))
        case "PRIVATE KEY":
            try self.init(pkcs8DER: block.der)
        case "EC PRIVATE KEY":
            try self.init(sec1DER: block.der)
        case "ENCRYPTED PRIVATE KEY":
            throw KeyError(.unsupportedKey, "unsupported key: a PKCS#8-encrypted ENCRYPTED PRIVATE KEY; import it with `cosign import-key-pair --key FILE` to get a cosign key")
        case "RSA PRIVATE KEY":
            throw KeyError(.unsupportedKey, "unsupported key: moat signs with ECDSA P-256 keys (this key is RSA); create one with `cosign generate-key-pair` or moat")
        default:
            throw KeyError(.unsupportedKey, "unsupported key: moat signs with ECDSA P-256 keys (this is an \(block.type) block); create one with `cosign generate-key-pair` or moat")
        }
    }

    /// Reads an unencrypted PKCS#8 `PrivateKeyInfo` holding an ECDSA P-256 key.
    /// - Throws: `KeyError.malformedKey` for DER that is not PKCS#8, `KeyError.unsupportedKey` for another algorithm.
    public init(pkcs8DER der: Data) throws {
        let parts: PKCS8Parts
        do {
            parts = try PKCS8Parts(derEncoded: [UInt8](der))
        } catch {
            throw KeyError(.malformedKey, "the private key is not valid PKCS#8 DER (\(error)); the file is damaged")
        }
        guard parts.algorithm.algorithm == KeyOID.ecPublicKey else {
            throw Self.unsupported(KeyOID.describe(algorithm: parts.algorithm.algorithm, curve: nil))
        }
        let inner: SEC1Parts
        do {
            inner = try SEC1Parts(derEncoded: parts.privateKey)
        } catch {
            throw KeyError(.malformedKey, "the EC key inside the PKCS#8 is not a valid ECPrivateKey (\(error)); the file is damaged")
        }
        if let outer = parts.algorithm.namedCurve, let embedded = inner.namedCurve, outer != embedded {
            throw KeyError(.malformedKey, "the PKCS#8 key names two different curves (\(outer) and \(embedded)); the file is damaged")
        }
        guard let curve = parts.algorithm.namedCurve ?? inner.namedCurve else {
            throw Self.unsupported("an EC key without a named curve")
        }
        guard curve == KeyOID.p256 else {
            throw Self.unsupported(KeyOID.describe(algorithm: KeyOID.ecPublicKey, curve: curve))
        }
        try self.init(scalar: inner.scalar)
    }

    /// Reads a SEC 1 `ECPrivateKey` (`EC PRIVATE KEY`), which must name the P-256 curve.
    init(sec1DER der: Data) throws {
        let parts: SEC1Parts
        do {
            parts = try SEC1Parts(derEncoded: [UInt8](der))
        } catch {
            throw KeyError(.malformedKey, "the EC PRIVATE KEY is not a valid SEC 1 ECPrivateKey (\(error)); the file is damaged")
        }
        guard let curve = parts.namedCurve else {
            throw Self.unsupported("an EC key without a named curve")
        }
        guard curve == KeyOID.p256 else {
            throw Self.unsupported(KeyOID.describe(algorithm: KeyOID.ecPublicKey, curve: curve))
        }
        try self.init(scalar: parts.scalar)
    }

    /// The private scalar, left-padded to 32 bytes as Go does for short encodings.
    private init(scalar: [UInt8]) throws {
        guard !scalar.isEmpty, scalar.count <= 32 else {
            throw KeyError(.malformedKey, "the P-256 private key is \(scalar.count) bytes; it must be 1 to 32: the file is damaged")
        }
        let padded = [UInt8](repeating: 0, count: 32 - scalar.count) + scalar
        do {
            self.init(privateKey: try P256.Signing.PrivateKey(rawRepresentation: padded))
        } catch {
            throw KeyError(.malformedKey, "the P-256 private key is not a valid scalar (zero or not below the group order); the file is damaged")
        }
    }

    /// cosign's `ENCRYPTED SIGSTORE PRIVATE KEY` PEM (scrypt N=65536 r=8 p=1, random salt and nonce).
    /// - Parameter password: The password's bytes; may be empty (cosign allows it).
    public func encryptedPEM(password: Data) throws -> String {
        try EncryptedKeyEnvelope.seal([UInt8](pkcs8DER), password: password).pem
    }

    /// The key as unencrypted PKCS#8 DER.
    var pkcs8DER: Data { privateKey.derRepresentation }

    /// The key as an unencrypted PKCS#8 `PRIVATE KEY` PEM.
    var pkcs8PEM: String { PEMDocument.encode(type: "PRIVATE KEY", der: pkcs8DER) }

    /// The public half.
    public var publicKey: VerificationKey { VerificationKey(p256: privateKey.publicKey) }

    /// ECDSA P-256 over SHA-256(message), ASN.1 DER (what cosign puts in `dev.cosignproject.cosign/signature`).
    public func signature(for message: Data) throws -> Data {
        do {
            return try privateKey.signature(for: message).derRepresentation
        } catch {
            throw KeyError(.signingFailed, "signing failed (\(error)); try again, and report it if it persists")
        }
    }

    private static func unsupported(_ what: String) -> KeyError {
        KeyError(.unsupportedKey, "unsupported key: moat signs with ECDSA P-256 keys (this key is \(what)); create one with `cosign generate-key-pair` or moat")
    }
}
