public import Foundation
public import OCIModel
import SigstoreKeys
import SigstoreTrust

/// A signature that passed every check.
public struct VerifiedSignature: Sendable {
    public var source: SignatureSource
    /// The signed JSON: cosign's simple-signing payload, or the in-toto statement of a bundle.
    public var payload: Data
    /// Who signed: a key (`ECDSA P-256 key …`) or a certificate identity.
    public var signer: String
    /// When Rekor recorded the signature, if a Rekor bundle was verified.
    public var integratedTime: Date?
}

/// A signature that did not count, and why.
public struct RejectedSignature: Sendable, CustomStringConvertible {
    public var source: SignatureSource
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}

/// The outcome for one image: it passes when at least one signature verified.
public struct VerificationReport: Sendable {
    public var digest: Digest
    public var verified: [VerifiedSignature]
    public var rejected: [RejectedSignature]
    /// What was found but not checked (a Rekor bundle without a Rekor key).
    public var notes: [String]
    public var passed: Bool { !verified.isEmpty }
}

/// Verifies cosign signatures (both formats) against a policy; any-of: one good signature is enough.
public struct SignatureVerifier: Sendable {
    public let policy: VerificationPolicy

    public init(policy: VerificationPolicy) {
        self.policy = policy
    }

    /// Finds and checks every signature of the image in its store.
    public func verify(_ image: SignedImage) async throws -> VerificationReport {
        try await verify(SignatureCollector.candidates(for: image), digest: image.digest)
    }

    /// Checks signatures already in hand (offline `--signature`/`--payload`) against an image digest.
    public func verify(_ candidates: [SignatureCandidate], digest: Digest) async -> VerificationReport {
        var report = VerificationReport(digest: digest, verified: [], rejected: [], notes: [])
        for candidate in candidates {
            var notes: [String] = []
            do {
                let verified: VerifiedSignature
                switch candidate.content {
                case .unreadable(let reason):
                    throw Rejection(reason)
                case .simpleSigning(let payload, let signature, let annotations):
                    verified = try await checkSimpleSigning(payload: payload, signature: signature, annotations: annotations,
                                                            digest: digest, source: candidate.source, notes: &notes)
                case .bundle(let bundle):
                    verified = try await checkBundle(bundle, digest: digest, source: candidate.source, notes: &notes)
                }
                report.verified.append(verified)
            } catch let rejection as Rejection {
                report.rejected.append(RejectedSignature(source: candidate.source, reason: rejection.reason))
            } catch {
                report.rejected.append(RejectedSignature(source: candidate.source, reason: "\(error)"))
            }
            report.notes += notes.map { "\(candidate.source): \($0)" }
        }
        return report
    }

    struct Rejection: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: cosign simple signing

    func checkSimpleSigning(payload: Data, signature: Data, annotations: [String: String], digest: Digest,
                            source: SignatureSource, notes: inout [String]) async throws -> VerifiedSignature {
        let rekor = try checkRekorBundle(annotations[CosignFormat.rekorBundleAnnotation], payload: payload, signature: signature, notes: &notes)
        let signer = try await checkSigner(signature: signature, over: payload, certificatePEM: annotations[CosignFormat.certificateAnnotation],
                                           chainPEM: annotations[CosignFormat.chainAnnotation], loggedEntry: rekor?.entry,
                                           time: rekor?.time)
        let claims: SimpleSigningPayload
        do {
            claims = try SimpleSigningPayload(parsing: payload)
        } catch {
            throw Rejection(error.message)
        }
        guard claims.type == CosignFormat.signatureType else {
            throw Rejection("the payload's critical.type is \"\(claims.type)\", not \"\(CosignFormat.signatureType)\"")
        }
        try checkClaims(digest: claims.manifestDigest, reference: claims.dockerReference, annotations: claims.optional ?? [:], expected: digest)
        return VerifiedSignature(source: source, payload: payload, signer: signer, integratedTime: rekor?.time)
    }

