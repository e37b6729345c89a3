public import Foundation
public import OCIModel
import Registry
public import SigstoreKeys

/// Where a signature is written: cosign's `.sig` tag (what most verifiers read), a Sigstore bundle referrer (cosign v3),
/// or both.
public enum SignatureFormat: String, Sendable, CaseIterable {
    case simpleSigning = "simple-signing"
    case bundle
    case both

    var writesSimpleSigning: Bool { self != .bundle }
    var writesBundle: Bool { self != .simpleSigning }
}

/// What signing produced and where it went.
public struct SignatureOutcome: Sendable {
    public var payload: Data
    public var signature: Data
    /// The `.sig` tag written, or nil when that format was not asked for.
    public var signatureTag: String?
    /// True when an equal signature by the same key was already there and nothing was added.
    public var alreadySigned: Bool
    /// The bundle referrer's manifest digest, when one was written.
    public var bundleReferrer: Digest?
    /// True when the referrer was also recorded in the fallback tag (the store has no referrers API).
    public var usedReferrersFallbackTag: Bool
}

/// Signs images the way cosign does, into any `ArtifactStore`.
public struct ImageSigner: Sendable {
    public let key: SigningKey

    public init(key: SigningKey) {
        self.key = key
    }

    /// The payload and signature without storing anything (`--upload=false`).
    public func signPayload(for image: SignedImage, identity: String, annotations: [String: String]) throws -> (payload: Data, signature: Data) {
        let payload = SimpleSigningPayload(dockerReference: identity, manifestDigest: image.digest,
                                           optional: annotations.isEmpty ? nil : annotations).bytes
        return (payload, try key.signature(for: payload))
    }

    public func sign(_ image: SignedImage, identity: String, annotations: [String: String], format: SignatureFormat,
                     upload: Bool = true) async throws -> SignatureOutcome {
        let (payload, signature) = try signPayload(for: image, identity: identity, annotations: annotations)
        var outcome = SignatureOutcome(payload: payload, signature: signature, signatureTag: nil, alreadySigned: false,
                                       bundleReferrer: nil, usedReferrersFallbackTag: false)
        guard upload else { return outcome }
        if format.writesSimpleSigning {
            outcome.signatureTag = CosignFormat.signatureTag(for: image.digest)
            outcome.alreadySigned = try await appendSignature(payload: payload, signature: signature, to: image)
        }
        if format.writesBundle {
            let written = try await writeBundle(for: image, identity: identity, annotations: annotations)
            outcome.bundleReferrer = written.digest
            outcome.usedReferrersFallbackTag = written.usedFallbackTag
        }
        return outcome
    }

    /// Adds a layer to the `.sig` manifest (read, append, write back, as cosign does: two signers racing can lose one
    /// signature). Returns true when the same payload is already signed by this key.
    func appendSignature(payload: Data, signature: Data, to image: SignedImage) async throws -> Bool {
        let tag = CosignFormat.signatureTag(for: image.digest)
        var layers: [Descriptor] = []
        if let existing = try await image.store.manifest(tag: tag) {
            layers = try SignatureManifest.parse(existing.data, tag: tag, store: image.store.displayName).layers
        }
        let payloadDigest = Digest.sha256(of: payload)
        let verifier = key.publicKey
        let duplicate = layers.contains { layer in
            guard layer.digest == payloadDigest,
                  let encoded = layer.annotations?[CosignFormat.signatureAnnotation],
                  let existingSignature = Data(base64Encoded: encoded) else { return false }
            return verifier.isValidSignature(existingSignature, for: payload)
        }
        if duplicate { return true }
        guard layers.count < CosignFormat.maximumSignatureLayers else {
            throw SigningError(.limit, "\(image.store.displayName):\(tag) already holds \(layers.count) signatures, cosign's limit; remove old signatures before adding more")
        }
        layers.append(SignatureManifest.layer(payload: payload, signature: signature))
        let (manifest, config) = try SignatureManifest.manifest(layers: layers)
        try await image.store.putBlob(payload)
        try await image.store.putBlob(config)
        _ = try await image.store.putManifest(manifest, mediaType: MediaType.ociManifest, tag: tag)
        return false
    }

