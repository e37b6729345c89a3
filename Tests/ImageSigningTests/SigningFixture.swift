import Foundation
import ImageSigning
import MoatTesting
import OCIModel
import Registry
import SigstoreKeys
import Testing

/// Two small images in an OCI layout, named as registry references, and helpers to forge signature manifests.
struct SigningFixture {
    let directory: String
    let store: OCILayoutArtifactStore
    let image: SignedImage
    let other: SignedImage

    static let name = "registry.example.com/team/app:1.0"
    static let otherName = "registry.example.com/team/other:1.0"

    init() throws {
        directory = try temporaryDirectory()
        var first = TestImage()
        var tar = TarBuilder()
        tar.file("app/main", "hello")
        first.addLayer(tar)
        var second = TestImage()
        var otherTar = TarBuilder()
        otherTar.file("app/main", "other")
        second.addLayer(otherTar)
        try ImageWriter.writeOCILayout([(Self.name, first), (Self.otherName, second)], to: directory)
        store = try OCILayoutArtifactStore(directory: directory)
        image = try SignedImage.layout(store, name: Self.name)
        other = try SignedImage.layout(store, name: Self.otherName)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func policy(_ keys: [VerificationKey], check: ReferenceCheck? = nil, annotations: [String: String] = [:]) -> VerificationPolicy {
        VerificationPolicy(keys: keys, requiredAnnotations: annotations,
                           referenceCheck: check ?? .repository("registry.example.com/team/app"))
    }

    func verify(_ keys: [VerificationKey], check: ReferenceCheck? = nil, annotations: [String: String] = [:]) async throws -> VerificationReport {
        try await SignatureVerifier(policy: policy(keys, check: check, annotations: annotations)).verify(image)
    }

    /// Replaces the image's `.sig` manifest with exactly these layers (payload blobs stored as given).
    func writeSignatureLayers(_ layers: [(payload: Data?, descriptor: Descriptor)]) async throws {
        for layer in layers {
            if let payload = layer.payload { try await store.putBlob(payload) }
        }
        let (manifest, config) = try SignatureManifest.manifest(layers: layers.map(\.descriptor))
        try await store.putBlob(config)
        _ = try await store.putManifest(manifest, mediaType: MediaType.ociManifest, tag: CosignFormat.signatureTag(for: image.digest))
    }

    /// A valid layer: `payload` signed by `key`.
    func signedLayer(_ payload: Data, key: SigningKey) throws -> (payload: Data?, descriptor: Descriptor) {
        (payload, SignatureManifest.layer(payload: payload, signature: try key.signature(for: payload)))
    }

    func payload(digest: Digest? = nil, reference: String = "registry.example.com/team/app", optional: [String: String]? = nil) -> Data {
        SimpleSigningPayload(dockerReference: reference, manifestDigest: digest ?? image.digest, optional: optional).bytes
    }
}

extension VerificationReport {
    func reasons() -> String { rejected.map(\.description).joined(separator: "\n") }
}
