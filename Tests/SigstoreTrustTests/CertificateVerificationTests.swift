import Crypto
import Foundation
import SigstoreTrust
import SwiftASN1
import Testing
import X509

@Suite("Keyless certificate verification")
struct CertificateVerificationTests {
    private let alicePolicy = CertificateIdentityPolicy(
        identity: .exact(Material.aliceIdentity), issuer: .exact(Material.aliceIssuer)
    )

    @Test("root → intermediate → leaf from trusted_root.json verifies, returning identity, issuer and key")
    func validChain() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let verified = try await CertificateVerification.verify(
            leafPEM: material.read("alice-leaf.pem"), chainPEM: material.chainPEM, trustedRoot: root, at: Date(),
            policy: alicePolicy
        )
        #expect(verified.identity == Material.aliceIdentity)
        #expect(verified.issuer == Material.aliceIssuer)
        let key = try P256.Signing.PrivateKey(pemRepresentation: material.read("alice-leaf.key"))
        #expect(verified.subjectPublicKeyInfoDER == key.publicKey.derRepresentation)
        #expect(verified.chain.count == 3)
        #expect(verified.chain.last == root.trustedCertificates.first(where: \.isRoot)?.certificate)

        // The key verifies a signature made by the Python reference with the leaf's private key.
        let payload = Data("hello".utf8)
        try payload.write(to: URL(fileURLWithPath: material.path("hello.txt")))
        let signature = try await Reference.text(["sign", "--key", material.path("alice-leaf.key"), "--payload", material.path("hello.txt")])
        let publicKey = try P256.Signing.PublicKey(derRepresentation: verified.subjectPublicKeyInfoDER)
        let parsed = try P256.Signing.ECDSASignature(
            derRepresentation: try #require(Data(base64Encoded: signature.trimmingCharacters(in: .whitespacesAndNewlines)))
        )
        #expect(publicKey.isValidSignature(parsed, for: payload))
    }

    @Test("a PEM root file plus the chain annotation verifies; so does a PEM file with the intermediate and no chain")
    func pemTrustedRoots() async throws {
        let material = try await Material.shared.value
        let leaf = try material.read("alice-leaf.pem")
        let rootOnly = try material.pemRoot("ca-root.pem")
        let viaChain = try await CertificateVerification.verify(
            leafPEM: leaf, chainPEM: material.read("ca-intermediate.pem"), trustedRoot: rootOnly, at: Date(), policy: alicePolicy
        )
        #expect(viaChain.identity == Material.aliceIdentity)
        let both = try material.pemRoot("ca-intermediate.pem", "ca-root.pem")
        let viaTrust = try await CertificateVerification.verify(
            leafPEM: leaf, chainPEM: nil, trustedRoot: both, at: Date(), policy: alicePolicy
        )
        #expect(viaTrust.chain.count == 3)
    }

    @Test("a certificate expired now verifies at the integrated time of its Rekor entry")
    func expiredNowValidAtIntegratedTime() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let leaf = try material.read("old-leaf.pem")
        let error = await expectTrustError(.certificateNotValidAtTime) {
            try await CertificateVerification.verify(
                leafPEM: leaf, chainPEM: material.chainPEM, trustedRoot: root, at: Date(), policy: alicePolicy
            )
        }
        #expect(error?.message.contains("10 minutes") == true)

        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let entry = try bundle.verify(with: root.rekorKeys)
        #expect(entry.publicKeyPEM == leaf)
        let verified = try await CertificateVerification.verify(
            leafPEM: leaf, chainPEM: material.chainPEM, trustedRoot: root, at: bundle.integratedTime, policy: alicePolicy
        )
        #expect(verified.identity == Material.aliceIdentity)
        #expect(try entry.subjectPublicKeyInfoDER() == verified.subjectPublicKeyInfoDER)
    }

    @Test("a chain to a root that is not trusted is rejected")
    func untrustedRoot() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        // The stranger leaf comes from another CA; its own chain is handed along and must not help.
        let strangerChain = try material.read("other-intermediate.pem") + material.read("other-root.pem")
        let error = await expectTrustError(.untrustedChain) {
            try await CertificateVerification.verify(
                leafPEM: material.read("stranger-leaf.pem"), chainPEM: strangerChain, trustedRoot: root, at: Date(),
                policy: alicePolicy
            )
        }
        #expect(error?.message.contains("no chain leads") == true)
        // Our leaf with only the other CA trusted.
        await expectTrustError(.untrustedChain) {
            try await CertificateVerification.verify(
                leafPEM: material.read("alice-leaf.pem"), chainPEM: material.chainPEM,
                trustedRoot: material.pemRoot("other-root.pem"), at: Date(), policy: alicePolicy
            )
        }
    }

    @Test("a missing intermediate leaves no chain")
    func missingIntermediate() async throws {
        let material = try await Material.shared.value
        await expectTrustError(.untrustedChain) {
            try await CertificateVerification.verify(
                leafPEM: material.read("alice-leaf.pem"), chainPEM: material.read("ca-root.pem"),
                trustedRoot: material.pemRoot("ca-root.pem"), at: Date(), policy: alicePolicy
            )
        }
    }

    @Test("a PEM file holding only the intermediate has no root to end at")
    func intermediateIsNotAnAnchor() async throws {
        let material = try await Material.shared.value
        let error = await expectTrustError(.noTrustedAuthority) {
            try await CertificateVerification.verify(
                leafPEM: material.read("alice-leaf.pem"), chainPEM: nil,
                trustedRoot: material.pemRoot("ca-intermediate.pem"), at: Date(), policy: alicePolicy
            )
        }
        #expect(error?.message.contains("no self-signed root") == true)
    }

    @Test("a leaf without the code-signing extended key usage is rejected")
    func noCodeSigning() async throws {
        let material = try await Material.shared.value
        let error = await expectTrustError(.notCodeSigning) {
            try await CertificateVerification.verify(
                leafPEM: material.read("nocodesigning-leaf.pem"), chainPEM: material.chainPEM,
                trustedRoot: TrustedRoot.load(contentsOf: material.trustedRootFile), at: Date(), policy: alicePolicy
            )
        }
        #expect(error?.message.contains("code signing") == true)
    }

    @Test("identities match exactly or by unanchored regexp, and a mismatch says which flag failed")
    func identityMatching() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let leaf = try material.read("alice-leaf.pem")
        let chain = try material.chainPEM
        func verify(_ identity: IdentityMatcher) async throws -> VerifiedCertificate {
            try await CertificateVerification.verify(
                leafPEM: leaf, chainPEM: chain, trustedRoot: root, at: Date(),
                policy: CertificateIdentityPolicy(identity: identity, issuer: .exact(Material.aliceIssuer))
            )
        }
        #expect(try await verify(.exact("alice@example.com")).identity == "alice@example.com")
        #expect(try await verify(.regexp(#"^alice@example\.com$"#)).identity == "alice@example.com")
        // Matches only because Go's MatchString (and this) search rather than anchor.
        #expect(try await verify(.regexp(#"example\.com"#)).identity == "alice@example.com")
        #expect(try await verify(.regexp("lice@")).identity == "alice@example.com")

        let exact = await expectTrustError(.identityMismatch) { try await verify(.exact("bob@example.com")) }
        #expect(exact?.message == "the certificate's identity alice@example.com does not match --certificate-identity bob@example.com")
        let prefix = await expectTrustError(.identityMismatch) { try await verify(.exact("alice@example.co")) }
        #expect(prefix != nil)
        let regexp = await expectTrustError(.identityMismatch) { try await verify(.regexp("^example")) }
        #expect(regexp?.message.hasSuffix("does not match --certificate-identity-regexp ^example") == true)
    }

    @Test("a URI identity (a GitHub workflow) matches by regexp")
    func workflowIdentity() async throws {
        let material = try await Material.shared.value
        let verified = try await CertificateVerification.verify(
            leafPEM: material.read("workflow-leaf.pem"), chainPEM: material.chainPEM,
            trustedRoot: TrustedRoot.load(contentsOf: material.trustedRootFile), at: Date(),
            policy: CertificateIdentityPolicy(
                identity: try .regexp(#"^https://github\.com/acme/app/\.github/workflows/.*@refs/heads/main$"#),
                issuer: .exact(Material.workflowIssuer)
            )
        )
        #expect(verified.identity == Material.workflowIdentity)
        #expect(verified.issuer == Material.workflowIssuer)
    }

    @Test("a Fulcio username otherName is an identity")
    func otherNameIdentity() async throws {
        let material = try await Material.shared.value
        let verified = try await CertificateVerification.verify(
            leafPEM: material.read("username-leaf.pem"), chainPEM: material.chainPEM,
            trustedRoot: TrustedRoot.load(contentsOf: material.trustedRootFile), at: Date(),
            policy: CertificateIdentityPolicy(identity: .exact("alice"), issuer: nil)
        )
        #expect(verified.identity == "alice")
    }

    @Test("the issuer comes from the v2 extension, or from the deprecated v1 one alone")
    func issuerExtensions() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        for name in ["alice-leaf.pem", "v1only-leaf.pem"] {
            let verified = try await CertificateVerification.verify(
                leafPEM: material.read(name), chainPEM: material.chainPEM, trustedRoot: root, at: Date(),
                policy: CertificateIdentityPolicy(identity: nil, issuer: try .regexp(#"^https://accounts\.example\.com$"#))
            )
            #expect(verified.issuer == Material.aliceIssuer, "\(name)")
        }
        let v1 = try Certificate(pemEncoded: material.read("v1only-leaf.pem"))
        #expect(v1.extensions[oid: [1, 3, 6, 1, 4, 1, 57264, 1, 8]] == nil)
    }

    @Test("an issuer mismatch is rejected with both values")
    func issuerMismatch() async throws {
        let material = try await Material.shared.value
        let error = await expectTrustError(.issuerMismatch) {
            try await CertificateVerification.verify(
                leafPEM: material.read("alice-leaf.pem"), chainPEM: material.chainPEM,
                trustedRoot: TrustedRoot.load(contentsOf: material.trustedRootFile), at: Date(),
                policy: CertificateIdentityPolicy(identity: .exact(Material.aliceIdentity), issuer: .exact("https://evil.example"))
            )
        }
        #expect(
            error?.message
                == "the certificate's OIDC issuer https://accounts.example.com does not match --certificate-oidc-issuer https://evil.example"
        )
    }

    @Test("garbage instead of a certificate is reported as such")
    func garbagePEM() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let leaf = try material.read("alice-leaf.pem")
        let inputs: [(String, String?)] = [
            ("not a certificate", nil),
            ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", nil),
            (try material.read("alice-leaf.key"), nil),
            (leaf + leaf, nil),
            (leaf, "junk"),
        ]
        for (leafPEM, chainPEM) in inputs {
            await expectTrustError(.malformedCertificate) {
                try await CertificateVerification.verify(
                    leafPEM: leafPEM, chainPEM: chainPEM, trustedRoot: root, at: Date(), policy: alicePolicy
                )
            }
        }
    }

    @Test("a CA outside its trusted_root.json validFor window is not used")
    func authorityWindow() async throws {
        let material = try await Material.shared.value
        let now = Int(Date().timeIntervalSince1970)
        let document = try await Reference.run([
            "trusted-root", "--ca", material.caPrefix, "--rekor-key", material.rekorPublicKeyFile,
            "--ca-valid-from", String(now - 86400 * 30), "--ca-valid-until", String(now - 86400),
        ])
        let root = try TrustedRoot(contents: document)
        let error = await expectTrustError(.noTrustedAuthority) {
            try await CertificateVerification.verify(
                leafPEM: material.read("alice-leaf.pem"), chainPEM: material.chainPEM, trustedRoot: root, at: Date(),
                policy: alicePolicy
            )
        }
        #expect(error?.message.contains("validFor") == true)
        // The old leaf, checked at its integrated time (inside the window), still verifies.
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let verified = try await CertificateVerification.verify(
            leafPEM: material.read("old-leaf.pem"), chainPEM: material.chainPEM, trustedRoot: root,
            at: bundle.integratedTime, policy: alicePolicy
        )
        #expect(verified.identity == Material.aliceIdentity)
    }

    @Test("an invalid regexp is refused when the matcher is made")
    func invalidPattern() {
        #expect(throws: TrustError(.invalidPattern, "")) { try IdentityMatcher.regexp("(unclosed") }
        #expect(IdentityMatcher.exact("a").matches("a"))
        #expect(!IdentityMatcher.exact("a").matches("ab"))
    }

    // MARK: - Certificates made with swift-certificates

    @Test("a swift-certificates chain verifies, with the issuer and identity it was given")
    func swiftMadeChain() async throws {
        let authority = try SwiftFulcio()
        let (leaf, key) = try authority.leaf(identity: .uniformResourceIdentifier("https://ci.example/job/1"), issuer: "https://ci.example")
        let verified = try await CertificateVerification.verify(
            leafPEM: try leaf.serializeAsPEM().pemString, chainPEM: try authority.intermediate.serializeAsPEM().pemString,
            trustedRoot: TrustedRoot(certificateAuthorities: [authority.root]), at: Date(),
            policy: CertificateIdentityPolicy(identity: .exact("https://ci.example/job/1"), issuer: .exact("https://ci.example"))
        )
        #expect(verified.subjectPublicKeyInfoDER == key.publicKey.derRepresentation)
        #expect(verified.issuer == "https://ci.example")
    }

    @Test("an intermediate whose extended key usage excludes code signing cannot issue signing certificates")
    func intermediateWithoutCodeSigning() async throws {
        let authority = try SwiftFulcio(intermediateUsages: [.serverAuth])
        let (leaf, _) = try authority.leaf(identity: .rfc822Name("ci@example.com"), issuer: "https://ci.example")
        let error = await expectTrustError(.notCodeSigning) {
            try await CertificateVerification.verify(
                leaf: leaf, chain: [authority.intermediate], trustedRoot: TrustedRoot(certificateAuthorities: [authority.root]),
                at: Date(), policy: CertificateIdentityPolicy(identity: nil, issuer: nil)
            )
        }
        #expect(error?.message.contains("may not issue code-signing certificates") == true)
    }

    @Test("a leaf with an unknown critical extension is refused")
    func unknownCriticalExtension() async throws {
        let authority = try SwiftFulcio()
        let (leaf, _) = try authority.leaf(
            identity: .rfc822Name("ci@example.com"), issuer: "https://ci.example",
            extra: Certificate.Extension(oid: [1, 2, 3, 4], critical: true, value: [0x05, 0x00])
        )
        await expectTrustError(.unhandledCriticalExtension) {
            try await CertificateVerification.verify(
                leaf: leaf, chain: [authority.intermediate], trustedRoot: TrustedRoot(certificateAuthorities: [authority.root]),
                at: Date(), policy: CertificateIdentityPolicy(identity: nil, issuer: nil)
            )
        }
    }

    @Test("a certificate without any issuer extension fails an issuer policy")
    func missingIssuer() async throws {
        let authority = try SwiftFulcio()
        let (leaf, _) = try authority.leaf(identity: .rfc822Name("ci@example.com"), issuer: nil)
        let root = TrustedRoot(certificateAuthorities: [authority.root, authority.intermediate])
        let verified = try await CertificateVerification.verify(
            leaf: leaf, chain: [], trustedRoot: root, at: Date(), policy: CertificateIdentityPolicy(identity: nil, issuer: nil)
        )
        #expect(verified.issuer == nil)
        #expect(verified.identity == "ci@example.com")
        await expectTrustError(.missingIssuer) {
            try await CertificateVerification.verify(
                leaf: leaf, chain: [], trustedRoot: root, at: Date(),
                policy: CertificateIdentityPolicy(identity: nil, issuer: .exact("https://ci.example"))
            )
        }
    }
}

