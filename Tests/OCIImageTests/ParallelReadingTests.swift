import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// `LayerReader` reads layers in parallel (largest first) but must hand them back in layer order, verified.
@Suite("Parallel layer reading")
struct ParallelReadingTests {
    /// Eight layers whose sizes are deliberately not in layer order, in all three compressions.
    static func unevenImage() -> TestImage {
        var image = TestImage()
        let sizes = [3_000, 400_000, 10, 250_000, 90_000, 1_200_000, 0, 60_000]
        let compressions: [TestImage.LayerCompression] = [.gzip, .zstd, .none]
        for (n, size) in sizes.enumerated() {
            var tar = TarBuilder()
            tar.directory("layer\(n)")
            // Pseudo-random bytes so the compressed sizes keep the same order as the plain ones.
            let bytes = pseudoRandomBytes(size, seed: UInt64(n + 1) &* 2_654_435_761)
            tar.file("layer\(n)/data.bin", bytes: bytes)
            tar.file("layer\(n)/name.txt", "layer \(n)\n")
            image.addLayer(tar, compression: compressions[n % 3], createdBy: "RUN layer \(n)")
        }
        return image
    }

    static func check(_ scans: [LayerScan<NoContent>], against image: TestImage, opened: Image) {
        #expect(scans.count == image.layers.count)
        #expect(scans.map(\.layer.index) == Array(0..<image.layers.count))
        #expect(scans.map(\.layer) == opened.layers)
        #expect(scans.map(\.computedDiffID) == image.config.rootfs?.diffIDs)
        #expect(scans.map(\.uncompressedBytes) == image.layers.map { Int64($0.tar.count) })
        for (n, scan) in scans.enumerated() {
            #expect(scan.index.files.map(\.path) == ["layer\(n)", "layer\(n)/data.bin", "layer\(n)/name.txt"])
        }
    }

    @Test("an OCI layout read with concurrency 1 and 4 gives identical, ordered, verified scans")
    func layoutConcurrency() async throws {
        let image = Self.unevenImage()
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        let manifest = try #require(opened.manifest)

        let serial = try await scan(opened, reader: LayerReader(concurrency: 1))
        let parallel = try await scan(opened, reader: LayerReader(concurrency: 4))
        Self.check(serial, against: image, opened: opened)
        Self.check(parallel, against: image, opened: opened)
        #expect(serial.map(\.compressedBytes) == manifest.layers.map(\.size))
        #expect(parallel.map(\.compressedBytes) == manifest.layers.map(\.size))
        #expect(serial.map(\.compression) == parallel.map(\.compression))
        #expect(serial.map(\.compression) == (0..<8).map { [CompressionKind.gzip, .zstd, .none][$0 % 3] })
        #expect(serial.map(LayerSummary.init) == parallel.map(LayerSummary.init))
    }

    @Test("concurrency 0 or below is raised to 1", arguments: [0, -3])
    func concurrencyFloor(requested: Int) async throws {
        #expect(LayerReader(concurrency: requested).concurrency == 1)
        let image = Self.unevenImage()
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        Self.check(try await scan(opened, reader: LayerReader(concurrency: requested)), against: image, opened: opened)
    }

