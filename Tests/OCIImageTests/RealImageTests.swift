import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// Images built from Debian packages by scripts/build-test-images.sh, each written by real tools (umoci, skopeo)
/// in several formats. Every format of one image must give the same layers.
/// Serialized: these read hundreds of megabytes and share two cores with everything else.
@Suite("Real Debian-built images", .serialized)
struct RealImageTests {
    static func imagesDirectory() throws -> String {
        // Fails (does not skip) when the images were not built: run scripts/build-test-images.sh.
        try #require(TestEnvironment.testImages, Comment(rawValue: TestEnvironment.missingImagesMessage))
    }

    /// Every format `name` was written in.
    static func formats(of name: String) throws -> [String] {
        let directory = try imagesDirectory()
        var paths = ["\(name).oci", "\(name).oci.tar", "\(name).docker.tar"].map { directory + "/" + $0 }
        if name == "minbase" { paths.append(directory + "/minbase.docker.tar.gz") }
        for path in paths {
            try #require(FileManager.default.fileExists(atPath: path), Comment(rawValue: "\(path) is missing: \(TestEnvironment.missingImagesMessage)"))
        }
        return paths
    }

    /// Opens and reads `path`, returning the image and its layer summaries.
    static func read(_ path: String) async throws -> (Image, [LayerScan<NoContent>]) {
        let image = try ImageOpener().open(path: path)
        return (image, try await scan(image))
    }

