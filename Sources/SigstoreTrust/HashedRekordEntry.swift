public import Foundation
import SwiftASN1
import X509

/// A Rekor `hashedrekord` entry (apiVersion `0.0.1`), the body a signed entry timestamp vouches for:
///
/// ```json
/// {"apiVersion":"0.0.1","kind":"hashedrekord","spec":{
///   "data":{"hash":{"algorithm":"sha256","value":"<hex sha256 of the signed payload>"}},
///   "signature":{"content":"<base64 signature>","publicKey":{"content":"<base64 of a PEM key or certificate>"}}}}
/// ```
///
/// The entry only says that *this* signature by *this* key over a payload with *this* hash was logged at the
/// integrated time. The caller must check all three against the signature being verified: the payload's SHA-256
/// equals ``payloadSHA256``, the signature bytes equal ``signature``, and the key or certificate equals
/// ``publicKeyPEM`` (compare ``subjectPublicKeyInfoDER()`` with the verifying key's SPKI, or the certificates).
public struct HashedRekordEntry: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the signed payload.
    public var payloadSHA256: String
    /// The signature as logged (base64-decoded).
    public var signature: Data
    /// The PEM text of `publicKey.content`: a `PUBLIC KEY` block for key-based signing, a `CERTIFICATE` for keyless.
    public var publicKeyPEM: String

    public init(payloadSHA256: String, signature: Data, publicKeyPEM: String) {
        self.payloadSHA256 = payloadSHA256
        self.signature = signature
        self.publicKeyPEM = publicKeyPEM
    }

    /// The logged key as DER `SubjectPublicKeyInfo`, whether ``publicKeyPEM`` holds a public key or a certificate
    /// (then its subject key), re-encoded in canonical DER, for comparison with the key that verified the signature
    /// (``VerifiedCertificate/subjectPublicKeyInfoDER`` is encoded the same way).
    public func subjectPublicKeyInfoDER() throws -> Data {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: publicKeyPEM)
        } catch {
            throw TrustError(.malformedEntry, "the Rekor entry's publicKey.content is not a single PEM block: \(error)")
        }
        switch document.discriminator {
        case "PUBLIC KEY":
            let key: Certificate.PublicKey
            do {
                key = try Certificate.PublicKey(derEncoded: document.derBytes)
            } catch {
                throw TrustError(.malformedEntry, "the Rekor entry's public key cannot be parsed: \(error)")
            }
            return try CertificateVerification.subjectPublicKeyInfoDER(of: key)
        case "CERTIFICATE":
            do {
                let certificate = try Certificate(derEncoded: document.derBytes)
                return try CertificateVerification.subjectPublicKeyInfoDER(of: certificate.publicKey)
            } catch let error as TrustError {
                throw error
            } catch {
                throw TrustError(.malformedEntry, "the Rekor entry's certificate cannot be parsed: \(error)")
            }
        default:
            throw TrustError(
                .malformedEntry,
                "the Rekor entry's publicKey.content is a PEM \(document.discriminator); expected PUBLIC KEY or CERTIFICATE"
            )
        }
    }

    /// Parses a canonicalized entry body (the bytes the SET covers, base64-decoded).
    static func parse(body: Data) throws -> HashedRekordEntry {
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: body)
        } catch {
            throw TrustError(.malformedEntry, "the Rekor entry body is not an entry: \(Encoding.describe(error))")
        }
        guard header.kind == "hashedrekord" else {
            throw TrustError(
                .unsupportedEntry,
                "the Rekor entry is of kind \(header.kind); only hashedrekord entries (what cosign signs) are supported"
            )
        }
        guard header.apiVersion == "0.0.1" else {
            throw TrustError(
                .unsupportedEntry,
                "the Rekor entry is hashedrekord version \(header.apiVersion); only version 0.0.1 is supported"
            )
        }
        let entry: Body
        do {
            entry = try decoder.decode(Body.self, from: body)
        } catch {
            throw TrustError(.malformedEntry, "the hashedrekord entry is malformed: \(Encoding.describe(error))")
        }
        let hash = entry.spec.data.hash
        guard hash.algorithm == "sha256" else {
            throw TrustError(
                .unsupportedEntry,
                "the hashedrekord entry hashes the payload with \(hash.algorithm); only sha256 (what cosign uses) is supported"
            )
        }
        guard Encoding.isHex(hash.value, count: 64) else {
            throw TrustError(.malformedEntry, "the hashedrekord entry's spec.data.hash.value is not 64 hex digits")
        }
        guard let signature = Encoding.base64(entry.spec.signature.content), !signature.isEmpty else {
            throw TrustError(.malformedEntry, "the hashedrekord entry's spec.signature.content is not base64")
        }
        guard let keyBytes = Encoding.base64(entry.spec.signature.publicKey.content),
            let pem = String(data: keyBytes, encoding: .utf8), pem.contains("-----BEGIN ")
        else {
            throw TrustError(
                .malformedEntry,
                "the hashedrekord entry's spec.signature.publicKey.content is not base64 of a PEM key or certificate"
            )
        }
        return HashedRekordEntry(payloadSHA256: hash.value.lowercased(), signature: signature, publicKeyPEM: pem)
    }

    private struct Header: Decodable {
        var apiVersion: String
        var kind: String
    }

    private struct Body: Decodable {
        struct Spec: Decodable {
            var data: DataPart
            var signature: SignaturePart
        }
        struct DataPart: Decodable {
            var hash: Hash
        }
        struct Hash: Decodable {
            var algorithm: String
            var value: String
        }
        struct SignaturePart: Decodable {
            var content: String
            var publicKey: PublicKey
        }
        struct PublicKey: Decodable {
            var content: String
        }
        var spec: Spec
    }
}
