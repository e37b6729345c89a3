import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Layer blobs in every compression, told apart by their bytes rather than their media type.
@Suite("Layer compression")
struct LayerCompressionTests {
    @Test("uncompressed, gzip and zstd layers of one image all read, each sniffed correctly")
    func mixedCompressions() async throws {
        let image = sampleImage()
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        let scans = try await scan(opened)
        try #require(scans.count == 3)
        #expect(scans.map(\.compression) == [.gzip, .zstd, .none])
        let manifest = try #require(opened.manifest)
        for (scan, descriptor) in zip(scans, manifest.layers) {
            #expect(scan.compressedBytes == descriptor.size)
            #expect(scan.computedDiffID == scan.layer.diffID)
        }
        #expect(scans.map(\.uncompressedBytes) == image.layers.map { Int64($0.tar.count) })
        // The uncompressed layer is stored as is.
        #expect(scans[2].compressedBytes == scans[2].uncompressedBytes)
        // The compressed layers are smaller than their tars (the base layer holds 70 kB of one byte).
        #expect(scans[0].compressedBytes < scans[0].uncompressedBytes / 4)
        #expect(scans[0].index.contentBytes >= 70_000)
        #expect(scans[0].index.tarBytes == scans[0].uncompressedBytes)
    }

    @Test("the compression is sniffed even when the media type lies",
          arguments: [
            (TestImage.LayerCompression.gzip, MediaType.ociLayerZstd),
            (.gzip, MediaType.ociLayer),
            (.zstd, MediaType.ociLayerGzip),
            (.zstd, MediaType.dockerLayerGzip),
            (.none, MediaType.ociLayerGzip),
            (.none, MediaType.ociLayerZstd),
          ])
    func lyingMediaType(actual: TestImage.LayerCompression, claimed: String) async throws {
        let image = markedImage("liar", compression: actual)
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        try rewriteLayout(directory, manifest: { manifest in manifest.layers[0].mediaType = claimed })
        let opened = try ImageOpener().open(path: directory)
        #expect(opened.layers[0].mediaType == claimed)
        let scans = try await scan(opened)
        let expected: CompressionKind = switch actual {
        case .none: .none
        case .gzip: .gzip
        case .zstd: .zstd
        }
        #expect(scans[0].compression == expected)
        #expect(scans[0].index.files.map(\.path) == ["etc", "etc/liar"])
        #expect(scans[0].computedDiffID == image.config.rootfs?.diffIDs[0])
    }

    @Test("a multi-member gzip layer (pigz, concatenated gzip) reads whole")
    func multiMemberGzip() async throws {
        var tar = TarBuilder()
        tar.file("first.txt", "one\n")
        tar.file("second.txt", "two\n")
        let layerTar = tar.finished()
        let half = layerTar.count / 2 / 512 * 512
        let blob = TestCompression.gzip(Array(layerTar[..<half])) + TestCompression.gzip(Array(layerTar[half...]))
        let diffID = OCIModel.Digest.sha256(of: layerTar)
        let archive = try handDockerArchive(config: handConfig(diffIDs: [diffID]), layers: [("layer.tar.gz", blob)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let scans = try await scan(try ImageOpener().open(path: path))
        #expect(scans[0].compression == .gzip)
        #expect(scans[0].index.files.map(\.path) == ["first.txt", "second.txt"])
        #expect(scans[0].computedDiffID == diffID)
    }

    @Test("a compressed layer inside a docker-archive is decompressed too", arguments: [CompressionKind.gzip, .zstd])
    func compressedLayerInDockerArchive(compression: CompressionKind) async throws {
        let layerTar = smallLayerTar("inner")
        let blob = compression == .gzip ? TestCompression.gzip(layerTar) : TestCompression.zstd(layerTar)
        let diffID = OCIModel.Digest.sha256(of: layerTar)
        let archive = try handDockerArchive(config: handConfig(diffIDs: [diffID]), layers: [("abc/layer.tar", blob)])
        for bytes in [archive, TestCompression.gzip(archive)] {
            let path = try temporaryFile(bytes)
            defer { removeTree(path) }
            let scans = try await scan(try ImageOpener().open(path: path))
            #expect(scans[0].compression == compression)
            #expect(scans[0].compressedBytes == Int64(blob.count))
            #expect(scans[0].uncompressedBytes == Int64(layerTar.count))
            #expect(scans[0].index.files.map(\.path) == ["etc", "etc/inner", "etc/filler"])
        }
    }

    @Test("a layer shorter than the 4-byte magic is handled without a crash")
    func tinyLayer() async throws {
        let blob: [UInt8] = [0x00, 0x01]
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: blob)]), layers: [("tiny.tar", blob)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try await readError(try ImageOpener().open(path: path))
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("layer 1"))
    }

    @Test("an empty layer blob is .corruptLayer naming the layer")
    func emptyLayer() async throws {
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: [UInt8]())]),
                                            layers: [("empty.tar", [])])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try await readError(try ImageOpener().open(path: path))
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("layer 1"))
        #expect(error.message.contains("empty"))
    }

    @Test("a tar without its end-of-archive blocks is accepted (some writers omit them)")
    func missingEndMarker() async throws {
        var tar = TarBuilder()
        tar.file("only.txt", "x\n")
        let blob = tar.bytes  // no end() blocks
        let diffID = OCIModel.Digest.sha256(of: blob)
        let archive = try handDockerArchive(config: handConfig(diffIDs: [diffID]), layers: [("noend.tar", blob)])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let scans = try await scan(try ImageOpener().open(path: path))
        #expect(scans[0].index.files.map(\.path) == ["only.txt"])
        #expect(scans[0].computedDiffID == diffID)
    }
}