/// A Fulcio-shaped CA made with swift-certificates: P-384 root and intermediate, P-256 leaves.
struct SwiftFulcio {
    let rootKey = P384.Signing.PrivateKey()
    let intermediateKey = P384.Signing.PrivateKey()
    let root: Certificate
    let intermediate: Certificate

    init(intermediateUsages: [ExtendedKeyUsage.Usage] = [.codeSigning]) throws {
        let now = Date()
        let rootName = try DistinguishedName { OrganizationName("moat"); CommonName("swift fulcio root") }
        root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: now - 86400, notValidAfter: now + 86400 * 365, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey)
        )
        intermediate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey),
            notValidBefore: now - 86400, notValidAfter: now + 86400 * 365, issuer: rootName,
            subject: try DistinguishedName { OrganizationName("moat"); CommonName("swift fulcio intermediate") },
            signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                try ExtendedKeyUsage(intermediateUsages)
            },
            issuerPrivateKey: .init(rootKey)
        )
    }

    func leaf(
        identity: GeneralName, issuer: String?, extra: Certificate.Extension? = nil
    ) throws -> (Certificate, P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        var extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.codeSigning])
            Critical(SubjectAlternativeNames([identity]))
        }
        if let issuer {
            var serializer = DER.Serializer()
            try serializer.serialize(ASN1UTF8String(issuer))
            try extensions.append(
                Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 57264, 1, 8], critical: false, value: serializer.serializedBytes[...])
            )
        }
        if let extra { try extensions.append(extra) }
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 60, notValidAfter: now + 540, issuer: intermediate.subject, subject: DistinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA384, extensions: extensions, issuerPrivateKey: .init(intermediateKey)
        )
        return (leaf, key)
    }
}
