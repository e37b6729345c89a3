public import Foundation
public import OCIModel

/// The image cosign keeps under `sha256-<hex>.sig`: one uncompressed layer per signature (the payload), its signature
/// and evidence in the layer's annotations, and a minimal config that verifiers ignore.
public enum SignatureManifest {
    /// The config ggcr writes for an image of only these layers (233 bytes for one layer, as cosign's).
    static func config(layerDigests: [Digest]) -> Data {
        let history = Array(repeating: "{\"created\":\"0001-01-01T00:00:00Z\"}", count: layerDigests.count).joined(separator: ",")
        let diffIDs = layerDigests.map { "\"\($0)\"" }.joined(separator: ",")
        let text = "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[\(history)],\"os\":\"\","
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\(diffIDs)]},\"config\":{}}"
        return Data(text.utf8)
    }

    /// The layer descriptor of one signature.
    public static func layer(payload: Data, signature: Data, annotations: [String: String] = [:]) -> Descriptor {
        var all = annotations
        all[CosignFormat.signatureAnnotation] = signature.base64EncodedString()
        return Descriptor(mediaType: CosignFormat.simpleSigningMediaType, digest: Digest.sha256(of: payload),
                          size: Int64(payload.count), annotations: all)
    }

    /// The manifest holding `layers`, and the config blob it names.
    public static func manifest(layers: [Descriptor]) throws -> (manifest: Data, config: Data) {
        let config = config(layerDigests: layers.map(\.digest))
        let configDescriptor = Descriptor(mediaType: MediaType.ociConfig, digest: Digest.sha256(of: config), size: Int64(config.count))
        let manifest = Manifest(mediaType: MediaType.ociManifest, config: configDescriptor, layers: layers)
        return (try encodeMetadataJSON(manifest), config)
    }

    /// Decodes a signature manifest; a tag holding something else is reported, not guessed at.
    public static func parse(_ fetched: Data, tag: String, store: String) throws(SigningError) -> Manifest {
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: fetched) else {
            throw SigningError(.invalidSignature, "\(store):\(tag) is not an image manifest, so it holds no cosign signatures")
        }
        return manifest
    }
}
