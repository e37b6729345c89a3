public import OCIModel

/// One layer of an image: where its blob is and what it must hash to. Reading is done by `LayerReader`.
public struct Layer: Sendable, Hashable {
    /// Position in the image, 0 = bottom.
    public var index: Int
    /// Digest of the blob as stored (compressed); nil when the format does not record it (legacy docker-archive).
    public var digest: Digest?
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
    public var diffID: Digest?
    public var mediaType: String?
    /// Stored (compressed) size, when known before reading.
    public var size: Int64?
    /// Where the blob lives in the image's store.
    public var blobPath: String

    public init(index: Int, digest: Digest?, diffID: Digest?, mediaType: String?, size: Int64?, blobPath: String) {
        self.index = index
        self.digest = digest
        self.diffID = diffID
        self.mediaType = mediaType
        self.size = size
        self.blobPath = blobPath
    }

    /// "layer 2 (sha256:abc…)" for messages.
    public var label: String {
        let id = (digest ?? diffID).map { " (\($0.algorithm):\($0.short))" } ?? ""
        return "layer \(index + 1)\(id)"
    }
}

/// An image opened from some source: its metadata is read, its layers are described and read on demand.
/// Every source (docker-archive, OCI layout, OCI archive, and later registries) produces this same shape.
public struct Image: Sendable {
    /// Where the image came from, for messages and reports.
    public var source: String
    /// The format it was read from ("docker-archive", "oci-layout", "oci-archive").
    public var format: String
    /// Tags or reference names recorded for the image.
    public var names: [String]
    public var manifestDigest: Digest?
    public var manifest: Manifest?
    public var configDigest: Digest
    public var config: ImageConfig
    public var layers: [Layer]
    /// The store the blobs are read from.
    public var store: any BlobStore
    /// Where the config's bytes are in the store (docker-archives name it `<hex>.json`).
    public var configPath: String

    public init(source: String, format: String, names: [String], manifestDigest: Digest?, manifest: Manifest?,
                configDigest: Digest, config: ImageConfig, layers: [Layer], store: any BlobStore) {
        self.source = source
        self.format = format
        self.names = names
        self.manifestDigest = manifestDigest
        self.manifest = manifest
        self.configDigest = configDigest
        self.config = config
        self.layers = layers
        self.store = store
        self.configPath = "blobs/\(configDigest.algorithm)/\(configDigest.hex)"
    }

    /// Manifest annotations merged under config labels (both places carry base-image hints).
    public var annotations: [String: String] {
        (config.config?.labels ?? [:]).merging(manifest?.annotations ?? [:]) { _, manifest in manifest }
    }
}
