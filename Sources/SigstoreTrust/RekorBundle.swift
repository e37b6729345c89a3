public import Foundation

/// cosign's legacy Rekor bundle, the `dev.sigstore.cosign/bundle` annotation of a signature layer:
///
/// ```json
/// {"SignedEntryTimestamp":"<base64 SET>",
///  "Payload":{"body":"<base64 entry>","integratedTime":1700000000,"logIndex":12345,"logID":"<hex>"}}
/// ```
///
/// Parsing checks only the shape; ``verify(with:)`` checks the SET (see ``SignedEntryTimestamp``) and returns the
/// logged `hashedrekord` entry. Until then nothing here is trustworthy, including ``integratedTime``.
public struct RekorBundle: Sendable, Equatable {
    /// The SET, base64-decoded.
    public let signedEntryTimestamp: Data
    /// `Payload.body` exactly as written (base64 of the canonicalized entry); the SET covers this string.
    public let bodyBase64: String
    /// `Payload.integratedTime`, Unix seconds.
    public let integratedTimeSeconds: Int64
    /// `Payload.logIndex`.
    public let logIndex: Int64
    /// `Payload.logID`: hex SHA-256 of the Rekor key that signed the SET.
    public let logID: String

    /// When Rekor logged the entry (only meaningful once ``verify(with:)`` succeeded).
    public var integratedTime: Date { Date(timeIntervalSince1970: TimeInterval(integratedTimeSeconds)) }

    /// The canonicalized entry, base64-decoded.
    public var body: Data { Encoding.base64(bodyBase64) ?? Data() }

    /// Parses the annotation's JSON.
    /// - Throws: ``TrustError`` `.malformedBundle` naming the field that is missing or of the wrong type.
    public init(annotationJSON: Data) throws {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: annotationJSON)
        } catch {
            throw TrustError(
                .malformedBundle,
                "the dev.sigstore.cosign/bundle annotation is not a cosign Rekor bundle: \(Encoding.describe(error))"
            )
        }
        guard let signature = Encoding.base64(document.signedEntryTimestamp), !signature.isEmpty else {
            throw TrustError(.malformedBundle, "the Rekor bundle's SignedEntryTimestamp is not base64")
        }
        guard let body = Encoding.base64(document.payload.body), !body.isEmpty else {
            throw TrustError(.malformedBundle, "the Rekor bundle's Payload.body is not base64")
        }
        guard document.payload.integratedTime >= 0 else {
            throw TrustError(.malformedBundle, "the Rekor bundle's Payload.integratedTime is negative")
        }
        guard document.payload.logIndex >= 0 else {
            throw TrustError(.malformedBundle, "the Rekor bundle's Payload.logIndex is negative")
        }
        guard Encoding.isHex(document.payload.logID, count: 64) else {
            throw TrustError(.malformedBundle, "the Rekor bundle's Payload.logID is not 64 hex digits")
        }
        signedEntryTimestamp = signature
        bodyBase64 = document.payload.body
        integratedTimeSeconds = document.payload.integratedTime
        logIndex = document.payload.logIndex
        logID = document.payload.logID
    }

    /// Verifies the SET with the trusted Rekor key whose log ID is ``logID`` and returns the logged entry.
    /// - Throws: ``TrustError`` naming the reason (`.unknownLog`, `.invalidSignedEntryTimestamp`, ...).
    public func verify(with keys: [RekorKey]) throws -> HashedRekordEntry {
        try SignedEntryTimestamp.verify(
            bodyBase64: bodyBase64, integratedTime: integratedTimeSeconds, logIndex: logIndex, logID: logID,
            signature: signedEntryTimestamp, keys: keys
        )
    }

    /// cosign's `bundle.RekorBundle`, with the field names Go's encoding/json writes.
    private struct Document: Decodable {
        struct RekorPayload: Decodable {
            var body: String
            var integratedTime: Int64
            var logIndex: Int64
            var logID: String
        }
        var signedEntryTimestamp: String
        var payload: RekorPayload

        enum CodingKeys: String, CodingKey {
            case signedEntryTimestamp = "SignedEntryTimestamp"
            case payload = "Payload"
        }
    }
}
