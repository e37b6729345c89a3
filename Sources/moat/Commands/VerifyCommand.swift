import ArgumentParser
import Foundation
import ImageSigning
import OCIModel
import Registry
import SigstoreKeys
import SigstoreTrust

/// `moat verify --key cosign.pub IMAGE`: checks cosign signatures (both formats) offline.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an image's cosign signatures against keys or trusted certificates.",
        discussion: """
        Finds the signatures in the tag sha256-<hex>.sig and in Sigstore bundle referrers (OCI 1.1 referrers API, \
        or the sha256-<hex> fallback tag) and checks each one: the signature over the exact payload bytes with any of \
        the keys; the signed digest equals the image's; the signed repository matches (--reference-check); required \
        annotations (-a). The image passes when at least one signature does. Verified payloads are printed as JSON on \
        stdout, as cosign verify prints them; every rejected signature is listed with its reason on stderr.

        Offline, moat cannot ask Rekor whether a signature was logged. When a Rekor bundle is present and a Rekor \
        public key is given (--rekor-key, or the tlogs of --trusted-root), its signed entry timestamp is verified and \
        must record this payload, signature and key; --require-tlog rejects signatures without one. Inclusion proofs \
        are not checked.

        Certificate-based (keyless) signatures are verified against --trusted-root (a Sigstore trusted_root.json or PEM \
        CA certificates) with --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp].

        Exit status: 0 when a signature verified, 1 otherwise.
        """
    )

    @Argument(help: ArgumentHelp("The image: a registry reference or oci:DIR[:NAME].", valueName: "image"))
    var image: String

    @Option(parsing: .singleValue, help: ArgumentHelp("Public key file, or a directory of .pub/.pem files (repeatable; any key may match).", valueName: "file|dir"))
    var key: [String] = []

    @Option(name: [.customShort("a"), .long], parsing: .singleValue,
            help: ArgumentHelp("Annotation the signature must carry (repeatable).", valueName: "key=value"))
    var annotations: [String] = []

    @Option(help: ArgumentHelp("How the signed repository must match the image: repository (default), exact, or ignore (cosign's behaviour).", valueName: "mode"))
    var referenceCheck = "repository"

    @Option(help: ArgumentHelp("The reference signatures must name, instead of the image's own (e.g. after a copy to a mirror).", valueName: "reference"))
    var expectedReference: String?

    @Option(parsing: .singleValue, help: ArgumentHelp("Trusted root: Sigstore trusted_root.json, PEM CA certificates, or a PEM Rekor public key (repeatable).", valueName: "file"))
    var trustedRoot: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Rekor public key (PEM) to verify Rekor bundles with (repeatable).", valueName: "file"))
    var rekorKey: [String] = []

    @Flag(help: "Reject signatures without a verified Rekor entry.")
    var requireTlog = false

    @Option(help: ArgumentHelp("Certificate identity (SAN: email or URI) to require, exactly.", valueName: "identity"))
    var certificateIdentity: String?

    @Option(help: ArgumentHelp("Certificate identity to require, as a regular expression (unanchored, as cosign).", valueName: "regexp"))
    var certificateIdentityRegexp: String?

    @Option(help: ArgumentHelp("OIDC issuer the certificate must name, exactly.", valueName: "url"))
    var certificateOidcIssuer: String?

    @Option(help: ArgumentHelp("OIDC issuer as a regular expression (unanchored).", valueName: "regexp"))
    var certificateOidcIssuerRegexp: String?

    @Option(help: ArgumentHelp("Offline: a file holding the base64 signature (with --payload).", valueName: "file"))
    var signature: String?

    @Option(help: ArgumentHelp("Offline: the signed payload file (with --signature).", valueName: "file"))
    var payload: String?

    @Option(help: ArgumentHelp("Offline: the signing certificate (PEM) of a keyless signature.", valueName: "file"))
    var certificate: String?

    @Option(help: ArgumentHelp("Offline: the certificate chain (PEM).", valueName: "file"))
    var certificateChain: String?

    @Option(help: ArgumentHelp("Offline: cosign's Rekor bundle JSON for the signature.", valueName: "file"))
    var rekorBundle: String?

    @Option(help: ArgumentHelp("Output: json (the verified payloads, as cosign) or text.", valueName: "format"))
    var output = "json"

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    func validate() throws {
        guard ["repository", "exact", "ignore"].contains(referenceCheck) else {
            throw ValidationError("--reference-check must be repository, exact or ignore")
        }
        guard ["json", "text"].contains(output) else { throw ValidationError("--output must be json or text") }
        if key.isEmpty && trustedRoot.isEmpty {
            throw ValidationError("give --key (a public key or a directory of them) or --trusted-root with --certificate-identity")
        }
        if !trustedRoot.isEmpty || certificateIdentity != nil || certificateIdentityRegexp != nil {
            if certificateIdentity == nil && certificateIdentityRegexp == nil && key.isEmpty {
                throw ValidationError("keyless verification needs --certificate-identity or --certificate-identity-regexp")
            }
            if certificateIdentity != nil && certificateIdentityRegexp != nil {
                throw ValidationError("give --certificate-identity or --certificate-identity-regexp, not both")
            }
            if certificateOidcIssuer != nil && certificateOidcIssuerRegexp != nil {
                throw ValidationError("give --certificate-oidc-issuer or --certificate-oidc-issuer-regexp, not both")
            }
        }
        if (signature == nil) != (payload == nil) { throw ValidationError("--signature and --payload go together") }
        _ = try AnnotationArguments.parse(annotations)
    }

    func run() async throws {
        let policy = try makePolicy()
        let report: VerificationReport
        let shown: String
        if let signature, let payload {
            (report, shown) = try await verifyDetached(signatureFile: signature, payloadFile: payload, policy: policy)
        } else {
            let target = try await SigningTarget.open(image, registry: registry)
            do {
                let verifier = SignatureVerifier(policy: try resolvedPolicy(policy, identity: target.image.identity))
                report = try await verifier.verify(target.image)
                shown = target.image.reference
                await target.close()
            } catch {
                await target.close()
                throw (error as? RuntimeError) ?? RuntimeError("verifying \(target.image.reference): \(error)")
            }
        }
        try finish(report, image: shown, policy: policy)
    }

    private func verifyDetached(signatureFile: String, payloadFile: String,
                                policy: VerificationPolicy) async throws -> (VerificationReport, String) {
        guard let payloadData = FileManager.default.contents(atPath: payloadFile) else { throw RuntimeError("\(payloadFile): cannot read the payload") }
        let encoded = try KeyFiles.readText(signatureFile, what: "signature").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signatureData = Data(base64Encoded: encoded) else { throw RuntimeError("\(signatureFile): the signature is not base64") }
        var annotations: [String: String] = [:]
        annotations[CosignFormat.certificateAnnotation] = try certificate.map { try KeyFiles.readText($0, what: "certificate") }
        annotations[CosignFormat.chainAnnotation] = try certificateChain.map { try KeyFiles.readText($0, what: "certificate chain") }
        annotations[CosignFormat.rekorBundleAnnotation] = try rekorBundle.map { try KeyFiles.readText($0, what: "Rekor bundle") }
        let candidate = SignatureCandidate(source: .detached(signatureFile),
                                           content: .simpleSigning(payload: payloadData, signature: signatureData, annotations: annotations))
        // Only a digest-pinned reference is verified without contacting the registry.
        if let reference = try? ImageReference(parsing: image), let pinned = reference.digest, let digest = try? Digest(parsing: pinned) {
            let verifier = SignatureVerifier(policy: try resolvedPolicy(policy, identity: SignedImage.cosignIdentity(reference)))
            return (await verifier.verify([candidate], digest: digest), reference.description)
        }
        let target = try await SigningTarget.open(image, registry: registry)
        let verifier = SignatureVerifier(policy: try resolvedPolicy(policy, identity: target.image.identity))
        let report = await verifier.verify([candidate], digest: target.image.digest)
        await target.close()
        return (report, target.image.reference)
    }

    private func makePolicy() throws -> VerificationPolicy {
        let keys = try key.flatMap(KeyFiles.verificationKeys)
        var root = TrustedRoot()
        for file in trustedRoot {
            do {
                root = root.merging(try TrustedRoot.load(contentsOf: file))
            } catch {
                throw RuntimeError("\(file): \(error)")
            }
        }
        var rekorKeys = root.rekorKeys
        for file in rekorKey {
            let pem = try KeyFiles.readText(file, what: "Rekor public key")
            do {
                rekorKeys.append(try RekorKey(subjectPublicKeyInfoDER: try VerificationKey(pem: pem).subjectPublicKeyInfoDER))
            } catch {
                throw RuntimeError("\(file): \(error)")
            }
        }
        if requireTlog && rekorKeys.isEmpty {
            throw RuntimeError("--require-tlog needs a Rekor public key: --rekor-key FILE or a --trusted-root with tlogs")
        }
        var certificates: VerificationPolicy.CertificateRequirement?
        if !root.certificateAuthorities.isEmpty || certificateIdentity != nil || certificateIdentityRegexp != nil {
            guard !root.certificateAuthorities.isEmpty else {
                throw RuntimeError("--certificate-identity needs --trusted-root with the CA certificates that issue signing certificates")
            }
            do {
                let identity = try certificateIdentity.map(IdentityMatcher.exact) ?? certificateIdentityRegexp.map(IdentityMatcher.regexp)
                let issuer = try certificateOidcIssuer.map(IdentityMatcher.exact) ?? certificateOidcIssuerRegexp.map(IdentityMatcher.regexp)
                if identity != nil {
                    certificates = .init(trustedRoot: root, identity: CertificateIdentityPolicy(identity: identity, issuer: issuer))
                }
            } catch {
                throw RuntimeError("\(error)")
            }
        }
        return VerificationPolicy(keys: keys, certificates: certificates, rekorKeys: rekorKeys, requireTransparencyLog: requireTlog,
                                  requiredAnnotations: try AnnotationArguments.parse(annotations), referenceCheck: .ignore)
    }

    /// Fills in the reference the signatures must name: --expected-reference, else the image's own repository.
    private func resolvedPolicy(_ policy: VerificationPolicy, identity: String?) throws -> VerificationPolicy {
        var resolved = policy
        let expected = expectedReference ?? identity
        switch referenceCheck {
        case "ignore":
            resolved.referenceCheck = .ignore
        case "exact":
            guard let expected = expectedReference ?? (try? ImageReference(parsing: image)).map(\.description) else {
                throw RuntimeError("--reference-check exact needs --expected-reference for \(image)")
            }
            resolved.referenceCheck = .exact(expected)
        default:
            guard let expected else {
                throw RuntimeError("\(image) does not name its repository; give --expected-reference REGISTRY/REPOSITORY or --reference-check ignore")
            }
            resolved.referenceCheck = .repository(expected)
        }
        return resolved
    }

    private func finish(_ report: VerificationReport, image: String, policy: VerificationPolicy) throws {
        var err = ""
        for note in report.notes { err += "moat: note: \(note)\n" }
        if report.passed {
            err += "\nVerification for \(image) (\(report.digest)) --\nThe following checks were performed on each of these signatures:\n"
            err += "  - The signed claims were validated (digest\(referenceCheck == "ignore" ? "" : ", " + referenceCheck + " reference")\(policy.requiredAnnotations.isEmpty ? "" : ", annotations"))\n"
            err += "  - The signatures were verified against the specified public key or trusted certificate\n"
            if !policy.rekorKeys.isEmpty { err += "  - Rekor bundles present were verified offline against the given Rekor key\n" }
            if !report.rejected.isEmpty {
                err += "Signatures that did not count:\n" + report.rejected.map { "  - \($0)\n" }.joined()
            }
            FileHandle.standardError.write(Data(err.utf8))
            if output == "text" {
                for signature in report.verified {
                    print("\(signature.source): verified, signed by \(signature.signer)"
                          + (signature.integratedTime.map { " (logged in Rekor at \(ISO8601DateFormatter().string(from: $0)))" } ?? ""))
                }
            } else {
                print("[" + report.verified.map { String(decoding: $0.payload, as: UTF8.self) }.joined(separator: ",") + "]")
            }
            return
        }
        FileHandle.standardError.write(Data(err.utf8))
        if report.rejected.isEmpty {
            throw RuntimeError("no signatures found for \(image) (\(report.digest)): looked in \(CosignFormat.signatureTag(for: report.digest)) and the referrers of the digest")
        }
        throw RuntimeError("no valid signature for \(image) (\(report.digest)):\n" + report.rejected.map { "  - \($0)" }.joined(separator: "\n"))
    }
}