    /// Pushes a Sigstore bundle as an OCI 1.1 referrer of the image, keeping the fallback tag when the store has no
    /// referrers API.
    func writeBundle(for image: SignedImage, identity: String, annotations: [String: String]) async throws -> (digest: Digest, usedFallbackTag: Bool) {
        let statement = InTotoStatement(name: identity, digest: image.digest, annotations: annotations.isEmpty ? nil : annotations)
        let statementBytes = try encodeMetadataJSON(statement)
        let signed = DSSEEnvelope.preAuthenticationEncoding(payloadType: DSSEEnvelope.inTotoPayloadType, payload: statementBytes)
        let envelope = DSSEEnvelope(payload: statementBytes.base64EncodedString(), payloadType: DSSEEnvelope.inTotoPayloadType,
                                    signatures: [DSSEEnvelope.Signature(sig: try key.signature(for: signed).base64EncodedString(), keyid: "")])
        let bundle = try encodeMetadataJSON(SigstoreBundle(keyHint: key.publicKey.hint, envelope: envelope))
        let emptyConfig = Data("{}".utf8)
        try await image.store.putBlob(emptyConfig)
        try await image.store.putBlob(bundle)
        var manifest = Manifest(
            mediaType: MediaType.ociManifest,
            config: Descriptor(mediaType: CosignFormat.emptyConfigMediaType, digest: Digest.sha256(of: emptyConfig), size: 2),
            layers: [Descriptor(mediaType: CosignFormat.bundleMediaType, digest: Digest.sha256(of: bundle), size: Int64(bundle.count))],
            annotations: Self.referrerAnnotations())
        manifest.artifactType = CosignFormat.bundleMediaType
        manifest.subject = Descriptor(mediaType: image.descriptor.mediaType, digest: image.digest, size: image.descriptor.size)
        let data = try encodeMetadataJSON(manifest)
        let pushed = try await image.store.putManifest(data, mediaType: MediaType.ociManifest, tag: nil)
        guard !pushed.subjectIndexed else { return (pushed.digest, false) }
        var descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: pushed.digest, size: Int64(data.count),
                                    annotations: manifest.annotations)
        descriptor.artifactType = CosignFormat.bundleMediaType
        try await ReferrersFallbackTag.add(descriptor, subject: image.digest, in: image.store)
        return (pushed.digest, true)
    }

    static func referrerAnnotations() -> [String: String] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return [
            "dev.sigstore.bundle.content": "dsse-envelope",
            "dev.sigstore.bundle.predicateType": CosignFormat.signPredicateType,
            "org.opencontainers.image.created": formatter.string(from: Date()),
        ]
    }
}

/// The OCI 1.1 referrers fallback: an index under `sha256-<hex>` listing the manifests whose subject is that digest.
enum ReferrersFallbackTag {
    static func add(_ descriptor: Descriptor, subject: Digest, in store: any ArtifactStore) async throws {
        let tag = CosignFormat.referrersTag(for: subject)
        var index = Index(manifests: [])
        if let existing = try await store.manifest(tag: tag) {
            guard let decoded = try? JSONDecoder().decode(Index.self, from: existing.data) else {
                throw SigningError(.invalidSignature, "\(store.displayName):\(tag) should be the referrers index of \(subject) but is not an index; remove that tag and sign again")
            }
            index = decoded
        }
        guard !index.manifests.contains(where: { $0.digest == descriptor.digest }) else { return }
        index.manifests.append(descriptor)
        _ = try await store.putManifest(try encodeMetadataJSON(index), mediaType: MediaType.ociIndex, tag: tag)
    }

    static func read(subject: Digest, in store: any ArtifactStore) async throws -> Index? {
        if let index = try await store.referrers(of: subject) { return index }
        guard let existing = try await store.manifest(tag: CosignFormat.referrersTag(for: subject)) else { return nil }
        return try? JSONDecoder().decode(Index.self, from: existing.data)
    }
}
