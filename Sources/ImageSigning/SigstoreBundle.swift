public import Foundation
public import OCIModel
import SigstoreKeys

/// A Sigstore bundle (`application/vnd.dev.sigstore.bundle.v0.3+json`) as cosign v3 stores it for an image: a DSSE
/// envelope over an in-toto statement naming the image digest, and the material to verify it.
public struct SigstoreBundle: Codable, Sendable, Equatable {
    public var mediaType: String
    public var verificationMaterial: VerificationMaterial
    public var dsseEnvelope: DSSEEnvelope?
    /// Present in bundles that sign a blob digest directly (`cosign sign-blob`); not an image signature.
    public var messageSignature: MessageSignature?

    public struct VerificationMaterial: Codable, Sendable, Equatable {
        public var publicKey: PublicKeyIdentifier?
        public var certificate: RawBytes?
        public var x509CertificateChain: CertificateChain?
        public var tlogEntries: [TransparencyLogEntry]?
    }

    public struct PublicKeyIdentifier: Codable, Sendable, Equatable {
        public var hint: String?
    }

    public struct RawBytes: Codable, Sendable, Equatable {
        /// Base64 DER.
        public var rawBytes: String
    }

    public struct CertificateChain: Codable, Sendable, Equatable {
        public var certificates: [RawBytes]
    }

    public struct TransparencyLogEntry: Codable, Sendable, Equatable {
        public var logIndex: String
        public var logId: LogID
        public var integratedTime: String
        public var inclusionPromise: InclusionPromise?
        public var canonicalizedBody: String

        public struct LogID: Codable, Sendable, Equatable {
            /// Base64 of the 32-byte log id (SHA-256 of the log's public key).
            public var keyId: String
        }

        public struct InclusionPromise: Codable, Sendable, Equatable {
            public var signedEntryTimestamp: String
        }
    }

    public struct MessageSignature: Codable, Sendable, Equatable {
        public var signature: String?
    }

    public init(keyHint: String, envelope: DSSEEnvelope) {
        self.mediaType = CosignFormat.bundleMediaType
        self.verificationMaterial = VerificationMaterial(publicKey: PublicKeyIdentifier(hint: keyHint), certificate: nil,
                                                         x509CertificateChain: nil, tlogEntries: [])
        self.dsseEnvelope = envelope
        self.messageSignature = nil
    }

    public init(parsing data: Data) throws(SigningError) {
        do {
            self = try JSONDecoder().decode(SigstoreBundle.self, from: data)
        } catch {
            throw SigningError(.invalidSignature, "not a Sigstore bundle: \(error)")
        }
        guard mediaType.hasPrefix("application/vnd.dev.sigstore.bundle") else {
            throw SigningError(.invalidSignature, "bundle media type \(mediaType) is not a Sigstore bundle")
        }
    }

    /// The leaf certificate (PEM) of a keyless bundle, from `certificate` or the first of `x509CertificateChain`.
    public var certificatePEM: String? {
        let raw = verificationMaterial.certificate?.rawBytes ?? verificationMaterial.x509CertificateChain?.certificates.first?.rawBytes
        return raw.flatMap { Data(base64Encoded: $0) }.map { PEMDocument.encode(type: "CERTIFICATE", der: $0) }
    }

    /// The intermediate and root certificates of a `x509CertificateChain` (PEM), if any.
    public var chainPEM: String? {
        guard let rest = verificationMaterial.x509CertificateChain?.certificates.dropFirst(), !rest.isEmpty else { return nil }
        return rest.compactMap { Data(base64Encoded: $0.rawBytes) }.map { PEMDocument.encode(type: "CERTIFICATE", der: $0) }.joined()
    }
}

/// A DSSE envelope: the payload, its type and signatures over the pre-authentication encoding.
public struct DSSEEnvelope: Codable, Sendable, Equatable {
    /// Base64 payload.
    public var payload: String
    public var payloadType: String
    public var signatures: [Signature]

    public struct Signature: Codable, Sendable, Equatable {
        /// Base64 signature over `preAuthenticationEncoding`.
        public var sig: String
        public var keyid: String?

        public init(sig: String, keyid: String?) {
            self.sig = sig
            self.keyid = keyid
        }
    }

    public init(payload: String, payloadType: String, signatures: [Signature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// `DSSEv1 <len(type)> <type> <len(body)> <body>`: what DSSE signers actually sign.
    public static func preAuthenticationEncoding(payloadType: String, payload: Data) -> Data {
        var encoded = Data("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8)
        encoded.append(payload)
        return encoded
    }
}

/// The in-toto statement cosign v3 signs for an image: subject = the image digest, predicate type cosign's sign/v1.
public struct InTotoStatement: Codable, Sendable, Equatable {
    public var type: String
    public var subject: [Subject]
    public var predicateType: String
    public var predicate: Predicate?

    public struct Subject: Codable, Sendable, Equatable {
        public var name: String?
        public var digest: [String: String]
    }

    /// moat's sign/v1 predicate: the `-a key=value` annotations, signed with the statement.
    public struct Predicate: Codable, Sendable, Equatable {
        public var annotations: [String: String]?
    }

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }

    public static let statementTypes = ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"]

    public init(name: String, digest: Digest, annotations: [String: String]?) {
        self.type = Self.statementTypes[0]
        self.subject = [Subject(name: name, digest: [digest.algorithm: digest.hex])]
        self.predicateType = CosignFormat.signPredicateType
        self.predicate = Predicate(annotations: annotations)
    }
}
