
import Foundation
import OCIModel

/// A layered image built in memory for tests, written out in any of the formats moat reads.
public struct TestImage: Sendable {
    public enum LayerCompression: Sendable { case none, gzip, zstd }

    public struct TestLayer: Sendable {
        public var tar: [UInt8]
        public var compression: LayerCompression
        public var createdBy: String
    }

    public var layers: [TestLayer] = []
    public var containerConfig = ContainerConfig()
    public var platform = Platform(os: "linux", architecture: "amd64")
    public var extraHistory: [History] = []
    public var annotations: [String: String]?

    public init() {}

    public mutating func addLayer(_ tar: TarBuilder, compression: LayerCompression = .gzip, createdBy: String = "RUN test") {
        layers.append(TestLayer(tar: tar.finished(), compression: compression, createdBy: createdBy))
    }

    func blob(_ layer: TestLayer) -> [UInt8] {
        switch layer.compression {
        case .none: layer.tar
        case .gzip: TestCompression.gzip(layer.tar)
        case .zstd: TestCompression.zstd(layer.tar)
        }
    }

    static func mediaType(_ compression: LayerCompression) -> String {
        switch compression {
        case .none: MediaType.ociLayer
        case .gzip: MediaType.ociLayerGzip
        case .zstd: MediaType.ociLayerZstd
        }
    }

    public var config: ImageConfig {
        var config = ImageConfig(architecture: platform.architecture, os: platform.os, config: containerConfig,
                                 rootfs: RootFS(diffIDs: layers.map { Digest.sha256(of: $0.tar) }),
                                 history: layers.map { History(createdBy: $0.createdBy) } + extraHistory)
        config.variant = platform.variant
        return config
    }

    static func json<T: Encodable>(_ value: T) -> [UInt8] {
        Array((try? encodeMetadataJSON(value)) ?? Data())
    }
}

/// Writes `TestImage`s as OCI layouts, OCI archives and docker-archives (legacy and Docker 25+ layouts).
public enum ImageWriter {
    /// Blobs and the manifest descriptor of an image in OCI form.
    public static func ociBlobs(_ image: TestImage) -> (blobs: [Digest: [UInt8]], manifest: Descriptor) {
        var blobs: [Digest: [UInt8]] = [:]
        let configBytes = TestImage.json(image.config)
        let configDigest = Digest.sha256(of: configBytes)
        blobs[configDigest] = configBytes
        var layerDescriptors: [Descriptor] = []
        for layer in image.layers {
            let blob = image.blob(layer)
            let digest = Digest.sha256(of: blob)
            blobs[digest] = blob
            layerDescriptors.append(Descriptor(mediaType: TestImage.mediaType(layer.compression), digest: digest, size: Int64(blob.count)))
        }
        let manifest = Manifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
                                layers: layerDescriptors, annotations: image.annotations)
        let manifestBytes = TestImage.json(manifest)
        let manifestDigest = Digest.sha256(of: manifestBytes)
        blobs[manifestDigest] = manifestBytes
        return (blobs, Descriptor(mediaType: MediaType.ociManifest, digest: manifestDigest, size: Int64(manifestBytes.count), platform: image.platform))
    }

    /// Writes an OCI image layout directory. `nestedIndex` puts the manifests behind a second index, as multi-arch images do.
    public static func writeOCILayout(_ images: [(name: String?, image: TestImage)], to directory: String, nestedIndex: Bool = false) throws {
        var files: [String: [UInt8]] = [:]
        var descriptors: [Descriptor] = []
        for (name, image) in images {
            let (blobs, manifest) = ociBlobs(image)
            for (digest, bytes) in blobs { files["blobs/sha256/\(digest.hex)"] = bytes }
            var descriptor = manifest
            if let name { descriptor.annotations = ["org.opencontainers.image.ref.name": name] }
            descriptors.append(descriptor)
        }
        if nestedIndex {
            let inner = TestImage.json(Index(manifests: descriptors))
            let digest = Digest.sha256(of: inner)
            files["blobs/sha256/\(digest.hex)"] = inner
            descriptors = [Descriptor(mediaType: MediaType.ociIndex, digest: digest, size: Int64(inner.count))]
        }
        files["index.json"] = TestImage.json(Index(manifests: descriptors))
        files["oci-layout"] = Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)
        try writeTree(files, to: directory)
    }

    /// The same tree as an OCI archive (a tar of the layout).
    public static func ociArchive(_ images: [(name: String?, image: TestImage)], nestedIndex: Bool = false) throws -> [UInt8] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeOCILayout(images, to: directory, nestedIndex: nestedIndex)
        return try tarTree(directory)
    }

    public enum DockerArchiveStyle: Sendable { case legacy, oci }

    /// A `docker save` archive: legacy (`<id>/layer.tar`, `repositories`) or Docker 25+ (`blobs/sha256/…`).
    public static func dockerArchive(_ images: [(tags: [String], image: TestImage)], style: DockerArchiveStyle = .legacy) -> [UInt8] {
        var tar = TarBuilder()
        var entries: [DockerArchiveManifestEntry] = []
        var written = Set<String>()
        for (tags, image) in images {
            let configBytes = TestImage.json(image.config)
            let configDigest = Digest.sha256(of: configBytes)
            var layerPaths: [String] = []
            let configPath = style == .legacy ? "\(configDigest.hex).json" : "blobs/sha256/\(configDigest.hex)"
            if written.insert(configPath).inserted { tar.file(configPath, bytes: configBytes) }
            for layer in image.layers {
                let diffID = Digest.sha256(of: layer.tar)
                let path = style == .legacy ? "\(diffID.hex)/layer.tar" : "blobs/sha256/\(diffID.hex)"
                if written.insert(path).inserted {
                    if style == .legacy { tar.directory(diffID.hex) }
                    tar.file(path, bytes: layer.tar)
                }
                layerPaths.append(path)
            }
            entries.append(DockerArchiveManifestEntry(config: configPath, repoTags: tags, layers: layerPaths))
        }
        tar.file("manifest.json", bytes: TestImage.json(entries))
        if style == .legacy { tar.file("repositories", "{}") }
        return tar.finished()
    }

    public static func writeTree(_ files: [String: [UInt8]], to directory: String) throws {
        for (path, bytes) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
    }

    /// Tars a directory tree (files only, sorted).
    public static func tarTree(_ directory: String) throws -> [UInt8] {
        var tar = TarBuilder()
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var paths: [String] = []
        while let path = enumerator?.nextObject() as? String { paths.append(path) }
        for path in paths.sorted() {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if isDirectory.boolValue { tar.directory(path) } else {
                tar.file(path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))))
            }
        }
        return tar.finished()
    }
}

/// A fresh empty directory under the system temp directory.
public func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "moat-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes bytes to a new temporary file and returns its path.
public func temporaryFile(_ bytes: [UInt8], suffix: String = ".tar") throws -> String {
    let path = NSTemporaryDirectory() + "moat-test-" + UUID().uuidString + suffix
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}
