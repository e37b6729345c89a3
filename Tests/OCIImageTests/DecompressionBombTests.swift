import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Expansion limits stop a layer that inflates far beyond its blob, through the real read pipeline.
@Suite("Decompression bombs")
struct DecompressionBombTests {
    /// An image whose one gzip layer holds `megabytes` MB of zeros (a few kB compressed).
    static func zeroBomb(megabytes: Int, compression: TestImage.LayerCompression = .gzip) -> TestImage {
        var tar = TarBuilder()
        tar.file("zeros.bin", bytes: [UInt8](repeating: 0, count: megabytes << 20))
        var image = TestImage()
        image.addLayer(tar, compression: compression, createdBy: "RUN dd if=/dev/zero")
        return image
    }

    static func openLayout(_ image: TestImage) throws -> (String, Image) {
        let directory = try writeLayout([(name: nil, image: image)])
        return (directory, try ImageOpener().open(path: directory))
    }

    @Test("a gzip layer of 20 MB of zeros trips the ratio limit and is .corruptLayer naming the layer",
          arguments: [TestImage.LayerCompression.gzip, .zstd])
    func ratioLimit(compression: TestImage.LayerCompression) async throws {
        let (directory, opened) = try Self.openLayout(Self.zeroBomb(megabytes: 20, compression: compression))
        defer { removeTree(directory) }
        let blobSize = try #require(opened.layers[0].size)
        try #require(blobSize < (20 << 20) / 50, "the fixture must compress past the 50x ratio")
        let reader = LayerReader(limits: ReadLimits(expansion: ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)))
        let error = try await readError(opened, reader: reader)
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("decompression bomb"))
        #expect(error.message.contains("50x"))
        #expect(error.message.contains(opened.layers[0].label))
    }

    @Test("the same layer reads under the default limits (its ratio is high but it is below the grace size)")
    func defaultLimitsAccept() async throws {
        let (directory, opened) = try Self.openLayout(Self.zeroBomb(megabytes: 20))
        defer { removeTree(directory) }
        let scans = try await scan(opened, reader: LayerReader())
        #expect(scans[0].uncompressedBytes > 20 << 20)
        #expect(scans[0].index.files.map(\.path) == ["zeros.bin"])
        #expect(scans[0].index.contentBytes == 20 << 20)
    }

    @Test("output within the grace size never trips the ratio check")
    func graceSize() async throws {
        let (directory, opened) = try Self.openLayout(Self.zeroBomb(megabytes: 2))
        defer { removeTree(directory) }
        let reader = LayerReader(limits: ReadLimits(expansion: ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 2, ratioGraceBytes: 4 << 20)))
        let scans = try await scan(opened, reader: reader)
        #expect(scans[0].uncompressedBytes > 2 << 20)
    }

    @Test("maxLayerBytes caps the uncompressed size of a layer, compressed or not",
          arguments: [TestImage.LayerCompression.gzip, .none])
    func maxLayerBytes(compression: TestImage.LayerCompression) async throws {
        let (directory, opened) = try Self.openLayout(Self.zeroBomb(megabytes: 3, compression: compression))
        defer { removeTree(directory) }
        let reader = LayerReader(limits: ReadLimits(expansion: ExpansionLimits(maxLayerBytes: 1 << 20, maxRatio: 1e9, ratioGraceBytes: 1 << 40)))
        let error = try await readError(opened, reader: reader)
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("beyond \(1 << 20) bytes"))
        #expect(error.message.contains("decompression bomb"))
        #expect(error.message.contains(opened.layers[0].label))
    }

    @Test("a layer just under maxLayerBytes reads")
    func justUnderCap() async throws {
        let (directory, opened) = try Self.openLayout(Self.zeroBomb(megabytes: 1))
        defer { removeTree(directory) }
        // One header block, 1 MB of data (no padding needed) and the two end blocks.
        let size = Int64((1 << 20) + 512 + 1024)
        let reader = LayerReader(limits: ReadLimits(expansion: ExpansionLimits(maxLayerBytes: size, maxRatio: 1e9, ratioGraceBytes: 1 << 40)))
        let scans = try await scan(opened, reader: reader)
        #expect(scans[0].uncompressedBytes == size)
    }

    @Test("the limits apply to layers inside a compressed docker-archive read sequentially")
    func bombInCompressedArchive() async throws {
        var tar = TarBuilder()
        tar.file("zeros.bin", bytes: [UInt8](repeating: 0, count: 20 << 20))
        let layerTar = tar.finished()
        let archive = try handDockerArchive(config: handConfig(diffIDs: [OCIModel.Digest.sha256(of: layerTar)]),
                                            layers: [("bomb/layer.tar.gz", TestCompression.gzip(layerTar))])
        let path = try temporaryFile(TestCompression.gzip(archive), suffix: ".tar.gz")
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.store.isSequential)
        let reader = LayerReader(limits: ReadLimits(expansion: ExpansionLimits(maxLayerBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)))
        let error = try await readError(opened, reader: reader)
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("decompression bomb"))
        #expect(error.message.contains("layer 1"))
    }

    @Test("tar entry limits apply through the pipeline")
    func tooManyEntries() async throws {
        var tar = TarBuilder()
        for i in 0..<50 { tar.file("f\(i)", "x") }
        var image = TestImage()
        image.addLayer(tar, compression: .gzip)
        let (directory, opened) = try Self.openLayout(image)
        defer { removeTree(directory) }
        let reader = LayerReader(limits: ReadLimits(tar: TarLimits(maxEntries: 10)))
        let error = try await readError(opened, reader: reader)
        #expect(error.code == .corruptLayer)
        #expect(error.message.contains("more than 10 entries"))
        #expect(error.message.contains(opened.layers[0].label))
    }
}
