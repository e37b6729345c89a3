import Crypto
import Foundation
import ImageSigning
import OCIModel
import Registry
import SigstoreKeys
import Testing

/// Signing into an OCI layout and verifying from it, and the tamper corpus: every forged or damaged signature is
/// rejected with its reason while an untouched one still verifies.
@Suite struct SignAndVerifyTests {
    @Test func signedImageVerifiesAndResigningAddsNothing() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        let signer = ImageSigner(key: key)
        let first = try await signer.sign(fixture.image, identity: "registry.example.com/team/app", annotations: [:], format: .simpleSigning)
        #expect(first.alreadySigned == false)
        let again = try await signer.sign(fixture.image, identity: "registry.example.com/team/app", annotations: [:], format: .simpleSigning)
        #expect(again.alreadySigned, "the same payload signed by the same key is a duplicate")
        let report = try await fixture.verify([key.publicKey])
        #expect(report.passed)
        #expect(report.verified.count == 1)
        #expect(report.rejected.isEmpty, "\(report.reasons())")
        #expect(report.verified.first?.payload == first.payload)

        let stranger = try await fixture.verify([SigningKey.generate().publicKey])
        #expect(!stranger.passed)
        #expect(stranger.reasons().contains("does not verify with the key given"))
        let otherCurve = try VerificationKey(subjectPublicKeyInfoDER: P384.Signing.PrivateKey().publicKey.derRepresentation)
        let wrongCurve = try await fixture.verify([otherCurve])
        #expect(!wrongCurve.passed, "a P-384 key does not verify a P-256 signature")
        #expect(wrongCurve.reasons().contains("does not verify with the key given"))

