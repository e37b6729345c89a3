import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

// Shared fixtures and helpers for the OCIImage tests.

/// What one read layer looks like, in a form two reads can be compared with.
struct LayerSummary: Equatable, CustomStringConvertible {
    var files: [LayerFile]
    var whiteouts: [String]
    var opaqueDirectories: [String]
    var computedDiffID: OCIModel.Digest
    var uncompressedBytes: Int64

    init(_ scan: LayerScan<NoContent>) {
        files = scan.index.files
        whiteouts = scan.index.whiteouts
        opaqueDirectories = scan.index.opaqueDirectories
        computedDiffID = scan.computedDiffID
        uncompressedBytes = scan.uncompressedBytes
    }

    var paths: [String] { files.map(\.path) }

    var description: String {
        "LayerSummary(\(computedDiffID.short), \(files.count) files, whiteouts \(whiteouts), opaque \(opaqueDirectories))"
    }
}

/// Reads every layer of `image` with no content visitor.
func scan(_ image: Image, reader: LayerReader = LayerReader(concurrency: 2)) async throws -> [LayerScan<NoContent>] {
    try await reader.read(image, makeVisitor: { _ in NoContent() })
}

func summaries(_ image: Image, reader: LayerReader = LayerReader(concurrency: 2)) async throws -> [LayerSummary] {
    try await scan(image, reader: reader).map(LayerSummary.init)
}

/// The error opening `path` throws; records a test failure (and throws) if it opens or throws something else.
func openError(_ path: String, _ opener: ImageOpener = ImageOpener(),
               sourceLocation: SourceLocation = #_sourceLocation) throws -> ImageError {
    try #require(throws: ImageError.self, sourceLocation: sourceLocation) { _ = try opener.open(path: path) }
}

/// The error reading the layers of `image` throws.
func readError(_ image: Image, reader: LayerReader = LayerReader(concurrency: 2),
               sourceLocation: SourceLocation = #_sourceLocation) async throws -> ImageError {
    try await #require(throws: ImageError.self, sourceLocation: sourceLocation) { _ = try await scan(image, reader: reader) }
}

/// Bytes that sniff as an ELF executable.
let elfHeader: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 56)

/// A three-layer image exercising every kind of tar member: files, directories, symlinks, hard links,
/// whiteouts and an opaque directory, over gzip, zstd and uncompressed layers.
func sampleImage(platform: Platform = Platform(os: "linux", architecture: "amd64"), marker: String = "sample") -> TestImage {
    var image = TestImage()
    image.platform = platform
    image.containerConfig = ContainerConfig(user: "app", env: ["PATH=/usr/bin:/bin"], cmd: ["/bin/sh"])

    var base = TarBuilder()
    base.directory("bin")
    base.file("bin/sh", bytes: elfHeader + Array(marker.utf8), mode: 0o755)
    base.symlink("bin/ash", to: "sh")
    base.directory("etc")
    base.file("etc/os-release", "ID=moat-test\nVERSION_ID=1\n")
    base.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
    base.directory("var/cache")
    base.file("var/cache/big.bin", bytes: [UInt8](repeating: 0x41, count: 70_000))
    image.addLayer(base, compression: .gzip, createdBy: "ADD base.tar /")

    var second = TarBuilder()
    second.directory("app")
    second.file("app/main.py", "#!/usr/bin/python3\nprint('hi')\n", mode: 0o755)
    second.hardLink("app/run.py", to: "app/main.py")
    second.whiteout("etc/passwd")
    image.addLayer(second, compression: .zstd, createdBy: "COPY app /app")

    var third = TarBuilder()
    third.directory("var/cache")
    third.opaque("var/cache")
    third.file("var/cache/new.txt", "fresh \(marker)\n", uid: 1000, gid: 1000)
    image.addLayer(third, compression: .none, createdBy: "RUN rebuild cache")
    return image
}

/// A one-layer image whose single file names `marker`, to tell images apart after selection.
func markedImage(_ marker: String, platform: Platform = Platform(os: "linux", architecture: "amd64"),
                 compression: TestImage.LayerCompression = .gzip) -> TestImage {
    var image = TestImage()
    image.platform = platform
    var tar = TarBuilder()
    tar.directory("etc")
    tar.file("etc/\(marker)", "this is \(marker)\n")
    image.addLayer(tar, compression: compression, createdBy: "RUN make \(marker)")
    return image
}