    /// Verifies the Rekor bundle when Rekor keys are given, and that it records this very payload and signature.
    func checkRekorBundle(_ annotation: String?, payload: Data, signature: Data,
                          notes: inout [String]) throws -> (entry: HashedRekordEntry, time: Date)? {
        guard let annotation else {
            if policy.requireTransparencyLog { throw Rejection("it has no Rekor bundle, and a verified transparency-log entry is required") }
            return nil
        }
        guard !policy.rekorKeys.isEmpty else {
            if policy.requireTransparencyLog { throw Rejection("a transparency-log entry is required but no Rekor key was given") }
            notes.append("carries a Rekor bundle that was not verified (no Rekor public key given: --rekor-key or --trusted-root)")
            return nil
        }
        let bundle: RekorBundle
        let entry: HashedRekordEntry
        do {
            bundle = try RekorBundle(annotationJSON: Data(annotation.utf8))
            entry = try bundle.verify(with: policy.rekorKeys)
        } catch {
            throw Rejection("its Rekor bundle does not verify: \(error)")
        }
        guard entry.payloadSHA256 == Digest.sha256(of: payload).hex else {
            throw Rejection("its Rekor entry records payload sha256:\(entry.payloadSHA256), not this signature's payload")
        }
        guard entry.signature == signature else { throw Rejection("its Rekor entry records a different signature") }
        return (entry, bundle.integratedTime)
    }

    /// Verifies the signature with the certificate (keyless) or with one of the keys; returns who signed.
    func checkSigner(signature: Data, over message: Data, certificatePEM: String?, chainPEM: String?, loggedEntry: HashedRekordEntry?,
                     time: Date?) async throws -> String {
        let loggedKey = try loggedEntry.map { entry in
            do {
                return try entry.subjectPublicKeyInfoDER()
            } catch {
                throw Rejection("its Rekor entry records no usable key or certificate: \(error)")
            }
        }
        if let certificatePEM, let requirement = policy.certificates {
            let certificate: VerifiedCertificate
            do {
                certificate = try await CertificateVerification.verify(leafPEM: certificatePEM, chainPEM: chainPEM,
                                                                       trustedRoot: requirement.trustedRoot, at: time ?? Date(),
                                                                       policy: requirement.identity)
            } catch {
                throw Rejection("its certificate is not trusted: \(error)")
            }
            let key: VerificationKey
            do {
                key = try VerificationKey(subjectPublicKeyInfoDER: certificate.subjectPublicKeyInfoDER)
            } catch {
                throw Rejection("its certificate holds a key moat cannot use: \(error)")
            }
            guard key.isValidSignature(signature, for: message) else {
                throw Rejection("the signature does not verify with the certificate's key")
            }
            if let loggedKey, loggedKey != certificate.subjectPublicKeyInfoDER {
                throw Rejection("its Rekor entry records a different certificate")
            }
            return "certificate for \(certificate.identity)" + (certificate.issuer.map { " issued by \($0)" } ?? "")
        }
        guard !policy.keys.isEmpty else {
            throw Rejection(certificatePEM == nil ? "it is signed by a key, and no --key was given"
                : "it is a certificate-based signature, and no --trusted-root with --certificate-identity was given")
        }
        guard let key = policy.keys.first(where: { $0.isValidSignature(signature, for: message) }) else {
            let count = policy.keys.count
            throw Rejection(count == 1 ? "the signature does not verify with the key given"
                : "the signature does not verify with any of the \(count) keys given")
        }
        if let loggedKey, (try? VerificationKey(subjectPublicKeyInfoDER: loggedKey)) != key {
            throw Rejection("its Rekor entry records a different key")
        }
        return "key \(key.hint)"
    }

    /// The signed digest, reference and annotations against the image and the policy.
    func checkClaims(digest signed: Digest, reference: String?, annotations: [String: String], expected: Digest) throws {
        guard signed == expected else {
            throw Rejection("it signs \(signed), not this image's \(expected)")
        }
        if let reference {
            if let mismatch = ReferenceMatching.mismatch(signed: reference, check: policy.referenceCheck) { throw Rejection(mismatch) }
        } else if policy.referenceCheck != .ignore {
            throw Rejection("it names no repository to check (use --reference-check ignore to accept it)")
        }
        for (key, value) in policy.requiredAnnotations.sorted(by: { $0.key < $1.key }) {
            guard let actual = annotations[key] else { throw Rejection("annotation \(key) is required but not signed") }
            guard actual == value else { throw Rejection("annotation \(key) is \"\(actual)\", not \"\(value)\"") }
        }
    }

