import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Real Alpine images saved by `docker save` and gzipped as a whole (../shared/testdata/images).
@Suite("Real Alpine docker-archives from shared testdata", .serialized)
struct SharedTestdataTests {
    static func archive(_ version: String) throws -> String {
        // Fails (does not skip) when the shared data is absent: these tests are the only real docker-save input.
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        return shared + "/images/alpine-\(version).docker.tar.gz"
    }

    @Test("the Alpine archive opens and reads: one layer with busybox and os-release", arguments: ["3.10", "3.11"])
    func alpine(version: String) async throws {
        let path = try Self.archive(version)
        let opened = try ImageOpener().open(path: path)
        #expect(opened.format == "docker-archive")
        #expect(opened.store is CompressedTarStore)
        #expect(opened.store.isSequential)
        #expect(opened.names.contains("alpine:\(version)"))
        #expect(opened.layers.count == 1)
        #expect(opened.layers[0].blobPath.hasSuffix("/layer.tar"))
        #expect(opened.config.os == "linux")
        #expect(opened.config.architecture == "amd64")
        #expect(opened.config.config?.cmd == ["/bin/sh"])

        let scans = try await scan(opened)
        try #require(scans.count == 1)
        let layer = scans[0]
        #expect(layer.compression == .none)
        #expect(layer.computedDiffID == opened.layers[0].diffID)
        #expect(layer.compressedBytes == layer.uncompressedBytes)
        #expect(layer.uncompressedBytes > 5_000_000)
        let byPath = Dictionary(layer.index.files.map { ($0.path, $0) }, uniquingKeysWith: { $1 })
        let busybox = try #require(byPath["bin/busybox"])
        #expect(busybox.kind == .regular)
        #expect(busybox.contentKind == .elf)
        #expect(busybox.isExecutable)
        #expect(byPath["etc/os-release"] != nil)
        #expect(byPath["bin/sh"]?.kind == .symlink)
        #expect(byPath["bin/sh"]?.linkTarget == "/bin/busybox")
        #expect(byPath["lib/apk/db/installed"]?.kind == .regular)
        #expect(layer.index.anomalies.isEmpty)
    }

    @Test("the two versions are different images")
    func versionsDiffer() throws {
        let a = try ImageOpener().open(path: Self.archive("3.10"))
        let b = try ImageOpener().open(path: Self.archive("3.11"))
        #expect(a.configDigest != b.configDigest)
        #expect(a.layers[0].diffID != b.layers[0].diffID)
    }

    @Test("--image picks the tag in the archive, and a wrong tag lists the one present")
    func imageSelection() throws {
        let path = try Self.archive("3.10")
        let named = try ImageOpener(imageName: "docker.io/library/alpine:3.10").open(path: path)
        #expect(named.names.contains("alpine:3.10"))
        let error = try openError(path, ImageOpener(imageName: "alpine:3.11"))
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("alpine:3.10"))
    }

    @Test("the archive read with concurrency 1 and 4 gives the same index")
    func concurrencyIndependent() async throws {
        let opened = try ImageOpener().open(path: Self.archive("3.11"))
        let one = try await summaries(opened, reader: LayerReader(concurrency: 1))
        let four = try await summaries(opened, reader: LayerReader(concurrency: 4))
        #expect(one == four)
        #expect(one.first?.files.isEmpty == false)
    }
}
