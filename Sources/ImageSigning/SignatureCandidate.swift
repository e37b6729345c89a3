public import Foundation
public import OCIModel
import Registry

/// Where a signature under verification came from, for the report.
public enum SignatureSource: Sendable, Equatable, CustomStringConvertible {
    /// Layer `layer` (1-based) of the `.sig` manifest under `tag`.
    case simpleSigning(tag: String, layer: Int)
    /// The Sigstore bundle in the referrer manifest with this digest.
    case bundle(referrer: Digest)
    /// Files given on the command line (`--signature`, `--payload`).
    case detached(String)

    public var description: String {
        switch self {
        case .simpleSigning(let tag, let layer): return "\(tag) layer \(layer)"
        case .bundle(let referrer): return "bundle referrer \(referrer)"
        case .detached(let name): return name
        }
    }
}

/// One signature found for an image, before any check.
public struct SignatureCandidate: Sendable {
    public enum Content: Sendable {
        /// cosign's simple-signing payload, its signature, and the layer annotations (certificate, chain, Rekor bundle).
        case simpleSigning(payload: Data, signature: Data, annotations: [String: String])
        case bundle(SigstoreBundle)
        /// Found but unusable (garbage layer, unreadable blob): rejected with this reason.
        case unreadable(String)
    }

    public var source: SignatureSource
    public var content: Content

    public init(source: SignatureSource, content: Content) {
        self.source = source
        self.content = content
    }
}

/// Collects every signature an image has in both formats; anything malformed becomes an `unreadable` candidate so the
/// report says why it did not count.
enum SignatureCollector {
    /// Largest payload or bundle read (cosign's payloads are a few hundred bytes).
    static let blobLimit = 1 << 20

    static func candidates(for image: SignedImage) async throws -> [SignatureCandidate] {
        try await simpleSigning(for: image) + bundles(for: image)
    }

    static func simpleSigning(for image: SignedImage) async throws -> [SignatureCandidate] {
        let tag = CosignFormat.signatureTag(for: image.digest)
        guard let fetched = try await image.store.manifest(tag: tag) else { return [] }
        let manifest: Manifest
        do {
            manifest = try SignatureManifest.parse(fetched.data, tag: tag, store: image.store.displayName)
        } catch {
            return [SignatureCandidate(source: .simpleSigning(tag: tag, layer: 0), content: .unreadable(error.message))]
        }
        var seen: [String: Int] = [:]
        var result: [SignatureCandidate] = []
        for (offset, layer) in manifest.layers.enumerated() {
            let source = SignatureSource.simpleSigning(tag: tag, layer: offset + 1)
            let content = await simpleSigningContent(layer, store: image.store, seen: &seen, number: offset + 1)
            result.append(SignatureCandidate(source: source, content: content))
        }
        return result
    }

    private static func simpleSigningContent(_ layer: Descriptor, store: any ArtifactStore, seen: inout [String: Int],
                                             number: Int) async -> SignatureCandidate.Content {
        guard layer.mediaType == CosignFormat.simpleSigningMediaType else {
            return .unreadable("the layer's media type is \(layer.mediaType), not \(CosignFormat.simpleSigningMediaType)")
        }
        guard let encoded = layer.annotations?[CosignFormat.signatureAnnotation] else {
            return .unreadable("the layer has no \(CosignFormat.signatureAnnotation) annotation")
        }
        guard let signature = Data(base64Encoded: encoded), !signature.isEmpty else {
            return .unreadable("the \(CosignFormat.signatureAnnotation) annotation is not base64")
        }
        let annotations = (layer.annotations ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let identity = ([layer.digest.description] + annotations).joined(separator: "\n")
        if let first = seen[identity] {
            return .unreadable("a duplicate of layer \(first) (same payload, signature and annotations)")
        }
        seen[identity] = number
        guard layer.size >= 0, layer.size <= blobLimit else {
            return .unreadable("the payload is declared as \(layer.size) bytes; payloads over \(blobLimit) bytes are refused")
        }
        do {
            let payload = try await store.blob(layer.digest, limit: blobLimit)
            guard payload.count == layer.size else {
                return .unreadable("the payload is \(payload.count) bytes but the layer declares \(layer.size)")
            }
            return .simpleSigning(payload: payload, signature: signature, annotations: layer.annotations ?? [:])
        } catch {
            return .unreadable("the payload \(layer.digest) cannot be read: \(error)")
        }
    }

    static func bundles(for image: SignedImage) async throws -> [SignatureCandidate] {
        guard let index = try await ReferrersFallbackTag.read(subject: image.digest, in: image.store) else { return [] }
        var result: [SignatureCandidate] = []
        for descriptor in index.manifests where descriptor.artifactType == nil || descriptor.artifactType == CosignFormat.bundleMediaType {
            let source = SignatureSource.bundle(referrer: descriptor.digest)
            do {
                let fetched = try await image.store.manifest(digest: descriptor.digest)
                guard let manifest = try? JSONDecoder().decode(Manifest.self, from: fetched.data) else {
                    result.append(SignatureCandidate(source: source, content: .unreadable("the referrer is not an OCI manifest")))
                    continue
                }
                guard manifest.artifactType == CosignFormat.bundleMediaType
                        || manifest.layers.first?.mediaType == CosignFormat.bundleMediaType else { continue }
                guard manifest.subject?.digest == image.digest else {
                    result.append(SignatureCandidate(source: source, content: .unreadable("the referrer's subject is \(manifest.subject?.digest.description ?? "missing"), not \(image.digest)")))
                    continue
                }
                guard let layer = manifest.layers.first(where: { $0.mediaType == CosignFormat.bundleMediaType }),
                      layer.size >= 0, layer.size <= blobLimit else {
                    result.append(SignatureCandidate(source: source, content: .unreadable("the referrer has no bundle layer of at most \(blobLimit) bytes")))
                    continue
                }
                let data = try await image.store.blob(layer.digest, limit: blobLimit)
                result.append(SignatureCandidate(source: source, content: .bundle(try SigstoreBundle(parsing: data))))
            } catch {
                result.append(SignatureCandidate(source: source, content: .unreadable("\(error)")))
            }
        }
        return result
    }
}