    static func byPath(_ files: [LayerFile]) -> [String: LayerFile] {
        Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { $1 })
    }

    @Test("every format of an image gives the same diff_ids and the same files", arguments: ["minbase", "bloated", "scratch"])
    func formatsAgree(name: String) async throws {
        let paths = try Self.formats(of: name)
        let (reference, referenceScans) = try await Self.read(paths[0])
        #expect(reference.format == "oci-layout")
        #expect(referenceScans.map(\.computedDiffID) == reference.config.rootfs?.diffIDs)
        let referenceSummaries = referenceScans.map(LayerSummary.init)
        for path in paths.dropFirst() {
            let (image, scans) = try await Self.read(path)
            #expect(image.config.rootfs?.diffIDs == reference.config.rootfs?.diffIDs, "\(path)")
            #expect(image.layers.map(\.diffID) == reference.layers.map(\.diffID), "\(path)")
            #expect(scans.map(\.computedDiffID) == referenceScans.map(\.computedDiffID), "\(path)")
            #expect(scans.map(\.uncompressedBytes) == referenceScans.map(\.uncompressedBytes), "\(path)")
            #expect(image.config.config?.cmd == reference.config.config?.cmd, "\(path)")
            let summaries = scans.map(LayerSummary.init)
            #expect(summaries.count == referenceSummaries.count)
            for (n, (a, b)) in zip(summaries, referenceSummaries).enumerated() {
                #expect(a.files == b.files, "\(path) layer \(n + 1): file lists differ")
                #expect(a.whiteouts == b.whiteouts, "\(path) layer \(n + 1)")
                #expect(a.opaqueDirectories == b.opaqueDirectories, "\(path) layer \(n + 1)")
            }
        }
    }

    @Test("minbase: one gzip layer of a Debian root filesystem, in each format")
    func minbaseContent() async throws {
        for path in try Self.formats(of: "minbase") {
            let (image, scans) = try await Self.read(path)
            try #require(scans.count == 1, "\(path)")
            let files = Self.byPath(scans[0].index.files)
            #expect(files["usr/bin/bash"]?.contentKind == .elf, "\(path)")
            #expect(files["etc/os-release"] != nil || files["usr/lib/os-release"] != nil, "\(path)")
            #expect(files["var/lib/dpkg/status"]?.kind == .regular, "\(path)")
            #expect(scans[0].index.files.count > 1000, "\(path)")
            #expect(image.config.config?.cmd == ["bash"], "\(path)")
            switch image.format {
            case "docker-archive":
                #expect(scans[0].compression == .none)
                #expect(image.names.contains("docker.io/moat-test/minbase:latest"))
            default:
                #expect(scans[0].compression == .gzip)
                #expect(image.names == ["latest"])
            }
            #expect(image.store.isSequential == path.hasSuffix(".gz"))
        }
    }

    @Test("minbase-zstd reads its zstd layer to the same content as minbase")
    func minbaseZstd() async throws {
        let directory = try Self.imagesDirectory()
        let (minbase, minbaseScans) = try await Self.read(directory + "/minbase.oci")
        for path in [directory + "/minbase-zstd.oci", directory + "/minbase-zstd.oci.tar"] {
            let (image, scans) = try await Self.read(path)
            try #require(scans.count == 1)
            #expect(image.layers[0].mediaType == MediaType.ociLayerZstd)
            #expect(scans[0].compression == .zstd)
            #expect(scans[0].computedDiffID == minbaseScans[0].computedDiffID)
            #expect(image.config.rootfs?.diffIDs == minbase.config.rootfs?.diffIDs)
            #expect(image.layers[0].digest != minbase.layers[0].digest)
            #expect(scans[0].compressedBytes == image.layers[0].size)
            #expect(LayerSummary(scans[0]) == LayerSummary(minbaseScans[0]))
        }
    }

    @Test("bloated: four layers, the last deleting the SSH key with a whiteout")
    func bloatedLayers() async throws {
        let directory = try Self.imagesDirectory()
        let (image, scans) = try await Self.read(directory + "/bloated.oci")
        #expect(scans.count == 4)
        #expect(image.layers.count == 4)
        let keyLayer = try #require(scans.firstIndex { Self.byPath($0.index.files)["root/.ssh/id_rsa"] != nil })
        let deleting = try #require(scans.firstIndex { $0.index.whiteouts.contains("root/.ssh/id_rsa") })
        #expect(keyLayer < deleting)
        #expect(scans.contains { Self.byPath($0.index.files)["usr/sbin/apache2"] != nil })
        // The same base layer as minbase.
        let (minbase, _) = try await Self.read(directory + "/minbase.oci")
        #expect(image.layers[0].diffID == minbase.layers[0].diffID)
    }

    @Test("scratch: a static binary and no shell, with its USER and ENTRYPOINT")
    func scratchImage() async throws {
        for path in try Self.formats(of: "scratch") {
            let (image, scans) = try await Self.read(path)
            let files = Self.byPath(scans.flatMap(\.index.files))
            #expect(files["app/hello"]?.contentKind == .elf, "\(path)")
            #expect(files["etc/passwd"]?.kind == .regular, "\(path)")
            #expect(files["bin/sh"] == nil, "\(path)")
            #expect(image.config.config?.user == "65532:65532", "\(path)")
            #expect(image.config.config?.entrypoint == ["/app/hello"], "\(path)")
        }
    }

    @Test("real archives honour --image and --platform selection")
    func selectionOnRealImages() throws {
        let directory = try Self.imagesDirectory()
        let docker = try ImageOpener(imageName: "moat-test/minbase").open(path: directory + "/minbase.docker.tar")
        #expect(docker.names.contains("docker.io/moat-test/minbase:latest"))
        let missing = try openError(directory + "/minbase.docker.tar", ImageOpener(imageName: "moat-test/other:1"))
        #expect(missing.code == .imageNotFound)
        #expect(missing.message.contains("moat-test/minbase:latest"))
        let layout = try ImageOpener(imageName: "latest").open(path: directory + "/minbase.oci")
        #expect(layout.names == ["latest"])
        let wrongPlatform = try openError(directory + "/minbase.oci", ImageOpener(platform: Platform(os: "linux", architecture: "riscv64")))
        #expect(wrongPlatform.code == .platformNotFound)
        #expect(wrongPlatform.message.contains("linux/\(docker.config.architecture ?? "?")"))
    }
}
