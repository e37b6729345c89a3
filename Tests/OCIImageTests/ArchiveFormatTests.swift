import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// One `TestImage` written in every format moat reads must read back to the same layers.
@Suite("Archive formats give the same image")
struct ArchiveFormatTests {
    let image = sampleImage()

    /// The expected per-layer file paths of `sampleImage()`.
    static let expectedPaths: [[String]] = [
        ["bin", "bin/sh", "bin/ash", "etc", "etc/os-release", "etc/passwd", "var/cache", "var/cache/big.bin"],
        ["app", "app/main.py", "app/run.py"],
        ["var/cache", "var/cache/new.txt"],
    ]

    func referenceSummaries() async throws -> [LayerSummary] {
        let directory = try writeLayout([(name: "latest", image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().open(path: directory)
        #expect(opened.format == "oci-layout")
        return try await summaries(opened)
    }

    @Test("the OCI layout reads every layer with its files, whiteouts and opaque markers")
    func ociLayoutReference() async throws {
        let reference = try await referenceSummaries()
        try #require(reference.count == 3)
        #expect(reference.map(\.paths) == Self.expectedPaths)
        #expect(reference[1].whiteouts == ["etc/passwd"])
        #expect(reference[2].opaqueDirectories == ["var/cache"])
        #expect(reference.map(\.computedDiffID) == image.config.rootfs?.diffIDs)
        let sh = try #require(reference[0].files.first { $0.path == "bin/sh" })
        #expect(sh.kind == .regular)
        #expect(sh.contentKind == .elf)
        #expect(sh.mode == 0o755)
        let ash = try #require(reference[0].files.first { $0.path == "bin/ash" })
        #expect(ash.kind == .symlink)
        #expect(ash.linkTarget == "sh")
        let run = try #require(reference[1].files.first { $0.path == "app/run.py" })
        #expect(run.kind == .hardLink)
        #expect(run.linkTarget == "app/main.py")
        let newFile = try #require(reference[2].files.first { $0.path == "var/cache/new.txt" })
        #expect(newFile.uid == 1000 && newFile.gid == 1000)
    }

    @Test("legacy docker-archive (<id>/layer.tar, repositories) matches the OCI layout")
    func legacyDockerArchive() async throws {
        let archive = ImageWriter.dockerArchive([(tags: ["moat-test/sample:1"], image: image)], style: .legacy)
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.format == "docker-archive")
        #expect(opened.names == ["moat-test/sample:1"])
        #expect(opened.store.isSequential == false)
        #expect(opened.layers.map(\.blobPath).allSatisfy { $0.hasSuffix("/layer.tar") })
        // The legacy layout does not record blob digests; the diff_ids come from the config.
        #expect(opened.layers.allSatisfy { $0.digest == nil })
        #expect(opened.layers.map(\.diffID) == image.config.rootfs?.diffIDs)
        #expect(opened.config.config?.user == "app")
        #expect(try await summaries(opened) == (try await referenceSummaries()))
    }

    @Test("Docker 25+ docker-archive (blobs/sha256) matches the OCI layout")
    func ociStyleDockerArchive() async throws {
        let archive = ImageWriter.dockerArchive([(tags: ["moat-test/sample:1"], image: image)], style: .oci)
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.format == "docker-archive")
        #expect(opened.layers.map(\.blobPath).allSatisfy { $0.hasPrefix("blobs/sha256/") })
        // Docker 25 names layer blobs by digest, so the digest is known before reading.
        #expect(opened.layers.map(\.digest) == image.config.rootfs?.diffIDs)
        #expect(try await summaries(opened) == (try await referenceSummaries()))
    }

    @Test("gzip- and zstd-compressed docker-archives are read in one sequential pass and match the OCI layout",
          arguments: [ImageWriter.DockerArchiveStyle.legacy, .oci], [CompressionKind.gzip, .zstd])
    func compressedDockerArchive(style: ImageWriter.DockerArchiveStyle, compression: CompressionKind) async throws {
        let plain = ImageWriter.dockerArchive([(tags: ["moat-test/sample:1"], image: image)], style: style)
        let compressed = compression == .gzip ? TestCompression.gzip(plain) : TestCompression.zstd(plain)
        try #require(CompressionKind.sniff(compressed) == compression)
        let path = try temporaryFile(compressed, suffix: compression == .gzip ? ".tar.gz" : ".tar.zst")
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.format == "docker-archive")
        #expect(opened.store is CompressedTarStore)
        #expect(opened.store.isSequential)
        #expect(opened.names == ["moat-test/sample:1"])
        let scans = try await scan(opened)
        // Layers inside a docker-archive are stored uncompressed, whatever compresses the archive as a whole.
        #expect(scans.map(\.compression) == [.none, .none, .none])
        #expect(scans.map(\.layer.index) == [0, 1, 2])
        #expect(scans.map(LayerSummary.init) == (try await referenceSummaries()))
    }

