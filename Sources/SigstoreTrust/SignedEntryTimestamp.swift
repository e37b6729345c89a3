public import Foundation

/// Offline verification of Rekor signed entry timestamps (SETs): Rekor's promise that an entry is in its log.
///
/// A SET is the log's signature (ECDSA P-256 over SHA-256, ASN.1 DER, for Rekor's public instance) over the
/// canonical JSON (RFC 8785: keys sorted, no whitespace) of exactly
///
/// ```json
/// {"body":"<base64 entry>","integratedTime":1700000000,"logID":"<hex>","logIndex":12345}
/// ```
///
/// Both cosign formats carry it: the legacy `dev.sigstore.cosign/bundle` annotation (see ``RekorBundle``) and the
/// Sigstore bundle v0.3 (`verificationMaterial.tlogEntries[].inclusionPromise.signedEntryTimestamp`, see
/// ``verify(canonicalizedBody:integratedTime:logIndex:logKeyID:signedEntryTimestamp:keys:)``). Both end in
/// ``verify(body:integratedTime:logIndex:logID:signature:keys:)``.
///
/// Only the promise is checked. Inclusion proofs and signed checkpoints (which prove the entry is in a given tree
/// head) are not verified, so trust rests on the log's key not being misused, as with `cosign verify --offline`
/// on an old-style bundle. Nor is the integrated time compared with the clock; the caller decides what time means.
public enum SignedEntryTimestamp {
    /// Verifies a SET and returns the `hashedrekord` entry it vouches for.
    ///
    /// - Parameters:
    ///   - body: The canonicalized entry (base64-decoded `body` / `canonicalizedBody`). It is re-encoded as
    ///     standard padded base64 for the signed JSON, as Rekor and sigstore-go do.
    ///   - integratedTime: Unix seconds at which Rekor logged the entry.
    ///   - logIndex: The entry's index in the log.
    ///   - logID: Lower-case hex SHA-256 of the log key's SPKI; picks the key among `keys`.
    ///   - signature: The SET (ASN.1 DER ECDSA, or a raw Ed25519 signature).
    ///   - keys: The trusted Rekor keys.
    /// - Returns: The parsed entry, which the caller must match against the signature being verified.
    /// - Throws: ``TrustError`` with code `.unknownLog`, `.logKeyNotValid`, `.invalidSignedEntryTimestamp`,
    ///   `.malformedEntry` or `.unsupportedEntry`.
    public static func verify(
        body: Data, integratedTime: Int64, logIndex: Int64, logID: String, signature: Data, keys: [RekorKey]
    ) throws -> HashedRekordEntry {
        try verify(
            bodyBase64: body.base64EncodedString(), integratedTime: integratedTime, logIndex: logIndex,
            logID: logID, signature: signature, keys: keys
        )
    }

    /// Verifies the SET of a Sigstore bundle v0.3 transparency-log entry, given its fields as the bundle's JSON
    /// writes them: `canonicalizedBody` (base64), `integratedTime` and `logIndex` (decimal strings, protobuf's
    /// JSON for int64), `logId.keyId` (base64 of the raw 32-byte log ID) and
    /// `inclusionPromise.signedEntryTimestamp` (base64).
    public static func verify(
        canonicalizedBody: String, integratedTime: String, logIndex: String, logKeyID: String,
        signedEntryTimestamp: String, keys: [RekorKey]
    ) throws -> HashedRekordEntry {
        guard let body = Encoding.base64(canonicalizedBody), !body.isEmpty else {
            throw TrustError(.malformedBundle, "the transparency log entry's canonicalizedBody is not base64")
        }
        guard let time = Int64(integratedTime), time >= 0 else {
            throw TrustError(.malformedBundle, "the transparency log entry's integratedTime \(integratedTime) is not a Unix time")
        }
        guard let index = Int64(logIndex), index >= 0 else {
            throw TrustError(.malformedBundle, "the transparency log entry's logIndex \(logIndex) is not a log index")
        }
        guard let keyID = Encoding.base64(logKeyID), keyID.count == 32 else {
            throw TrustError(.malformedBundle, "the transparency log entry's logId.keyId is not base64 of a 32-byte log ID")
        }
        guard let signature = Encoding.base64(signedEntryTimestamp), !signature.isEmpty else {
            throw TrustError(
                .malformedBundle, "the transparency log entry's inclusionPromise.signedEntryTimestamp is not base64"
            )
        }
        return try verify(
            body: body, integratedTime: time, logIndex: index, logID: Encoding.hex(keyID), signature: signature,
            keys: keys
        )
    }

    /// The exact bytes a SET signs: the canonical JSON of `body`, `integratedTime`, `logID` and `logIndex`.
    public static func canonicalPayload(bodyBase64: String, integratedTime: Int64, logIndex: Int64, logID: String) -> Data {
        Data(
            CanonicalJSON.object([
                ("body", .string(bodyBase64)),
                ("integratedTime", .integer(integratedTime)),
                ("logIndex", .integer(logIndex)),
                ("logID", .string(logID)),
            ])
        )
    }

    /// The shared core: `bodyBase64` goes into the signed JSON exactly as given (the legacy annotation's string).
    static func verify(
        bodyBase64: String, integratedTime: Int64, logIndex: Int64, logID: String, signature: Data, keys: [RekorKey]
    ) throws -> HashedRekordEntry {
        guard Encoding.isHex(logID, count: 64) else {
            throw TrustError(.malformedBundle, "the Rekor entry's logID \(logID) is not 64 hex digits")
        }
        let wanted = logID.lowercased()
        let candidates = keys.filter { $0.logID == wanted }
        guard !candidates.isEmpty else {
            if keys.isEmpty {
                throw TrustError(
                    .unknownLog,
                    "the Rekor entry was logged by log ID \(wanted), but no Rekor public key is trusted; "
                        + "pass the log's public key or a trusted_root.json that lists it"
                )
            }
            let trusted = Set(keys.map(\.logID)).sorted().joined(separator: ", ")
            throw TrustError(
                .unknownLog,
                "the Rekor entry was logged by log ID \(wanted), which is not a trusted Rekor key (trusted log IDs: "
                    + "\(trusted)); pass that log's public key or a trusted_root.json that lists it"
            )
        }
        let time = Date(timeIntervalSince1970: TimeInterval(integratedTime))
        let current = candidates.filter { $0.isValid(at: time) }
        guard !current.isEmpty else {
            throw TrustError(
                .logKeyNotValid,
                "the Rekor entry's integrated time \(Encoding.timestamp(time)) lies outside the validity window of "
                    + "the trusted \(candidates[0]); the entry cannot have been logged with that key"
            )
        }
        let payload = Array(
            canonicalPayload(bodyBase64: bodyBase64, integratedTime: integratedTime, logIndex: logIndex, logID: logID)
        )
        guard current.contains(where: { $0.isValidSignature(signature, for: payload) }) else {
            throw TrustError(
                .invalidSignedEntryTimestamp,
                "the Rekor signed entry timestamp does not verify with the trusted \(current[0]): the entry's body, "
                    + "integratedTime, logIndex or logID was altered, or the SET was made with another key"
            )
        }
        guard let body = Encoding.base64(bodyBase64) else {
            throw TrustError(.malformedEntry, "the Rekor entry body is not base64")
        }
        return try HashedRekordEntry.parse(body: body)
    }
}
