import Foundation
public import OCIModel
import Compression

/// Opens an image from a path, recognising the format from its contents, not its name.
public struct ImageOpener: Sendable {
    /// Which image of a multi-image archive (`NAME:TAG`, or a layout's ref name).
    public var imageName: String?
    /// Which platform of a multi-platform index; nil means the host's, or the only one present.
    public var platform: Platform?

    public init(imageName: String? = nil, platform: Platform? = nil) {
        self.imageName = imageName
        self.platform = platform
    }

    /// Opens a docker-archive, OCI archive (either possibly gzip/zstd-compressed), or an image directory.
    public func open(path: String) throws -> Image {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImageError(.notFound, "\(path): no such file or directory")
        }
        if isDirectory.boolValue { return try openDirectory(path) }
        let file = try SharedFile(path: path)
        let magic = try file.readData(at: 0, length: Int(min(4, file.size)))
        let compression = CompressionKind.sniff(magic)
        let store: any BlobStore = compression == .none
            ? try TarFileStore(file: file)
            : try CompressedTarStore(file: file, compression: compression)
        if store.contains("manifest.json") {
            return try DockerArchive.open(store, imageName: imageName, source: path)
        }
        if store.contains("index.json") {
            return try OCILayout.open(store, imageName: imageName, platform: platform, source: path, format: "oci-archive")
        }
        throw ImageError(.unrecognisedFormat,
            "\(path) is a tar archive but not an image: it has neither manifest.json (docker-archive) nor index.json (OCI archive)")
    }

    /// Opens an OCI image layout directory (or an unpacked docker-archive directory).
    public func openDirectory(_ path: String) throws -> Image {
        let store = DirectoryStore(root: path)
        if store.contains("index.json") {
            return try OCILayout.open(store, imageName: imageName, platform: platform, source: path, format: "oci-layout")
        }
        if store.contains("manifest.json") {
            return try DockerArchive.open(store, imageName: imageName, source: path)
        }
        throw ImageError(.unrecognisedFormat, "\(path) is not an OCI image layout: it has no index.json (nor a docker-archive manifest.json)")
    }
}