    @Test("an OCI archive (tar of the layout) matches the OCI layout, also when compressed as a whole",
          arguments: [CompressionKind.none, .gzip, .zstd])
    func ociArchive(compression: CompressionKind) async throws {
        let tar = try ImageWriter.ociArchive([(name: "latest", image: image)])
        let bytes = switch compression {
        case .none: tar
        case .gzip: TestCompression.gzip(tar)
        case .zstd: TestCompression.zstd(tar)
        }
        let path = try temporaryFile(bytes)
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        #expect(opened.format == "oci-archive")
        #expect(opened.store.isSequential == (compression != .none))
        #expect(opened.names == ["latest"])
        let scans = try await scan(opened)
        #expect(scans.map(\.compression) == [.gzip, .zstd, .none])
        #expect(scans.map(LayerSummary.init) == (try await referenceSummaries()))
    }

    @Test("an unpacked docker-archive directory opens through openDirectory")
    func unpackedDockerArchiveDirectory() async throws {
        let archive = ImageWriter.dockerArchive([(tags: ["moat-test/sample:1"], image: image)], style: .legacy)
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        // Unpack with the reader itself: every regular member of the archive written to the directory.
        let tarPath = try temporaryFile(archive)
        defer { removeTree(tarPath) }
        let store = try TarFileStore(file: SharedFile(path: tarPath))
        for member in ["manifest.json", "repositories", image.config.rootfs!.diffIDs[0].hex + "/layer.tar",
                       image.config.rootfs!.diffIDs[1].hex + "/layer.tar", image.config.rootfs!.diffIDs[2].hex + "/layer.tar"] {
            try #require(store.contains(member), "archive lacks \(member)")
        }
        let entries = try JSONDecoder().decode([DockerArchiveManifestEntry].self, from: store.read("manifest.json", limit: 1 << 20))
        var files: [String: [UInt8]] = ["manifest.json": Array(try store.read("manifest.json", limit: 1 << 20))]
        files[entries[0].config] = Array(try store.read(entries[0].config, limit: 1 << 20))
        for layer in entries[0].layers { files[layer] = Array(try store.read(layer, limit: 1 << 20)) }
        try ImageWriter.writeTree(files, to: directory)

        let opened = try ImageOpener().openDirectory(directory)
        #expect(opened.format == "docker-archive")
        #expect(opened.names == ["moat-test/sample:1"])
        #expect(try await summaries(opened) == (try await referenceSummaries()))
    }

    @Test("a layer blob shared by two images of one compressed archive is read for each")
    func sharedLayerInCompressedArchive() async throws {
        var other = image
        var extra = TarBuilder()
        extra.file("extra.txt", "only in the second image\n")
        other.addLayer(extra, compression: .none, createdBy: "RUN extra")
        let plain = ImageWriter.dockerArchive([(tags: ["a:1"], image: image), (tags: ["b:1"], image: other)], style: .legacy)
        let path = try temporaryFile(TestCompression.gzip(plain), suffix: ".tar.gz")
        defer { removeTree(path) }
        let first = try ImageOpener(imageName: "a:1").open(path: path)
        let second = try ImageOpener(imageName: "b:1").open(path: path)
        let firstScans = try await summaries(first)
        let secondScans = try await summaries(second)
        #expect(firstScans.count == 3)
        #expect(secondScans.count == 4)
        #expect(Array(secondScans.prefix(3)) == firstScans)
        #expect(secondScans[3].paths == ["extra.txt"])
    }
}