        let unsigned = try await SignatureVerifier(policy: fixture.policy([key.publicKey], check: .repository("registry.example.com/team/other")))
            .verify(fixture.other)
        #expect(!unsigned.passed)
        #expect(unsigned.rejected.isEmpty && unsigned.verified.isEmpty, "no signatures at all for the other image")
    }

    @Test func anyOfSeveralKeysAndASecondSignerAppends() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let alice = SigningKey.generate(), bob = SigningKey.generate()
        _ = try await ImageSigner(key: alice).sign(fixture.image, identity: "registry.example.com/team/app", annotations: [:], format: .simpleSigning)
        _ = try await ImageSigner(key: bob).sign(fixture.image, identity: "registry.example.com/team/app", annotations: ["by": "bob"], format: .simpleSigning)
        let sig = try #require(try await fixture.store.manifest(tag: CosignFormat.signatureTag(for: fixture.image.digest)))
        #expect(try JSONDecoder().decode(Manifest.self, from: sig.data).layers.count == 2)

        let onlyBob = try await fixture.verify([SigningKey.generate().publicKey, bob.publicKey])
        #expect(onlyBob.verified.count == 1)
        #expect(onlyBob.rejected.count == 1 && onlyBob.reasons().contains("any of the 2 keys"))
        let both = try await fixture.verify([alice.publicKey, bob.publicKey])
        #expect(both.verified.count == 2)
        let annotated = try await fixture.verify([alice.publicKey, bob.publicKey], annotations: ["by": "bob"])
        #expect(annotated.verified.count == 1)
        #expect(annotated.reasons().contains("annotation by is required but not signed"))
        let wrongValue = try await fixture.verify([bob.publicKey], annotations: ["by": "alice"])
        #expect(wrongValue.reasons().contains("annotation by is \"bob\", not \"alice\""))
    }

    @Test func tamperCorpusIsRejectedWithReasons() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        let good = try fixture.signedLayer(fixture.payload(), key: key)
        let goodSignature = try #require(good.descriptor.annotations?[CosignFormat.signatureAnnotation])

        func forged(_ payload: Data, signature: String? = goodSignature, mediaType: String = CosignFormat.simpleSigningMediaType,
                    size: Int64? = nil) -> (payload: Data?, descriptor: Descriptor) {
            var annotations: [String: String] = [:]
            annotations[CosignFormat.signatureAnnotation] = signature
            return (payload, Descriptor(mediaType: mediaType, digest: Digest.sha256(of: payload), size: size ?? Int64(payload.count),
                                        annotations: annotations))
        }
        let original = try #require(good.payload)
        let editedDigest = fixture.payload(digest: fixture.other.digest)
        let editedReference = fixture.payload(reference: "registry.example.com/evil/app")
        let editedType = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "cosign container image signature", with: "x").utf8)
        var flipped = try #require(Data(base64Encoded: goodSignature))
        flipped[flipped.count / 2] ^= 0x01
        let truncated = try #require(Data(base64Encoded: goodSignature)).prefix(20)
        let otherImage = try fixture.signedLayer(fixture.payload(digest: fixture.other.digest), key: key)
        let wrongKey = try fixture.signedLayer(fixture.payload(optional: ["k": "v"]), key: SigningKey.generate())
        let otherRepository = try fixture.signedLayer(fixture.payload(reference: "registry.example.com/evil/app", optional: ["r": "1"]), key: key)
        let unknownCritical = Data(#"{"critical":{"identity":{"docker-reference":"registry.example.com/team/app"},"image":{"docker-manifest-digest":"\#(fixture.image.digest)"},"type":"cosign container image signature","extra":"x"},"optional":null}"#.utf8)
        let missingBlob = Data("never stored".utf8)

        let corpus: [(String, (payload: Data?, descriptor: Descriptor))] = [
            ("does not verify", forged(editedDigest)),
            ("does not verify", forged(editedReference)),
            ("does not verify", forged(editedType)),
            ("does not verify", forged(original + Data(" ".utf8))),
            ("does not verify", forged(original, signature: flipped.base64EncodedString())),
            ("does not verify", forged(original, signature: truncated.base64EncodedString())),
            ("does not verify", wrongKey),
            ("signs \(fixture.other.digest), not this image's", otherImage),
            ("signed for registry.example.com/evil/app", otherRepository),
            ("does not know: extra", try fixture.signedLayer(unknownCritical, key: key)),
            ("a duplicate of layer 1", good),
            ("media type is application/vnd.oci.image.layer.v1.tar", forged(original, mediaType: MediaType.ociLayer)),
            ("has no dev.cosignproject.cosign/signature", forged(original, signature: nil)),
            ("not base64", forged(original, signature: "%%%not base64%%%")),
            ("cannot be read", (nil, forged(missingBlob).descriptor)),
            ("declares 3", forged(Data("abcdef".utf8), size: 3)),
            ("payloads over", forged(Data("x".utf8), size: 1 << 30)),
        ]
        try await fixture.writeSignatureLayers([good] + corpus.map(\.1))
        let report = try await fixture.verify([key.publicKey])
        #expect(report.verified.count == 1, "only the untouched signature verifies: \(report.reasons())")
        #expect(report.verified.first?.source == .simpleSigning(tag: CosignFormat.signatureTag(for: fixture.image.digest), layer: 1))
        #expect(report.rejected.count == corpus.count)
        for (offset, (reason, _)) in corpus.enumerated() {
            let rejection = report.rejected.first { $0.source == .simpleSigning(tag: CosignFormat.signatureTag(for: fixture.image.digest), layer: offset + 2) }
            #expect(rejection?.reason.contains(reason) == true, "layer \(offset + 2): expected “\(reason)”, got “\(rejection?.reason ?? "nothing")”")
        }
    }

    @Test func referenceChecks() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        // containers/image signs the reference with its tag; cosign without.
        try await fixture.writeSignatureLayers([try fixture.signedLayer(fixture.payload(reference: "registry.example.com/team/app:1.0"), key: key)])
        #expect(try await fixture.verify([key.publicKey]).passed, "repository match ignores the tag")
        #expect(try await fixture.verify([key.publicKey], check: .exact("registry.example.com/team/app:1.0")).passed)
        let exactOther = try await fixture.verify([key.publicKey], check: .exact("registry.example.com/team/app:2.0"))
        #expect(exactOther.reasons().contains("not exactly registry.example.com/team/app:2.0"))
        let elsewhere = try await fixture.verify([key.publicKey], check: .repository("registry.example.com/team/app-evil"))
        #expect(!elsewhere.passed)
        #expect(try await fixture.verify([key.publicKey], check: .ignore).passed)
        // Docker Hub: cosign signs index.docker.io/library/x; the user writes x or docker.io/x.
        try await fixture.writeSignatureLayers([try fixture.signedLayer(fixture.payload(reference: "index.docker.io/library/nginx"), key: key)])
        #expect(try await fixture.verify([key.publicKey], check: .repository("nginx")).passed)
        #expect(try await fixture.verify([key.publicKey], check: .repository("docker.io/library/nginx")).passed)
        #expect(try await !fixture.verify([key.publicKey], check: .repository("docker.io/library/nginx-evil")).passed)
    }

    @Test func bundleFormatAsReferrerInTheFallbackTag() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        let outcome = try await ImageSigner(key: key).sign(fixture.image, identity: "registry.example.com/team/app", annotations: ["env": "prod"],
                                                            format: .bundle)
        #expect(outcome.signatureTag == nil)
        let referrer = try #require(outcome.bundleReferrer)
        #expect(outcome.usedReferrersFallbackTag, "an OCI layout has no referrers API")
        let index = try #require(try await fixture.store.manifest(tag: CosignFormat.referrersTag(for: fixture.image.digest)))
        let decoded = try JSONDecoder().decode(Index.self, from: index.data)
        #expect(decoded.manifests.map(\.digest) == [referrer])
        #expect(decoded.manifests.first?.artifactType == CosignFormat.bundleMediaType)
        let manifest = try JSONDecoder().decode(Manifest.self, from: try await fixture.store.manifest(digest: referrer).data)
        #expect(manifest.subject?.digest == fixture.image.digest)
        #expect(manifest.config.mediaType == CosignFormat.emptyConfigMediaType && manifest.config.size == 2)

        let report = try await fixture.verify([key.publicKey], annotations: ["env": "prod"])
        #expect(report.passed, "\(report.reasons())")
        #expect(report.verified.first?.source == .bundle(referrer: referrer))
        let statement = try JSONDecoder().decode(InTotoStatement.self, from: try #require(report.verified.first?.payload))
        #expect(statement.subject.first?.digest["sha256"] == fixture.image.digest.hex)
        #expect(try await !fixture.verify([SigningKey.generate().publicKey]).passed)

        // The layout's images are still what `moat image` finds: the signature artifacts are skipped.
        #expect(try SignedImage.layout(fixture.store, name: SigningFixture.name).digest == fixture.image.digest)
        #expect(try fixture.store.index().manifests.count == 3, "two images and the fallback index that holds the referrer")
        _ = try await ImageSigner(key: key).sign(fixture.image, identity: "registry.example.com/team/app", annotations: [:], format: .both)
        let both = try await fixture.verify([key.publicKey])
        #expect(both.verified.count == 3, "two bundles and one simple signature: \(both.reasons())")
    }

    @Test func tamperedBundleIsRejected() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        // A bundle whose statement names the other image, validly signed, stored as this image's referrer.
        let statement = InTotoStatement(name: "registry.example.com/team/app", digest: fixture.other.digest, annotations: nil)
        let statementBytes = try JSONEncoder().encode(statement)
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: DSSEEnvelope.inTotoPayloadType, payload: statementBytes)
        let envelope = DSSEEnvelope(payload: statementBytes.base64EncodedString(), payloadType: DSSEEnvelope.inTotoPayloadType,
                                    signatures: [.init(sig: try key.signature(for: pae).base64EncodedString(), keyid: nil)])
        var edited = envelope
        edited.payload = Data(String(decoding: statementBytes, as: UTF8.self).replacingOccurrences(of: fixture.other.digest.hex, with: fixture.image.digest.hex).utf8).base64EncodedString()
        for bundle in [SigstoreBundle(keyHint: key.publicKey.hint, envelope: envelope), SigstoreBundle(keyHint: key.publicKey.hint, envelope: edited)] {
            try await storeReferrer(bundle, fixture: fixture)
        }
        let report = try await fixture.verify([key.publicKey])
        #expect(!report.passed)
        #expect(report.rejected.count == 2)
        #expect(report.reasons().contains("it signs \(fixture.other.digest)"), "\(report.reasons())")
        #expect(report.reasons().contains("does not verify"), "\(report.reasons())")
    }

    @Test func signatureManifestHasALayerCap() async throws {
        let fixture = try SigningFixture()
        defer { fixture.remove() }
        let key = SigningKey.generate()
        let filler = (0..<CosignFormat.maximumSignatureLayers).map { number in
            SignatureManifest.layer(payload: Data("\(number)".utf8), signature: Data([1]))
        }
        try await fixture.writeSignatureLayers(filler.map { (nil, $0) })
        await #expect(throws: SigningError.self) {
            _ = try await ImageSigner(key: key).sign(fixture.image, identity: "registry.example.com/team/app", annotations: [:], format: .simpleSigning)
        }
    }

    private func storeReferrer(_ bundle: SigstoreBundle, fixture: SigningFixture) async throws {
        let data = try JSONEncoder().encode(bundle)
        try await fixture.store.putBlob(data)
        try await fixture.store.putBlob(Data("{}".utf8))
        var manifest = Manifest(config: Descriptor(mediaType: CosignFormat.emptyConfigMediaType, digest: Digest.sha256(of: Data("{}".utf8)), size: 2),
                                layers: [Descriptor(mediaType: CosignFormat.bundleMediaType, digest: Digest.sha256(of: data), size: Int64(data.count))])
        manifest.artifactType = CosignFormat.bundleMediaType
        manifest.subject = fixture.image.descriptor
        let manifestData = try JSONEncoder().encode(manifest)
        let pushed = try await fixture.store.putManifest(manifestData, mediaType: MediaType.ociManifest, tag: nil)
        let tag = CosignFormat.referrersTag(for: fixture.image.digest)
        var index = Index(manifests: [])
        if let existing = try await fixture.store.manifest(tag: tag) { index = try JSONDecoder().decode(Index.self, from: existing.data) }
        var descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: pushed.digest, size: Int64(manifestData.count))
        descriptor.artifactType = CosignFormat.bundleMediaType
        index.manifests.append(descriptor)
        _ = try await fixture.store.putManifest(try JSONEncoder().encode(index), mediaType: MediaType.ociIndex, tag: tag)
    }
}
