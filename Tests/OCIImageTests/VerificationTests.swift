import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Every blob is checked against the digest, size and diff_id the metadata promises.
@Suite("Digest, size and diff_id verification")
struct VerificationTests {
    /// Writes `image` as a layout and returns the directory and its manifest.
    static func layout(_ image: TestImage = sampleImage()) throws -> (String, Manifest) {
        let directory = try writeLayout([(name: nil, image: image)])
        return (directory, try firstManifest(directory))
    }

    static func label(_ index: Int, _ digest: OCIModel.Digest) -> String {
        "layer \(index + 1) (sha256:\(digest.short))"
    }

    @Test("an untouched image verifies: every scan's computed diff_id equals the config's")
    func cleanImageVerifies() async throws {
        let (directory, _) = try Self.layout()
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        let scans = try await scan(opened)
        #expect(scans.map(\.computedDiffID) == opened.config.rootfs?.diffIDs)
    }

    @Test("an uncompressed layer blob altered on disk is .digestMismatch naming the layer")
    func alteredUncompressedBlob() async throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        let layer = manifest.layers[2]  // the uncompressed one
        var bytes = try readBytes(blobFile(directory, layer.digest))
        // Change one byte of file content ("fresh sample"), keeping the tar well-formed.
        let needle = Array("fresh".utf8)
        let at = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + needle.count, bytes.count)]) == needle })
        bytes[at] = UInt8(ascii: "F")
        try writeBytes(bytes, to: blobFile(directory, layer.digest))

        let opened = try ImageOpener().open(path: directory)
        let error = try await readError(opened)
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(Self.label(2, layer.digest)))
        #expect(error.message.contains(layer.digest.description))
    }

    @Test("a gzip layer blob altered without breaking the gzip stream is .digestMismatch naming the layer")
    func alteredGzipBlobStillValid() async throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        let layer = manifest.layers[0]
        var bytes = try readBytes(blobFile(directory, layer.digest))
        try #require(bytes.count > 8 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        // Bytes 4...7 of a gzip header are the mtime: changing them alters the blob, not its content.
        bytes[4] ^= 0xff
        try writeBytes(bytes, to: blobFile(directory, layer.digest))

        let error = try await readError(try ImageOpener().open(path: directory))
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(Self.label(0, layer.digest)))
    }

    @Test("a gzip layer replaced by another valid compression of the same tar is .digestMismatch")
    func recompressedLayer() async throws {
        let image = sampleImage()
        let (directory, manifest) = try Self.layout(image)
        defer { removeTree(directory) }
        let layer = manifest.layers[0]
        try writeBytes(TestCompression.gzip(image.layers[0].tar, level: 1), to: blobFile(directory, layer.digest))
        let error = try await readError(try ImageOpener().open(path: directory))
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(Self.label(0, layer.digest)))
    }

    @Test("a gzip layer with a corrupted deflate stream fails naming the layer")
    func corruptedDeflateStream() async throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        let layer = manifest.layers[0]
        var bytes = try readBytes(blobFile(directory, layer.digest))
        for i in stride(from: 20, to: bytes.count - 8, by: 7) { bytes[i] ^= 0x5a }
        try writeBytes(bytes, to: blobFile(directory, layer.digest))
        let error = try await readError(try ImageOpener().open(path: directory))
        // The inflater notices first, or the digest does: either way the layer is named and nothing is trusted.
        #expect([ImageError.Code.corruptLayer, .digestMismatch].contains(error.code))
        #expect(error.message.contains(Self.label(0, layer.digest)))
    }

    @Test("a config whose rootfs.diff_ids is wrong is .diffIDMismatch naming the layer")
    func wrongDiffID() async throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        let bogus = OCIModel.Digest.sha256(of: Array("not the layer".utf8))
        try rewriteLayout(directory, config: { config in config.rootfs?.diffIDs[1] = bogus })
        let opened = try ImageOpener().open(path: directory)
        #expect(opened.layers[1].diffID == bogus)
        let error = try await readError(opened)
        #expect(error.code == .diffIDMismatch)
        #expect(error.message.contains(Self.label(1, manifest.layers[1].digest)))
        #expect(error.message.contains(bogus.description))
    }

    @Test("a manifest whose layer size lies is .sizeMismatch naming the layer", arguments: [-1, 1, 1000])
    func sizeLie(delta: Int64) async throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        try rewriteLayout(directory, manifest: { manifest in manifest.layers[2].size += delta })
        let opened = try ImageOpener().open(path: directory)
        let error = try await readError(opened)
        #expect(error.code == .sizeMismatch)
        #expect(error.message.contains(Self.label(2, manifest.layers[2].digest)))
        #expect(error.message.contains("\(manifest.layers[2].size)"))
    }

    @Test("a manifest blob altered on disk is .digestMismatch when opening")
    func alteredManifest() throws {
        let (directory, _) = try Self.layout()
        defer { removeTree(directory) }
        let index = try decodeJSONFile(Index.self, directory + "/index.json")
        let digest = index.manifests[0].digest
        var bytes = try readBytes(blobFile(directory, digest))
        bytes.append(0x20)  // still valid JSON, different bytes
        try writeBytes(bytes, to: blobFile(directory, digest))
        let error = try openError(directory)
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(digest.description))
    }

    @Test("a config blob altered on disk is .digestMismatch when opening")
    func alteredConfig() throws {
        let (directory, manifest) = try Self.layout()
        defer { removeTree(directory) }
        let path = blobFile(directory, manifest.config.digest)
        let text = String(decoding: try readBytes(path), as: UTF8.self)
        try #require(text.contains("\"app\""))
        try writeBytes(Array(text.replacingOccurrences(of: "\"app\"", with: "\"root\"").utf8), to: path)
        let error = try openError(directory)
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(manifest.config.digest.description))
    }

    @Test("a nested index blob altered on disk is .digestMismatch")
    func alteredNestedIndex() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))], nestedIndex: true)
        defer { removeTree(directory) }
        let outer = try decodeJSONFile(Index.self, directory + "/index.json")
        let path = blobFile(directory, outer.manifests[0].digest)
        try writeBytes(try readBytes(path) + [0x0a], to: path)
        let error = try openError(directory)
        #expect(error.code == .digestMismatch)
    }

    @Test("a docker-archive whose config has a wrong diff_id is .diffIDMismatch naming the layer",
          arguments: [false, true])
    func dockerArchiveWrongDiffID(compressed: Bool) async throws {
        let layers = [smallLayerTar("a"), smallLayerTar("b")]
        let bogus = OCIModel.Digest.sha256(of: Array("bogus".utf8))
        let realSecond = OCIModel.Digest.sha256(of: layers[1])
        let config = handConfig(diffIDs: [OCIModel.Digest.sha256(of: layers[0]), bogus])
        let archive = try handDockerArchive(config: config, layers: [("aaa/layer.tar", layers[0]), ("bbb/layer.tar", layers[1])])
        let path = try temporaryFile(compressed ? TestCompression.gzip(archive) : archive)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        let error = try await readError(opened)
        #expect(error.code == .diffIDMismatch)
        #expect(error.message.contains("layer 2 (sha256:\(bogus.short))"))
        #expect(error.message.contains(realSecond.description))
    }

    @Test("a Docker 25+ archive whose blob does not match its blobs/sha256 name is .digestMismatch")
    func dockerArchiveBlobNameMismatch() async throws {
        let layer = smallLayerTar("a")
        let claimed = OCIModel.Digest.sha256(of: Array("something else".utf8))
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]),
                                            configName: "blobs/sha256/" + String(repeating: "0", count: 64),
                                            layers: [("blobs/sha256/\(claimed.hex)", layer)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        // The config's name promises a digest it does not have.
        let configError = try openError(path)
        #expect(configError.code == .digestMismatch)
        #expect(configError.message.contains("config"))

        let configBytes = try encodeJSON(handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]))
        let honest = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]),
                                           configName: "blobs/sha256/" + OCIModel.Digest.sha256(of: configBytes).hex,
                                           layers: [("blobs/sha256/\(claimed.hex)", layer)])
        let honestPath = try temporaryFile(honest)
        defer { removeTree(honestPath) }
        let opened = try ImageOpener().open(path: honestPath)
        #expect(opened.layers[0].digest == claimed)
        let error = try await readError(opened)
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains("layer 1 (sha256:\(claimed.short))"))
    }

    @Test("a legacy docker-archive config not matching its <sha256>.json name is .digestMismatch")
    func legacyConfigNameMismatch() throws {
        let layer = smallLayerTar("a")
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]),
                                            configName: String(repeating: "ab", count: 32) + ".json",
                                            layers: [("x/layer.tar", layer)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(String(repeating: "ab", count: 32)))
    }
}