/// Removes a temporary file or directory (tests call it in `defer`).
func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func encodeJSON<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value))
}

func decodeJSONFile<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes `image` as an OCI layout in a fresh directory and returns the directory.
func writeLayout(_ images: [(name: String?, image: TestImage)], nestedIndex: Bool = false) throws -> String {
    let directory = try temporaryDirectory()
    try ImageWriter.writeOCILayout(images, to: directory, nestedIndex: nestedIndex)
    return directory
}

/// Edits an OCI layout written by `ImageWriter` (first manifest of index.json, no nested index), re-hashing what changed,
/// so every digest stays consistent except the lie under test.
func rewriteLayout(_ directory: String,
                   config editConfig: ((inout ImageConfig) -> Void)? = nil,
                   manifest editManifest: ((inout Manifest) -> Void)? = nil,
                   index editIndex: ((inout Index) -> Void)? = nil) throws {
    var index = try decodeJSONFile(Index.self, directory + "/index.json")
    var descriptor = index.manifests[0]
    var manifest = try decodeJSONFile(Manifest.self, blobFile(directory, descriptor.digest))
    if let editConfig {
        var config = try decodeJSONFile(ImageConfig.self, blobFile(directory, manifest.config.digest))
        editConfig(&config)
        let bytes = try encodeJSON(config)
        let digest = OCIModel.Digest.sha256(of: bytes)
        try writeBytes(bytes, to: blobFile(directory, digest))
        manifest.config = Descriptor(mediaType: manifest.config.mediaType, digest: digest, size: Int64(bytes.count))
    }
    editManifest?(&manifest)
    let manifestBytes = try encodeJSON(manifest)
    let manifestDigest = OCIModel.Digest.sha256(of: manifestBytes)
    try writeBytes(manifestBytes, to: blobFile(directory, manifestDigest))
    descriptor.digest = manifestDigest
    descriptor.size = Int64(manifestBytes.count)
    index.manifests[0] = descriptor
    editIndex?(&index)
    try writeBytes(try encodeJSON(index), to: directory + "/index.json")
}

func blobFile(_ directory: String, _ digest: OCIModel.Digest) -> String {
    directory + "/blobs/\(digest.algorithm)/\(digest.hex)"
}

/// The manifest of the first image of a layout written by `ImageWriter`.
func firstManifest(_ directory: String) throws -> Manifest {
    let index = try decodeJSONFile(Index.self, directory + "/index.json")
    return try decodeJSONFile(Manifest.self, blobFile(directory, index.manifests[0].digest))
}

/// A docker-archive assembled by hand, for lies `ImageWriter` will not tell.
/// The config is stored as `<sha256>.json` (legacy naming) unless `configName` says otherwise.
func handDockerArchive(config: ImageConfig, configName: String? = nil, layers: [(path: String, bytes: [UInt8])],
                       manifestLayers: [String]? = nil, tags: [String] = ["moat-test/hand:1"]) throws -> [UInt8] {
    let configBytes = try encodeJSON(config)
    let name = configName ?? OCIModel.Digest.sha256(of: configBytes).hex + ".json"
    var tar = TarBuilder()
    tar.file(name, bytes: configBytes)
    for layer in layers { tar.file(layer.path, bytes: layer.bytes) }
    let entry = DockerArchiveManifestEntry(config: name, repoTags: tags, layers: manifestLayers ?? layers.map(\.path))
    tar.file("manifest.json", bytes: try encodeJSON([entry]))
    return tar.finished()
}

/// A config for hand-built archives with the given diff_ids.
func handConfig(diffIDs: [OCIModel.Digest]) -> ImageConfig {
    ImageConfig(architecture: "amd64", os: "linux", config: ContainerConfig(cmd: ["/bin/sh"]), rootfs: RootFS(diffIDs: diffIDs),
                history: diffIDs.map { _ in History(createdBy: "RUN hand") })
}

/// A small layer tar.
func smallLayerTar(_ marker: String = "hand") -> [UInt8] {
    var tar = TarBuilder()
    tar.directory("etc")
    tar.file("etc/\(marker)", "content of \(marker)\n")
    tar.file("etc/filler", bytes: [UInt8](repeating: 0x5a, count: 3000))
    return tar.finished()
}
