import Crypto
import CryptoExtras
import Foundation
import SwiftASN1

/// A public key that checks signatures the way cosign does: ECDSA P-256, P-384 and P-521 (ASN.1 DER signatures),
/// Ed25519, and RSA (PKCS#1 v1.5 or PSS, SHA-256).
///
/// Two keys are equal when their canonical SubjectPublicKeyInfo DER is: the encoding Go's
/// `x509.MarshalPKIXPublicKey` produces (uncompressed EC points, `rsaEncryption` with NULL parameters), so `hint`
/// matches cosign's for the same key however the file encoded it.
public struct VerificationKey: Sendable, Hashable {
    enum Backing: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    let backing: Backing
    /// The canonical PKIX SubjectPublicKeyInfo DER.
    public let subjectPublicKeyInfoDER: Data
    /// The key's algorithm (and curve or size).
    public let algorithm: KeyAlgorithm

    /// The PEM block types accepted for public keys: PKIX, and PKCS#1 RSA (which cosign also reads).
    static let pemTypes = ["PUBLIC KEY", "RSA PUBLIC KEY"]

    /// Reads the first `PUBLIC KEY` block of `pem` (or, failing that, an `RSA PUBLIC KEY` block, as cosign does).
    /// - Throws: `KeyError.malformedPEM` when there is no such block (the message names what the text holds instead),
    ///   `KeyError.malformedKey` or `KeyError.unsupportedKey` for its content.
    public init(pem: String) throws {
        let blocks = try PEMDocument.decode(pem)
        if let block = blocks.first(where: { $0.type == "PUBLIC KEY" }) {
            try self.init(subjectPublicKeyInfoDER: block.der)
        } else if let block = blocks.first(where: { $0.type == "RSA PUBLIC KEY" }) {
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(derRepresentation: block.der)
            } catch {
                throw KeyError(.malformedKey, "the RSA PUBLIC KEY block is not a PKCS#1 RSA public key of 2048 bits or more (\(error))")
            }
            self.init(backing: .rsa(key), der: key.derRepresentation, algorithm: .rsa(bits: key.keySizeInBits))
        } else if blocks.isEmpty {
            throw KeyError(.malformedPEM, "no PEM block found: a public key file starts with \"-----BEGIN PUBLIC KEY-----\" (cosign writes it as cosign.pub)")
        } else {
            let types = blocks.map { "\"\($0.type)\"" }.joined(separator: ", ")
            let hint = blocks.contains { $0.type.hasSuffix("PRIVATE KEY") }
                ? "this looks like a private key: give the public key file (cosign.pub)"
                : "give a file holding a \"PUBLIC KEY\" block (for a certificate: openssl x509 -pubkey -noout -in CERT)"
            throw KeyError(.malformedPEM, "no PUBLIC KEY block: the text holds \(types); \(hint)")
        }
    }

    /// Reads a PKIX SubjectPublicKeyInfo.
    /// - Throws: `KeyError.malformedKey` for DER that is not a public key, `KeyError.unsupportedKey` for an algorithm,
    ///   curve or size moat does not verify with (RSA under 2048 bits, Ed448, secp256k1, …).
    public init(subjectPublicKeyInfoDER der: Data) throws {
        let parts: SubjectPublicKeyInfoParts
        do {
            parts = try SubjectPublicKeyInfoParts(derEncoded: [UInt8](der))
        } catch {
            throw KeyError(.malformedKey, "the public key is not a valid DER SubjectPublicKeyInfo (\(error)); the file is damaged or is not a public key")
        }
        let supported = "moat verifies with ECDSA P-256, P-384 and P-521, Ed25519 and RSA (2048 bits or more) keys"
        switch parts.algorithm.algorithm {
        case KeyOID.ecPublicKey:
            guard let curve = parts.algorithm.namedCurve else {
                throw KeyError(.unsupportedKey, "unsupported key: an EC public key without a named curve (explicit curve parameters); \(supported)")
            }
            do {
                switch curve {
                case KeyOID.p256:
                    let key = try Self.point(parts.key, uncompressed: { try P256.Signing.PublicKey(x963Representation: $0) }, compressed: { try P256.Signing.PublicKey(compressedRepresentation: $0) })
                    self.init(backing: .p256(key), der: key.derRepresentation, algorithm: .ecdsaP256)
                case KeyOID.p384:
                    let key = try Self.point(parts.key, uncompressed: { try P384.Signing.PublicKey(x963Representation: $0) }, compressed: { try P384.Signing.PublicKey(compressedRepresentation: $0) })
                    self.init(backing: .p384(key), der: key.derRepresentation, algorithm: .ecdsaP384)
                case KeyOID.p521:
                    let key = try Self.point(parts.key, uncompressed: { try P521.Signing.PublicKey(x963Representation: $0) }, compressed: { try P521.Signing.PublicKey(compressedRepresentation: $0) })
                    self.init(backing: .p521(key), der: key.derRepresentation, algorithm: .ecdsaP521)
                default:
                    throw KeyError(.unsupportedKey, "unsupported key: \(KeyOID.describe(algorithm: KeyOID.ecPublicKey, curve: curve)); \(supported)")
                }
            } catch let error as KeyError {
                throw error
            } catch {
                throw KeyError(.malformedKey, "the \(KeyOID.describe(algorithm: KeyOID.ecPublicKey, curve: curve)) public key is not a point on its curve (\(error)); the file is damaged")
            }
        case KeyOID.ed25519:
            guard !parts.algorithm.hasParameters, parts.key.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: parts.key) else {
                throw KeyError(.malformedKey, "the Ed25519 public key must be 32 bytes with no algorithm parameters (RFC 8410); the file is damaged")
            }
            self.init(backing: .ed25519(key), der: key.derRepresentation, algorithm: .ed25519)
        case KeyOID.rsaEncryption, KeyOID.rsaPSS:
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(derRepresentation: der)
            } catch {
                if let weak = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: der) {
                    throw KeyError(.unsupportedKey, "unsupported key: RSA \(weak.keySizeInBits) is too weak; \(supported)")
                }
                throw KeyError(.malformedKey, "the RSA public key could not be read (\(error)); the file is damaged")
            }
            self.init(backing: .rsa(key), der: key.derRepresentation, algorithm: .rsa(bits: key.keySizeInBits))
        default:
            let name = KeyOID.describe(algorithm: parts.algorithm.algorithm, curve: parts.algorithm.namedCurve)
            throw KeyError(.unsupportedKey, "unsupported key: \(name); \(supported)")
        }
    }

    init(backing: Backing, der: Data, algorithm: KeyAlgorithm) {
        self.backing = backing
        self.subjectPublicKeyInfoDER = der
        self.algorithm = algorithm
    }

    /// The public half of a P-256 signing key.
    init(p256 key: P256.Signing.PublicKey) {
        self.init(backing: .p256(key), der: key.derRepresentation, algorithm: .ecdsaP256)
    }

    /// `-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n`, the way cosign writes `cosign.pub`.
    public var pem: String { PEMDocument.encode(type: "PUBLIC KEY", der: subjectPublicKeyInfoDER) }

    /// base64(SHA-256(SubjectPublicKeyInfo DER)): the Sigstore bundle's `publicKey.hint`, and a stable id for messages.
    public var hint: String { Data(SHA256.hash(data: subjectPublicKeyInfoDER)).base64EncodedString() }

    /// Whether `signature` is a valid signature of `message` under this key.
    ///
    /// ECDSA signatures are ASN.1 DER over SHA-256 (cosign's default); P-384 keys also accept SHA-384 and P-521
    /// keys SHA-512. Ed25519 signs the message itself. RSA accepts PKCS#1 v1.5 and PSS (salt length = 32), both
    /// with SHA-256. Malformed signatures are simply invalid.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        switch backing {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
        case .p384(let key):
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
                || key.isValidSignature(parsed, for: SHA384.hash(data: message))
        case .p521(let key):
            guard let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
                || key.isValidSignature(parsed, for: SHA512.hash(data: message))
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .rsa(let key):
            let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let digest = SHA256.hash(data: message)
            return key.isValidSignature(parsed, for: digest, padding: .insecurePKCS1v1_5)
                || key.isValidSignature(parsed, for: digest, padding: .PSS)
        }
    }

    public static func == (lhs: VerificationKey, rhs: VerificationKey) -> Bool {
        lhs.subjectPublicKeyInfoDER == rhs.subjectPublicKeyInfoDER
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(subjectPublicKeyInfoDER)
    }

    /// An EC point from its SEC 1 encoding: uncompressed (0x04 …) or compressed (0x02/0x03 …).
    private static func point<Key>(
        _ bytes: [UInt8],
        uncompressed: ([UInt8]) throws -> Key,
        compressed: ([UInt8]) throws -> Key
    ) throws -> Key {
        switch bytes.first {
        case 0x04?: return try uncompressed(bytes)
        case 0x02?, 0x03?: return try compressed(bytes)
        default: throw KeyError(.malformedKey, "the EC public key is not a SEC 1 point (it must start with 0x02, 0x03 or 0x04); the file is damaged")
        }
    }
}
