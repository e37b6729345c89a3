import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import MoatTesting

/// `--image NAME:TAG` over a docker-archive holding several images.
@Suite("Choosing an image in a multi-image docker-archive")
struct DockerArchiveSelectionTests {
    /// Three images, one with two tags, written in `style`; returns the archive path.
    static func multiImageArchive(style: ImageWriter.DockerArchiveStyle = .legacy, compressed: Bool = false) throws -> String {
        let archive = ImageWriter.dockerArchive([
            (tags: ["alpine:3.10"], image: markedImage("alpine-310")),
            (tags: ["alpine:latest", "moat-test/app:2"], image: markedImage("alpine-latest")),
            (tags: ["registry.example.com:5000/team/tool:v1"], image: markedImage("tool")),
        ], style: style)
        return try temporaryFile(compressed ? TestCompression.gzip(archive) : archive)
    }

    /// The marker file of the chosen image's only layer.
    static func marker(_ image: Image) async throws -> String? {
        let scans = try await summaries(image)
        return scans.first?.paths.first { $0.hasPrefix("etc/") }.map { String($0.dropFirst(4)) }
    }

    @Test("NAME:TAG picks the image carrying that tag",
          arguments: [(ImageWriter.DockerArchiveStyle.legacy, false), (.oci, false), (.legacy, true)])
    func pickByTag(style: ImageWriter.DockerArchiveStyle, compressed: Bool) async throws {
        let path = try Self.multiImageArchive(style: style, compressed: compressed)
        defer { removeTree(path) }
        let chosen = try ImageOpener(imageName: "alpine:3.10").open(path: path)
        #expect(chosen.names == ["alpine:3.10"])
        #expect(try await Self.marker(chosen) == "alpine-310")
        let second = try ImageOpener(imageName: "moat-test/app:2").open(path: path)
        #expect(second.names == ["alpine:latest", "moat-test/app:2"])
        #expect(try await Self.marker(second) == "alpine-latest")
    }

    @Test("docker.io/library/NAME:TAG and index.docker.io names mean the same image as NAME:TAG",
          arguments: ["docker.io/library/alpine:3.10", "index.docker.io/library/alpine:3.10", "library/alpine:3.10"])
    func fullyQualifiedName(name: String) async throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        let chosen = try ImageOpener(imageName: name).open(path: path)
        #expect(chosen.names == ["alpine:3.10"])
        #expect(try await Self.marker(chosen) == "alpine-310")
    }

    @Test("a name without a tag means :latest", arguments: ["alpine", "docker.io/library/alpine"])
    func nameWithoutTagMeansLatest(name: String) async throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        let chosen = try ImageOpener(imageName: name).open(path: path)
        #expect(chosen.names.contains("alpine:latest"))
        #expect(try await Self.marker(chosen) == "alpine-latest")
    }

    @Test("a registry with a port is not mistaken for a tag")
    func registryWithPort() async throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        let chosen = try ImageOpener(imageName: "registry.example.com:5000/team/tool:v1").open(path: path)
        #expect(try await Self.marker(chosen) == "tool")
        // Without a tag the name means :latest, which this image does not carry.
        let error = try openError(path, ImageOpener(imageName: "registry.example.com:5000/team/tool"))
        #expect(error.code == .imageNotFound)
    }

    @Test("a tag that is not present is .imageNotFound, listing the tags that are")
    func missingTag() throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        let error = try openError(path, ImageOpener(imageName: "alpine:3.99"))
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("alpine:3.99"))
        for tag in ["alpine:3.10", "alpine:latest", "moat-test/app:2", "registry.example.com:5000/team/tool:v1"] {
            #expect(error.message.contains(tag), "message should list \(tag): \(error.message)")
        }
        #expect(error.message.contains(path))
    }

    @Test("a similar name with a different repository does not match")
    func differentRepositoryDoesNotMatch() throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        #expect(try openError(path, ImageOpener(imageName: "other/alpine:3.10")).code == .imageNotFound)
        #expect(try openError(path, ImageOpener(imageName: "alpine:3.1")).code == .imageNotFound)
    }

    @Test("no name with several images is .ambiguousImage, naming the choices")
    func ambiguous() throws {
        let path = try Self.multiImageArchive()
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .ambiguousImage)
        #expect(error.message.contains("3 images"))
        #expect(error.message.contains("--image"))
        #expect(error.message.contains("alpine:3.10"))
        #expect(error.message.contains("moat-test/app:2"))
    }

    @Test("no name with a single image opens it, whatever its tag")
    func singleImageNeedsNoName() async throws {
        let archive = ImageWriter.dockerArchive([(tags: ["only/one:7"], image: markedImage("only"))])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let chosen = try ImageOpener().open(path: path)
        #expect(chosen.names == ["only/one:7"])
        #expect(try await Self.marker(chosen) == "only")
    }

    @Test("an archive of untagged images says so when a name is asked for")
    func untaggedImages() throws {
        let archive = ImageWriter.dockerArchive([(tags: [], image: markedImage("a")), (tags: [], image: markedImage("b"))])
        let path = try temporaryFile(archive)
        defer { removeTree(path) }
        let error = try openError(path, ImageOpener(imageName: "a:1"))
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("untagged"))
        #expect(try openError(path).code == .ambiguousImage)
    }

    @Test("manifest.json listing no images is .invalidMetadata")
    func emptyManifest() throws {
        var tar = TarBuilder()
        tar.file("manifest.json", "[]")
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let error = try openError(path)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("no images"))
    }
}
