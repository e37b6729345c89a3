public import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) public import X509

/// A keyless certificate that verified: who signed, and the key to check the signature with.
public struct VerifiedCertificate: Sendable {
    /// The Subject Alternative Name that matched the identity policy (the first one when there is no policy).
    public var identity: String
    /// The OIDC issuer from Fulcio's extension, if the certificate has one.
    public var issuer: String?
    /// The leaf's public key as DER `SubjectPublicKeyInfo`; verify the signature with this.
    public var subjectPublicKeyInfoDER: Data
    /// The leaf certificate.
    public var certificate: Certificate
    /// The validated chain, leaf first, trusted root last.
    public var chain: [Certificate]
}

/// Offline verification of keyless (Fulcio-style) signing certificates, as `cosign verify --certificate-identity
/// … --certificate-oidc-issuer …` does it for the certificate part:
///
/// 1. the leaf must not carry a critical extension this code does not understand;
/// 2. the leaf must be valid at the verification time;
/// 3. the leaf must have the code-signing extended key usage, and no CA in the chain may exclude it (Go's rule:
///    a CA's EKU extension, when present, must list code signing or any-purpose);
/// 4. a chain must lead to a trusted root under RFC 5280 rules (swift-certificates' `Verifier`, every certificate
///    valid at the verification time, basic constraints, name constraints);
/// 5. a Subject Alternative Name must match the identity policy, and the OIDC issuer extension the issuer policy.
///
/// **The verification time.** Fulcio certificates live for ten minutes, so "now" is almost always too late. Pass the
/// integrated time of a Rekor entry whose SET verified (and which logs this certificate): that proves the signature
/// existed while the certificate was valid. Without one, pass the current time, and expect keyless signatures older
/// than ten minutes to fail with ``TrustError/Code/certificateNotValidAtTime``. The CA windows of a
/// `trusted_root.json` (`validFor`) are checked at the same time.
///
/// SCTs (certificate transparency) are not checked.
public enum CertificateVerification {
    /// Critical extensions this verifier enforces (with swift-certificates' RFC 5280 policy).
    static let understoodCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.basicConstraints, .X509ExtensionID.nameConstraints, .X509ExtensionID.keyUsage,
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    /// Verifies a signing certificate and its identity.
    ///
    /// - Parameters:
    ///   - leafPEM: The signing certificate (`dev.sigstore.cosign/certificate`): one PEM `CERTIFICATE` block.
    ///   - chainPEM: `dev.sigstore.cosign/chain`: intermediates then root, any number of `CERTIFICATE` blocks.
    ///     Its certificates only help build the chain; the chain must still end at a root of `trustedRoot`.
    ///   - trustedRoot: The trusted CA certificates.
    ///   - time: When the certificate must have been valid (see the type's discussion).
    ///   - policy: The identity and issuer the certificate must name.
    /// - Throws: ``TrustError`` saying which check failed.
    public static func verify(
        leafPEM: String, chainPEM: String?, trustedRoot: TrustedRoot, at time: Date, policy: CertificateIdentityPolicy
    ) async throws -> VerifiedCertificate {
        let leaf = try parseLeaf(leafPEM)
        let supplied = try parseChain(chainPEM)
        return try await verify(leaf: leaf, chain: supplied, trustedRoot: trustedRoot, at: time, policy: policy)
    }

    /// ``verify(leafPEM:chainPEM:trustedRoot:at:policy:)`` for certificates already parsed.
    public static func verify(
        leaf: Certificate, chain supplied: [Certificate], trustedRoot: TrustedRoot, at time: Date,
        policy: CertificateIdentityPolicy
    ) async throws -> VerifiedCertificate {
        for element in leaf.extensions where element.critical && !understoodCriticalExtensions.contains(element.oid) {
            throw TrustError(
                .unhandledCriticalExtension,
                "the signing certificate has a critical extension \(element.oid) that moat does not understand, so it "
                    + "cannot be trusted"
            )
        }
        guard leaf.notValidBefore <= time, time <= leaf.notValidAfter else {
            throw TrustError(
                .certificateNotValidAtTime,
                "the signing certificate is valid from \(Encoding.timestamp(leaf.notValidBefore)) to "
                    + "\(Encoding.timestamp(leaf.notValidAfter)), not at the verification time \(Encoding.timestamp(time)); "
                    + "keyless (Fulcio) certificates live 10 minutes, so they verify only at the integrated time of a "
                    + "Rekor entry whose signed entry timestamp verified"
            )
        }
        try CodeSigningPolicy.checkLeaf(leaf)

        let roots = trustedRoot.roots(at: time)
        guard !roots.isEmpty else {
            let hint =
                trustedRoot.trustedCertificates.isEmpty
                ? "pass a trusted_root.json or a PEM file with the Fulcio root CA"
                : trustedRoot.trustedCertificates.contains(where: \.isRoot)
                    ? "the trusted roots' validFor windows do not include \(Encoding.timestamp(time))"
                    : "the trusted certificates include no self-signed root (a PEM file's other certificates only "
                        + "serve as intermediates)"
            throw TrustError(.noTrustedAuthority, "no trusted root CA to verify the signing certificate with: \(hint)")
        }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            CodeSigningPolicy()
        }
        let intermediates = CertificateStore(supplied + trustedRoot.intermediates(at: time))
        let result = await verifier.validate(leaf: leaf, intermediates: intermediates)
        let chain: [Certificate]
        switch result {
        case .validCertificate(let validated):
            chain = Array(validated)
        case .couldNotValidate(let failures):
            throw untrustedChain(leaf: leaf, failures: failures, time: time)
        }