    // MARK: Sigstore bundles

    func checkBundle(_ bundle: SigstoreBundle, digest: Digest, source: SignatureSource,
                     notes: inout [String]) async throws -> VerifiedSignature {
        guard let envelope = bundle.dsseEnvelope else {
            throw Rejection("the bundle signs a blob digest (messageSignature), not an image statement")
        }
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw Rejection("the DSSE payload type is \(envelope.payloadType), not \(DSSEEnvelope.inTotoPayloadType)")
        }
        guard let statementBytes = Data(base64Encoded: envelope.payload) else { throw Rejection("the DSSE payload is not base64") }
        let signed = DSSEEnvelope.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: statementBytes)
        let signatures = envelope.signatures.compactMap { Data(base64Encoded: $0.sig) }
        guard !signatures.isEmpty else { throw Rejection("the DSSE envelope has no readable signature") }
        let time = try checkBundleLog(bundle, notes: &notes)
        var signer: String?
        var lastRejection: Rejection?
        for signature in signatures {
            do {
                signer = try await checkSigner(signature: signature, over: signed, certificatePEM: bundle.certificatePEM,
                                               chainPEM: bundle.chainPEM, loggedEntry: nil, time: time)
                break
            } catch let rejection as Rejection {
                lastRejection = rejection
            }
        }
        guard let signer else { throw lastRejection ?? Rejection("no signature verifies") }
        let statement: InTotoStatement
        do {
            statement = try JSONDecoder().decode(InTotoStatement.self, from: statementBytes)
        } catch {
            throw Rejection("the signed statement is not an in-toto statement: \(error)")
        }
        guard InTotoStatement.statementTypes.contains(statement.type) else {
            throw Rejection("the statement type is \(statement.type), not an in-toto statement")
        }
        guard statement.predicateType == CosignFormat.signPredicateType else {
            throw Rejection("the statement's predicate type is \(statement.predicateType), not an image signature (\(CosignFormat.signPredicateType))")
        }
        guard let subject = statement.subject.first(where: { $0.digest[digest.algorithm] == digest.hex }) ?? statement.subject.first,
              let subjectDigest = subject.digest["sha256"].map(Digest.init(sha256Hex:)) else {
            throw Rejection("the statement has no sha256 subject")
        }
        try checkClaims(digest: subjectDigest, reference: subject.name, annotations: statement.predicate?.annotations ?? [:], expected: digest)
        return VerifiedSignature(source: source, payload: statementBytes, signer: signer, integratedTime: time)
    }

    /// The bundle's Rekor promise, when Rekor keys are given; returns the integrated time.
    func checkBundleLog(_ bundle: SigstoreBundle, notes: inout [String]) throws -> Date? {
        let entries = bundle.verificationMaterial.tlogEntries ?? []
        guard let entry = entries.first(where: { $0.inclusionPromise != nil }) else {
            if policy.requireTransparencyLog { throw Rejection("the bundle has no Rekor entry with an inclusion promise, and one is required") }
            return nil
        }
        guard !policy.rekorKeys.isEmpty else {
            if policy.requireTransparencyLog { throw Rejection("a transparency-log entry is required but no Rekor key was given") }
            notes.append("carries a Rekor entry that was not verified (no Rekor public key given: --rekor-key or --trusted-root)")
            return nil
        }
        guard let time = Int64(entry.integratedTime), let promise = entry.inclusionPromise else {
            throw Rejection("the bundle's Rekor entry is malformed (integratedTime \(entry.integratedTime))")
        }
        do {
            _ = try SignedEntryTimestamp.verify(canonicalizedBody: entry.canonicalizedBody, integratedTime: entry.integratedTime,
                                                logIndex: entry.logIndex, logKeyID: entry.logId.keyId,
                                                signedEntryTimestamp: promise.signedEntryTimestamp, keys: policy.rekorKeys)
        } catch {
            throw Rejection("its Rekor entry does not verify: \(error)")
        }
        return Date(timeIntervalSince1970: TimeInterval(time))
    }
}