    @Test("a plain docker-archive is read in parallel from offsets, in layer order", arguments: [1, 4, 16])
    func dockerArchiveConcurrency(concurrency: Int) async throws {
        let image = Self.unevenImage()
        let path = try temporaryFile(ImageWriter.dockerArchive([(tags: ["p:1"], image: image)], style: .oci))
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.store.isSequential == false)
        let scans = try await scan(opened, reader: LayerReader(concurrency: concurrency))
        Self.check(scans, against: image, opened: opened)
        // Docker-archive layers are stored uncompressed: the blob is the tar.
        #expect(scans.map(\.compressedBytes) == scans.map(\.uncompressedBytes))
    }

    @Test("a compressed docker-archive gives the same scans as the plain one")
    func compressedArchiveMatchesPlain() async throws {
        let image = Self.unevenImage()
        let plainBytes = ImageWriter.dockerArchive([(tags: ["p:1"], image: image)])
        let plain = try temporaryFile(plainBytes)
        let gzipped = try temporaryFile(TestCompression.gzip(plainBytes, level: 1))
        defer { removeTree(plain); removeTree(gzipped) }
        let plainImage = try ImageOpener().open(path: plain)
        let gzipImage = try ImageOpener().open(path: gzipped)
        let a = try await scan(plainImage, reader: LayerReader(concurrency: 4))
        let b = try await scan(gzipImage, reader: LayerReader(concurrency: 4))
        Self.check(a, against: image, opened: plainImage)
        Self.check(b, against: image, opened: gzipImage)
        #expect(a.map(LayerSummary.init) == b.map(LayerSummary.init))
        #expect(a.map(\.compressedBytes) == b.map(\.compressedBytes))
    }

    @Test("progress is reported once per layer", arguments: [false, true])
    func progressOncePerLayer(compressedArchive: Bool) async throws {
        let image = Self.unevenImage()
        let bytes = ImageWriter.dockerArchive([(tags: ["p:1"], image: image)])
        let path = try temporaryFile(compressedArchive ? TestCompression.gzip(bytes, level: 1) : bytes)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        let seen = LockedList()
        _ = try await LayerReader(concurrency: 3).read(opened, makeVisitor: { _ in NoContent() }, progress: { layer in
            seen.append(layer.index)
        })
        #expect(seen.values.sorted() == Array(0..<8))
    }

    @Test("makeVisitor is called once per layer with that layer")
    func visitorPerLayer() async throws {
        let image = Self.unevenImage()
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        let made = LockedList()
        let scans = try await LayerReader(concurrency: 4).read(opened, makeVisitor: { layer in
            made.append(layer.index)
            return NoContent()
        })
        #expect(made.values.sorted() == Array(0..<8))
        #expect(scans.count == 8)
    }

    @Test("a failing layer fails the whole read, whatever the concurrency", arguments: [1, 4])
    func oneBadLayerFailsAll(concurrency: Int) async throws {
        let image = Self.unevenImage()
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let bogus = OCIModel.Digest.sha256(of: Array("bogus".utf8))
        try rewriteLayout(directory, config: { $0.rootfs?.diffIDs[5] = bogus })
        let opened = try ImageOpener().open(path: directory)
        let error = try await readError(opened, reader: LayerReader(concurrency: concurrency))
        #expect(error.code == .diffIDMismatch)
        #expect(error.message.contains("layer 6"))
    }

    @Test("an image with no layers reads to no scans")
    func noLayers() async throws {
        let directory = try writeLayout([(name: nil, image: TestImage())])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        #expect(opened.layers.isEmpty)
        #expect(try await scan(opened).isEmpty)
    }

    @Test("the same blob used by two layers is read for both")
    func repeatedLayer() async throws {
        var image = TestImage()
        var tar = TarBuilder()
        tar.file("same.txt", "same\n")
        image.addLayer(tar, compression: .gzip)
        var other = TarBuilder()
        other.file("other.txt", "other\n")
        image.addLayer(other, compression: .gzip)
        image.addLayer(tar, compression: .gzip)
        for bytes in [ImageWriter.dockerArchive([(tags: ["r:1"], image: image)]),
                      TestCompression.gzip(ImageWriter.dockerArchive([(tags: ["r:1"], image: image)]))] {
            let path = try temporaryFile(bytes)
            defer { removeTree(path) }
            let opened = try ImageOpener().open(path: path)
            let scans = try await scan(opened, reader: LayerReader(concurrency: 4))
            #expect(scans.map(\.layer.index) == [0, 1, 2])
            #expect(scans.map { $0.index.files.map(\.path) } == [["same.txt"], ["other.txt"], ["same.txt"]])
            #expect(scans[0].computedDiffID == scans[2].computedDiffID)
        }
        let directory = try writeLayout([(name: nil, image: image)])
        defer { removeTree(directory) }
        let scans = try await scan(try ImageOpener().open(path: directory), reader: LayerReader(concurrency: 4))
        #expect(scans.map { $0.index.files.map(\.path) } == [["same.txt"], ["other.txt"], ["same.txt"]])
    }
}

/// A list appended to from concurrent callbacks.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []

    func append(_ value: Int) {
        lock.lock()
        defer { lock.unlock() }
        items.append(value)
    }

    var values: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
