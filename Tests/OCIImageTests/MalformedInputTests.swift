import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Hostile and broken inputs fail with an `ImageError` whose code and message say what is wrong and where.
@Suite("Malformed and hostile images")
struct MalformedInputTests {
    // MARK: Not an image at all

    @Test("a file that is not a tar is .unrecognisedFormat naming the file")
    func notATar() throws {
        let text = String(repeating: "This is a README, not a container image.\n", count: 40)
        let path = try temporaryFile(Array(text.utf8), suffix: ".txt")
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains(path))
        #expect(error.message.contains("not a readable tar archive"))
    }

    @Test("a file shorter than one tar block is .unrecognisedFormat", arguments: [0, 1, 100, 511])
    func tinyFile(size: Int) throws {
        let path = try temporaryFile([UInt8](repeating: 0x41, count: size))
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains(path))
    }

    @Test("gzip or zstd of something that is not a tar is .unrecognisedFormat", arguments: [CompressionKind.gzip, .zstd])
    func compressedNonTar(compression: CompressionKind) throws {
        let text = Array(String(repeating: "not a tar at all\n", count: 200).utf8)
        let bytes = compression == .gzip ? TestCompression.gzip(text) : TestCompression.zstd(text)
        let path = try temporaryFile(bytes, suffix: ".gz")
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains(path))
    }

    @Test("a tar with neither manifest.json nor index.json is .unrecognisedFormat saying what is missing",
          arguments: [false, true])
    func tarWithoutImageMetadata(compressed: Bool) throws {
        var tar = TarBuilder()
        tar.directory("etc")
        tar.file("etc/hostname", "box\n")
        tar.file("config.json", "{}")
        let bytes = compressed ? TestCompression.gzip(tar.finished()) : tar.finished()
        let path = try temporaryFile(bytes)
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains("manifest.json"))
        #expect(error.message.contains("index.json"))
        #expect(error.message.contains(path))
    }

    @Test("a directory without index.json or manifest.json is .unrecognisedFormat")
    func plainDirectory() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        try writeBytes(Array("hello".utf8), to: directory + "/README")
        let error = try #require(throws: ImageError.self) { try ImageOpener().openDirectory(directory) }
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains("index.json"))
        #expect(try openError(directory).code == .unrecognisedFormat)
    }

    @Test("a path that does not exist is .notFound")
    func missingPath() throws {
        let path = NSTemporaryDirectory() + "moat-test-does-not-exist-\(UUID().uuidString).tar"
        let error = try openError(path)
        #expect(error.code == .notFound)
        #expect(error.message.contains(path))
    }

    // MARK: Truncation

    @Test("a docker-archive cut short in the middle of a layer fails when opened, naming the file")
    func truncatedArchive() throws {
        let archive = ImageWriter.dockerArchive([(tags: ["t:1"], image: sampleImage())])
        let path = try temporaryFile(Array(archive.prefix(archive.count / 2)))
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.message.contains(path))
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains("ends"))
    }

    @Test("an OCI archive cut short fails when opened")
    func truncatedOCIArchive() throws {
        let archive = try ImageWriter.ociArchive([(name: nil, image: sampleImage())])
        let path = try temporaryFile(Array(archive.prefix(archive.count / 2)))
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .unrecognisedFormat)
        #expect(error.message.contains(path))
    }

    @Test("a gzip-compressed docker-archive cut short fails when opened, naming the file",
          arguments: [CompressionKind.gzip, .zstd])
    func truncatedCompressedArchive(compression: CompressionKind) throws {
        let plain = ImageWriter.dockerArchive([(tags: ["t:1"], image: sampleImage())])
        let compressed = compression == .gzip ? TestCompression.gzip(plain) : TestCompression.zstd(plain)
        let path = try temporaryFile(Array(compressed.prefix(compressed.count / 2)))
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.message.contains(path))
        #expect([ImageError.Code.corruptArchive, .unrecognisedFormat].contains(error.code))
    }

    @Test("a truncated gzip layer in an OCI layout is .corruptLayer naming the layer")
    func truncatedGzipLayer() async throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        let manifest = try firstManifest(directory)
        let layer = manifest.layers[0]
        let path = blobFile(directory, layer.digest)
        let bytes = try readBytes(path)
        try writeBytes(Array(bytes.prefix(bytes.count * 2 / 3)), to: path)
        let error = try await readError(try ImageOpener().open(path: directory))
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("layer 1 (sha256:\(layer.digest.short))"))
        #expect(error.message.contains("truncated"))
    }

    @Test("a truncated gzip layer whose digest and size were recomputed is still .corruptLayer")
    func truncatedGzipLayerConsistentMetadata() async throws {
        let layerTar = smallLayerTar("cut")
        let blob = Array(TestCompression.gzip(layerTar).dropLast(12))
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layerTar)]),
                                            layers: [("blobs/sha256/\(OCIModel.Digest.sha256(of: blob).hex)", blob)])
        for bytes in [archive, TestCompression.gzip(archive)] {
            let path = try temporaryFile(bytes)
            defer { removeTree(path) }
            let opened = try ImageOpener().open(path: path)
            let error = try await readError(opened)
            #expect(error.code == .corruptLayer)
            #expect(error.message.contains("layer 1 (sha256:"))
        }
    }

    @Test("a layer tar cut in the middle of a member is .corruptLayer naming the layer")
    func truncatedLayerTar() async throws {
        var tar = TarBuilder()
        tar.file("big.bin", bytes: [UInt8](repeating: 7, count: 5000))
        let cut = Array(tar.bytes.prefix(2048))
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: cut)]), layers: [("l/layer.tar", cut)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try await readError(try ImageOpener().open(path: path))
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("layer 1"))
        #expect(error.message.contains("truncated"))
    }

    // MARK: Bad metadata

    @Test("manifest.json that is not JSON is .invalidMetadata naming the file", arguments: [false, true])
    func manifestNotJSON(compressed: Bool) throws {
        var tar = TarBuilder()
        tar.file("manifest.json", "[{\"Config\": oops")
        let path = try temporaryFile(compressed ? TestCompression.gzip(tar.finished()) : tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("manifest.json"))
        #expect(error.message.contains(path))
    }

    @Test("manifest.json of the wrong shape is .invalidMetadata saying which field")
    func manifestWrongShape() throws {
        var tar = TarBuilder()
        tar.file("manifest.json", #"[{"Config":"c.json","RepoTags":["a:1"]}]"#)
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("Layers"))
    }

    @Test("index.json that is not JSON is .invalidMetadata naming the file")
    func indexNotJSON() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))])
        defer { removeTree(directory) }
        try writeBytes(Array("{\"manifests\": [".utf8), to: directory + "/index.json")
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("index.json"))
    }

    @Test("an image config that is not JSON is .invalidMetadata naming the config")
    func configNotJSON() throws {
        let configBytes = Array("this is not json".utf8)
        let configName = OCIModel.Digest.sha256(of: configBytes).hex + ".json"
        var tar = TarBuilder()
        tar.file(configName, bytes: configBytes)
        tar.file("l/layer.tar", bytes: smallLayerTar())
        tar.file("manifest.json", bytes: try encodeJSON([DockerArchiveManifestEntry(config: configName, repoTags: ["a:1"], layers: ["l/layer.tar"])]))
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains(configName))
    }

    @Test("a manifest blob holding a bad digest string is .invalidMetadata")
    func invalidDigestInManifest() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))])
        defer { removeTree(directory) }
        let manifestText = #"{"schemaVersion":2,"config":{"mediaType":"a","digest":"md5:abc","size":1},"layers":[]}"#
        let bytes = Array(manifestText.utf8)
        let digest = OCIModel.Digest.sha256(of: bytes)
        try writeBytes(bytes, to: blobFile(directory, digest))
        try writeBytes(try encodeJSON(Index(manifests: [Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(bytes.count))])),
                       to: directory + "/index.json")
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("md5"))
        // The message says which document holds the bad digest.
        #expect(error.message.contains("manifest \(digest)"))
        #expect(error.message.contains(directory))
    }

    @Test("more layers than diff_ids in an OCI manifest is .invalidMetadata")
    func ociLayerCountMismatch() throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        try rewriteLayout(directory, config: { config in config.rootfs?.diffIDs.removeLast() })
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("3 layers"))
        #expect(error.message.contains("diff_ids has 2"))
    }

    @Test("a config with no rootfs at all is .invalidMetadata for an image with layers")
    func ociMissingRootFS() throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        try rewriteLayout(directory, config: { config in config.rootfs = nil })
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("diff_ids has 0"))
    }

    @Test("fewer layers than diff_ids in a docker-archive is .invalidMetadata")
    func dockerLayerCountMismatch() throws {
        let layer = smallLayerTar()
        let config = handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer), OCIModel.Digest.sha256(of: layer)])
        let archive = try handDockerArchive(config: config, layers: [("l/layer.tar", layer)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("1 layers"))
        #expect(error.message.contains("diff_ids has 2"))
    }

    @Test("a Docker schema 1 manifest in the index is .unsupported",
          arguments: [MediaType.dockerManifestV1, MediaType.dockerManifestV1Signed])
    func schema1(mediaType: String) throws {
        let directory = try writeLayout([(name: nil, image: markedImage("old"))])
        defer { removeTree(directory) }
        var index = try decodeJSONFile(Index.self, directory + "/index.json")
        index.manifests[0].mediaType = mediaType
        try writeBytes(try encodeJSON(index), to: directory + "/index.json")
        let error = try openError(directory)
        #expect(error.code == .unsupported)
        #expect(error.message.contains("schema 1"))
    }

    // MARK: Paths and missing blobs

    @Test("DirectoryStore refuses paths that leave its directory", arguments: ["../secret", "a/../../secret", "/../secret", "..", ""])
    func directoryStoreRefusesEscape(path: String) throws {
        let parent = try temporaryDirectory()
        defer { removeTree(parent) }
        let root = parent + "/image"
        try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
        try writeBytes(Array("top secret".utf8), to: parent + "/secret")
        let store = DirectoryStore(root: root)
        #expect(store.contains(path) == false)
        #expect(store.size(of: path) == nil)
        let readError = try #require(throws: ImageError.self) { _ = try store.read(path, limit: 1 << 20) }
        #expect(readError.code == .invalidMetadata)
        #expect(readError.message.contains("refusing"))
        let openError = try #require(throws: ImageError.self) { _ = try store.open(path) }
        #expect(openError.code == .invalidMetadata)
    }

    @Test("DirectoryStore reads inside paths, normalising ./ and inner ..")
    func directoryStoreInside() throws {
        let root = try temporaryDirectory()
        defer { removeTree(root) }
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        try writeBytes(Array("hello".utf8), to: root + "/a/b/file")
        let store = DirectoryStore(root: root)
        for path in ["a/b/file", "./a/b/file", "a/x/../b/file", "/a/b/file"] {
            #expect(store.contains(path), "\(path)")
            #expect(store.size(of: path) == 5)
            #expect(try store.read(path, limit: 100) == Data("hello".utf8))
        }
        let tooBig = try #require(throws: ImageError.self) { _ = try store.read("a/b/file", limit: 4) }
        #expect(tooBig.code == .invalidMetadata)
        #expect(store.contains("a/b/missing") == false)
    }

    @Test("an unpacked docker-archive whose manifest points outside its directory is refused")
    func dockerDirectoryEscape() throws {
        let parent = try temporaryDirectory()
        defer { removeTree(parent) }
        let root = parent + "/image"
        let layer = smallLayerTar()
        let config = try encodeJSON(handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]))
        // The escaping targets exist, so only the refusal can stop them being read.
        try ImageWriter.writeTree(["outside.json": config, "outside.tar": layer], to: parent)
        let entry = DockerArchiveManifestEntry(config: "../outside.json", repoTags: ["x:1"], layers: ["../outside.tar"])
        try ImageWriter.writeTree(["manifest.json": try encodeJSON([entry])], to: root)
        let error = try openError(root)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("refusing"))
    }

    @Test("an unpacked docker-archive whose layer points outside its directory fails when read")
    func dockerDirectoryLayerEscape() async throws {
        let parent = try temporaryDirectory()
        defer { removeTree(parent) }
        let root = parent + "/image"
        let layer = smallLayerTar()
        let config = try encodeJSON(handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]))
        let configName = OCIModel.Digest.sha256(of: config).hex + ".json"
        try ImageWriter.writeTree(["outside.tar": layer], to: parent)
        let entry = DockerArchiveManifestEntry(config: configName, repoTags: ["x:1"], layers: ["../outside.tar"])
        try ImageWriter.writeTree(["manifest.json": try encodeJSON([entry]), configName: config], to: root)
        let opened = try ImageOpener().open(path: root)
        let error = try await readError(opened)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("refusing"))
    }

    @Test("tar archives do not expose members whose names climb out with ..")
    func tarMemberEscape() throws {
        var tar = TarBuilder()
        tar.file("../evil.json", "{}")
        tar.file("good.json", "{}")
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let store = try TarFileStore(file: SharedFile(path: path))
        #expect(store.contains("good.json"))
        #expect(store.contains("../evil.json") == false)
        #expect(store.contains("evil.json") == false)
        let compressedPath = try temporaryFile(TestCompression.gzip(tar.finished()))
        defer { removeTree(compressedPath) }
        let compressed = try CompressedTarStore(file: SharedFile(path: compressedPath), compression: .gzip)
        #expect(compressed.contains("good.json"))
        #expect(compressed.contains("../evil.json") == false)
        #expect(compressed.contains("evil.json") == false)
    }

    @Test("a layer blob missing from an OCI layout is .notFound naming the blob")
    func missingLayerBlobInLayout() async throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        let manifest = try firstManifest(directory)
        try FileManager.default.removeItem(atPath: blobFile(directory, manifest.layers[1].digest))
        let opened = try ImageOpener().open(path: directory)
        let error = try await readError(opened)
        #expect(error.code == .notFound)
        #expect(error.message.contains(manifest.layers[1].digest.hex))
    }

    @Test("a config blob missing from an OCI layout is .notFound when opening")
    func missingConfigBlobInLayout() throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        let manifest = try firstManifest(directory)
        try FileManager.default.removeItem(atPath: blobFile(directory, manifest.config.digest))
        let error = try openError(directory)
        #expect(error.code == .notFound)
        #expect(error.message.contains(manifest.config.digest.hex))
    }

    @Test("a docker-archive whose manifest lists a layer that is not in the archive fails naming it",
          arguments: [false, true])
    func missingLayerInArchive(compressed: Bool) async throws {
        let layer = smallLayerTar()
        let config = handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer), OCIModel.Digest.sha256(of: layer)])
        let archive = try handDockerArchive(config: config, layers: [("present/layer.tar", layer)],
                                            manifestLayers: ["present/layer.tar", "absent/layer.tar"])
        let path = try temporaryFile(compressed ? TestCompression.gzip(archive) : archive)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        let error = try await readError(opened)
        #expect(error.code == .notFound)
        #expect(error.message.contains("absent/layer.tar"))
    }

    @Test("a docker-archive whose config is not in the archive is .notFound")
    func missingConfigInArchive() throws {
        var tar = TarBuilder()
        tar.file("manifest.json", bytes: try encodeJSON([DockerArchiveManifestEntry(config: "nowhere.json", repoTags: ["a:1"], layers: [])]))
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .notFound)
        #expect(error.message.contains("nowhere.json"))
    }

    @Test("layer paths spelled with ./ read the same in plain and compressed archives")
    func dotSlashLayerPaths() async throws {
        let layer = smallLayerTar("dot")
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]),
                                            layers: [("d/layer.tar", layer)], manifestLayers: ["./d/layer.tar"])
        for bytes in [archive, TestCompression.gzip(archive), TestCompression.zstd(archive)] {
            let path = try temporaryFile(bytes)
            defer { removeTree(path) }
            let opened = try ImageOpener().open(path: path)
            let scans = try await scan(opened)
            #expect(scans.count == 1)
            #expect(scans.first?.index.files.map(\.path) == ["etc", "etc/dot", "etc/filler"])
            #expect(scans.first?.layer.blobPath == "./d/layer.tar")
        }
    }

    @Test("metadata members larger than the limit are refused, not loaded")
    func oversizedMetadata() throws {
        var tar = TarBuilder()
        // 17 MB of JSON whitespace: over the 16 MB metadata limit.
        tar.file("manifest.json", bytes: [UInt8](repeating: 0x20, count: 17 << 20))
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("manifest.json"))
    }
}