        let identities = try FulcioCertificate.identities(of: leaf)
        guard let firstIdentity = identities.first else {
            throw TrustError(
                .missingIdentity,
                "the signing certificate has no Subject Alternative Name (email, URI or username), so it names no signer"
            )
        }
        var identity = firstIdentity
        if let matcher = policy.identity {
            guard let matched = identities.first(where: matcher.matches) else {
                let noun = identities.count == 1 ? "identity" : "identities"
                throw TrustError(
                    .identityMismatch,
                    "the certificate's \(noun) \(identities.joined(separator: ", ")) "
                        + "\(identities.count == 1 ? "does" : "do") not match \(matcher.option("--certificate-identity"))"
                )
            }
            identity = matched
        }
        let issuer = try FulcioCertificate.issuer(of: leaf)
        if let matcher = policy.issuer {
            guard let issuer else {
                throw TrustError(
                    .missingIssuer,
                    "the signing certificate has no OIDC issuer extension (1.3.6.1.4.1.57264.1.8 or .1.1), so it "
                        + "cannot match \(matcher.option("--certificate-oidc-issuer"))"
                )
            }
            guard matcher.matches(issuer) else {
                throw TrustError(
                    .issuerMismatch,
                    "the certificate's OIDC issuer \(issuer) does not match \(matcher.option("--certificate-oidc-issuer"))"
                )
            }
        }
        return VerifiedCertificate(
            identity: identity, issuer: issuer, subjectPublicKeyInfoDER: try subjectPublicKeyInfoDER(of: leaf.publicKey),
            certificate: leaf, chain: chain
        )
    }

    /// A public key as canonical DER `SubjectPublicKeyInfo`.
    static func subjectPublicKeyInfoDER(of key: Certificate.PublicKey) throws -> Data {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(key)
        } catch {
            throw TrustError(.malformedCertificate, "cannot encode a public key as DER: \(error)")
        }
        return Data(serializer.serializedBytes)
    }

    // MARK: - Parsing

    private static func parseLeaf(_ pem: String) throws -> Certificate {
        let documents = try pemDocuments(pem, what: "the signing certificate")
        guard let document = documents.first else {
            throw TrustError(.malformedCertificate, "the signing certificate holds no PEM CERTIFICATE block")
        }
        guard documents.count == 1 else {
            throw TrustError(
                .malformedCertificate,
                "the signing certificate holds \(documents.count) PEM blocks; expected one CERTIFICATE (the chain "
                    + "belongs in dev.sigstore.cosign/chain)"
            )
        }
        return try certificate(document, what: "the signing certificate")
    }

    private static func parseChain(_ pem: String?) throws -> [Certificate] {
        guard let pem, !pem.allSatisfy(\.isWhitespace) else { return [] }
        let documents = try pemDocuments(pem, what: "the certificate chain")
        guard !documents.isEmpty else {
            throw TrustError(.malformedCertificate, "the certificate chain holds no PEM CERTIFICATE block")
        }
        return try documents.enumerated().map { index, document in
            try certificate(document, what: "certificate \(index + 1) of the chain")
        }
    }

    private static func pemDocuments(_ pem: String, what: String) throws -> [PEMDocument] {
        do {
            return try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw TrustError(.malformedCertificate, "\(what) is not valid PEM: \(error)")
        }
    }

    private static func certificate(_ document: PEMDocument, what: String) throws -> Certificate {
        guard document.discriminator == "CERTIFICATE" else {
            throw TrustError(.malformedCertificate, "\(what) is a PEM \(document.discriminator); expected CERTIFICATE")
        }
        do {
            return try Certificate(derEncoded: document.derBytes)
        } catch {
            throw TrustError(.malformedCertificate, "\(what) is not a valid X.509 certificate: \(error)")
        }
    }

    private static func untrustedChain(
        leaf: Certificate, failures: [CertificateValidationResult.PolicyFailure], time: Date
    ) -> TrustError {
        if !failures.isEmpty {
            let reasons = failures.map { String(describing: $0.policyFailureReason) }
            let onlyCodeSigning = reasons.allSatisfy { $0.hasPrefix(CodeSigningPolicy.failurePrefix) }
            var unique: [String] = []
            for reason in reasons where !unique.contains(reason) { unique.append(reason) }
            return TrustError(
                onlyCodeSigning ? .notCodeSigning : .untrustedChain,
                "the signing certificate's chain to a trusted root fails verification at \(Encoding.timestamp(time)): "
                    + unique.joined(separator: "; ")
            )
        }
        return TrustError(
            .untrustedChain,
            "no chain leads from the signing certificate (issued by \(leaf.issuer)) to a trusted root CA; the "
                + "trusted root and the certificate chain must hold the CA certificates that issued it"
        )
    }
}
