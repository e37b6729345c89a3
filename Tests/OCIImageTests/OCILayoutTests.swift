import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import MoatTesting

/// OCI image layouts and archives: indexes, nested indexes, platforms and reference names.
@Suite("OCI layouts and archives")
struct OCILayoutTests {
    static let amd64 = Platform(os: "linux", architecture: "amd64")
    static let arm64 = Platform(os: "linux", architecture: "arm64", variant: "v8")
    static let armv7 = Platform(os: "linux", architecture: "arm", variant: "v7")
    static let s390x = Platform(os: "linux", architecture: "s390x")

    /// A platform that is not the host's, for images the default must not pick.
    static var foreign: Platform { Platform.host.architecture == "amd64" ? arm64 : amd64 }

    static func multiPlatform() -> [(name: String?, image: TestImage)] {
        [
            (name: nil, image: markedImage("for-armv7", platform: armv7)),
            (name: nil, image: markedImage("for-s390x", platform: s390x)),
            (name: nil, image: markedImage("for-foreign", platform: foreign)),
            (name: nil, image: markedImage("for-host", platform: Platform.host)),
        ]
    }

    static func marker(_ image: Image) async throws -> String? {
        try await summaries(image).first?.paths.first { $0.hasPrefix("etc/") }.map { String($0.dropFirst(4)) }
    }

    /// Opens the same layout as a directory and as an OCI archive.
    static func bothForms(_ images: [(name: String?, image: TestImage)], nestedIndex: Bool = false,
                          _ body: (String) async throws -> Void) async throws {
        let directory = try writeLayout(images, nestedIndex: nestedIndex)
        defer { removeTree(directory) }
        try await body(directory)
        let archive = try temporaryFile(try ImageWriter.ociArchive(images, nestedIndex: nestedIndex))
        defer { removeTree(archive) }
        try await body(archive)
    }

    @Test("a layout directory opens with its manifest, config and layers")
    func layoutMetadata() async throws {
        let image = sampleImage()
        let directory = try writeLayout([(name: "v1", image: image)])
        defer { removeTree(directory) }
        let opened = try ImageOpener().openDirectory(directory)
        #expect(opened.format == "oci-layout")
        #expect(opened.source == directory)
        #expect(opened.names == ["v1"])
        let manifest = try #require(opened.manifest)
        let (_, descriptor) = ImageWriter.ociBlobs(image)
        #expect(opened.manifestDigest == descriptor.digest)
        #expect(manifest.layers.count == 3)
        #expect(opened.configDigest == manifest.config.digest)
        #expect(opened.config.platform == image.platform)
        #expect(opened.config.config?.cmd == ["/bin/sh"])
        #expect(opened.layers.map(\.index) == [0, 1, 2])
        #expect(opened.layers.map(\.digest) == manifest.layers.map(\.digest))
        #expect(opened.layers.map(\.size) == manifest.layers.map(\.size))
        #expect(opened.layers.map(\.mediaType) == [MediaType.ociLayerGzip, MediaType.ociLayerZstd, MediaType.ociLayer])
        #expect(opened.layers.map(\.diffID) == image.config.rootfs?.diffIDs)
        #expect(opened.layers.map(\.blobPath) == manifest.layers.map { "blobs/sha256/\($0.digest.hex)" })
        #expect(opened.layers[0].label == "layer 1 (sha256:\(manifest.layers[0].digest.short))")
    }

    @Test("open(path:) on a directory and openDirectory agree")
    func openPathOnDirectory() throws {
        let directory = try writeLayout([(name: nil, image: sampleImage())])
        defer { removeTree(directory) }
        let viaPath = try ImageOpener().open(path: directory)
        let viaDirectory = try ImageOpener().openDirectory(directory)
        #expect(viaPath.manifestDigest == viaDirectory.manifestDigest)
        #expect(viaPath.layers == viaDirectory.layers)
    }

    @Test("a nested index (multi-arch style) is followed to the manifest, in a directory and an archive")
    func nestedIndex() async throws {
        let image = sampleImage()
        try await Self.bothForms([(name: "nested", image: image)], nestedIndex: true) { path in
            let opened = try ImageOpener().open(path: path)
            #expect(opened.layers.count == 3)
            #expect(opened.names == ["nested"])
            let scans = try await summaries(opened)
            #expect(scans.map(\.computedDiffID) == image.config.rootfs?.diffIDs)
        }
    }

    @Test("a multi-platform index picks the requested platform", arguments: [false, true])
    func pickPlatform(nested: Bool) async throws {
        try await Self.bothForms(Self.multiPlatform(), nestedIndex: nested) { path in
            #expect(try await Self.marker(ImageOpener(platform: Self.armv7).open(path: path)) == "for-armv7")
            #expect(try await Self.marker(ImageOpener(platform: Self.s390x).open(path: path)) == "for-s390x")
            let arm = try ImageOpener(platform: Self.foreign).open(path: path)
            #expect(try await Self.marker(arm) == "for-foreign")
            #expect(arm.config.architecture == Self.foreign.architecture)
        }
    }

    @Test("with no platform asked, a multi-platform index gives the host's image", arguments: [false, true])
    func defaultHostPlatform(nested: Bool) async throws {
        try await Self.bothForms(Self.multiPlatform(), nestedIndex: nested) { path in
            let opened = try ImageOpener().open(path: path)
            #expect(opened.config.architecture == Platform.host.architecture)
            #expect(try await Self.marker(opened) == "for-host")
        }
    }

    @Test("arm64 without a variant matches an arm64/v8 image")
    func arm64VariantDefault() async throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x86", platform: Self.amd64)),
                                         (name: nil, image: markedImage("arm", platform: Self.arm64))])
        defer { removeTree(directory) }
        let opened = try ImageOpener(platform: Platform(os: "linux", architecture: "arm64")).open(path: directory)
        #expect(try await Self.marker(opened) == "arm")
    }

    @Test("a platform that is not present is .platformNotFound, listing the platforms that are")
    func platformNotFound() async throws {
        try await Self.bothForms(Self.multiPlatform()) { path in
            let wanted = Platform(os: "linux", architecture: "riscv64")
            let error = try openError(path, ImageOpener(platform: wanted))
            #expect(error.code == .platformNotFound)
            #expect(error.message.contains("linux/riscv64"))
            for present in ["linux/arm/v7", "linux/s390x", Self.foreign.description, Platform.host.description] {
                #expect(error.message.contains(present), "message should list \(present): \(error.message)")
            }
            #expect(error.message.contains("--platform"))
            #expect(error.message.contains(path))
        }
    }

    @Test("a wrong variant is not accepted")
    func variantMismatch() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("v7", platform: Self.armv7)),
                                         (name: nil, image: markedImage("x86", platform: Self.amd64))])
        defer { removeTree(directory) }
        let error = try openError(directory, ImageOpener(platform: Platform(os: "linux", architecture: "arm", variant: "v6")))
        #expect(error.code == .platformNotFound)
        #expect(error.message.contains("linux/arm/v7"))
    }

    @Test("a single manifest is taken whatever its platform when none is asked for, and refused when another is")
    func singleManifestAnyPlatform() async throws {
        try await Self.bothForms([(name: nil, image: markedImage("mainframe", platform: Self.s390x))]) { path in
            let opened = try ImageOpener().open(path: path)
            #expect(opened.config.architecture == "s390x")
            #expect(try await Self.marker(opened) == "mainframe")
            let error = try openError(path, ImageOpener(platform: Self.amd64))
            #expect(error.code == .platformNotFound)
            #expect(error.message.contains("linux/s390x"))
        }
    }

    @Test("descriptors without a platform are matched by their config's os/architecture")
    func platformFromConfig() async throws {
        let directory = try writeLayout([(name: nil, image: markedImage("for-s390x", platform: Self.s390x)),
                                         (name: nil, image: markedImage("for-armv7", platform: Self.armv7))])
        defer { removeTree(directory) }
        var index = try decodeJSONFile(Index.self, directory + "/index.json")
        for i in index.manifests.indices { index.manifests[i].platform = nil }
        try writeBytes(try encodeJSON(index), to: directory + "/index.json")
        let opened = try ImageOpener(platform: Self.armv7).open(path: directory)
        #expect(try await Self.marker(opened) == "for-armv7")
        let error = try openError(directory, ImageOpener(platform: Platform(os: "windows", architecture: "amd64")))
        #expect(error.code == .platformNotFound)
        #expect(error.message.contains("linux/s390x"))
        #expect(error.message.contains("linux/arm/v7"))
    }

    @Test("attestation manifests and unknown/unknown entries are skipped")
    func attestationsSkipped() async throws {
        let directory = try writeLayout([(name: nil, image: markedImage("real", platform: Self.s390x)),
                                         (name: nil, image: markedImage("attestation", platform: Self.amd64))])
        defer { removeTree(directory) }
        var index = try decodeJSONFile(Index.self, directory + "/index.json")
        index.manifests[1].platform = Platform(os: "unknown", architecture: "unknown")
        index.manifests[1].annotations = ["vnd.docker.reference.type": "attestation-manifest"]
        try writeBytes(try encodeJSON(index), to: directory + "/index.json")
        // Only one real manifest is left, so it is taken without a platform.
        let opened = try ImageOpener().open(path: directory)
        #expect(try await Self.marker(opened) == "real")
    }

    @Test("an image is chosen by org.opencontainers.image.ref.name")
    func refNameSelection() async throws {
        let images: [(name: String?, image: TestImage)] = [
            (name: "1.0", image: markedImage("one")),
            (name: "2.0", image: markedImage("two")),
            (name: "example.com/app:3.0", image: markedImage("three")),
        ]
        try await Self.bothForms(images) { path in
            let two = try ImageOpener(imageName: "2.0").open(path: path)
            #expect(two.names == ["2.0"])
            #expect(try await Self.marker(two) == "two")
            // A full reference whose tag is the ref name also matches.
            #expect(try await Self.marker(ImageOpener(imageName: "moat-test/app:1.0").open(path: path)) == "one")
            #expect(try await Self.marker(ImageOpener(imageName: "example.com/app:3.0").open(path: path)) == "three")
        }
    }

    @Test("a ref name that is not present is .imageNotFound listing the names present")
    func refNameMissing() async throws {
        try await Self.bothForms([(name: "1.0", image: markedImage("one")), (name: "2.0", image: markedImage("two"))]) { path in
            let error = try openError(path, ImageOpener(imageName: "9.9"))
            #expect(error.code == .imageNotFound)
            #expect(error.message.contains("9.9"))
            #expect(error.message.contains("1.0"))
            #expect(error.message.contains("2.0"))
        }
    }

    @Test("two differently named images for the same platform are ambiguous without a name")
    func samePlatformNamedImagesAreAmbiguous() async throws {
        let directory = try writeLayout([(name: "1.0", image: markedImage("one")), (name: "2.0", image: markedImage("two"))])
        defer { removeTree(directory) }
        // With a name, each is reachable.
        #expect(try await Self.marker(ImageOpener(imageName: "2.0").open(path: directory)) == "two")
        let error = try openError(directory)
        #expect(error.code == .ambiguousImage)
        #expect(error.message.contains("1.0") && error.message.contains("2.0"))
    }

    @Test("asking for a name in a layout without names says none are named")
    func refNameInUnnamedLayout() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("anon"))])
        defer { removeTree(directory) }
        let error = try openError(directory, ImageOpener(imageName: "latest"))
        #expect(error.code == .imageNotFound)
        #expect(error.message.contains("no named images"))
    }

    @Test("ref name and platform combine: the name picks the index, the platform picks inside it")
    func refNameThenPlatform() async throws {
        let directory = try writeLayout(Self.multiPlatform(), nestedIndex: true)
        defer { removeTree(directory) }
        var index = try decodeJSONFile(Index.self, directory + "/index.json")
        index.manifests[0].annotations = ["org.opencontainers.image.ref.name": "multi"]
        try writeBytes(try encodeJSON(index), to: directory + "/index.json")
        let opened = try ImageOpener(imageName: "multi", platform: Self.s390x).open(path: directory)
        #expect(opened.names == ["multi"])
        #expect(try await Self.marker(opened) == "for-s390x")
    }

    @Test("an image layout version other than 1.x is .unsupported")
    func layoutVersion() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))])
        defer { removeTree(directory) }
        try writeBytes(Array(#"{"imageLayoutVersion":"2.0.0"}"#.utf8), to: directory + "/oci-layout")
        let error = try openError(directory)
        #expect(error.code == .unsupported)
        #expect(error.message.contains("2.0.0"))
    }

    @Test("an index listing no manifests is .invalidMetadata")
    func emptyIndex() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))])
        defer { removeTree(directory) }
        try writeBytes(try encodeJSON(Index(manifests: [])), to: directory + "/index.json")
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("no image manifests"))
    }

    @Test("indexes nested more than 8 deep are refused")
    func indexNestingLimit() throws {
        let directory = try writeLayout([(name: nil, image: markedImage("x"))])
        defer { removeTree(directory) }
        // A self-referencing index cannot be content-addressed, so a deep chain stands in for a cycle.
        var target = try decodeJSONFile(Index.self, directory + "/index.json").manifests[0]
        for _ in 0..<10 {
            let bytes = try encodeJSON(Index(manifests: [target]))
            let digest = OCIModel.Digest.sha256(of: bytes)
            try writeBytes(bytes, to: blobFile(directory, digest))
            target = Descriptor(mediaType: MediaType.ociIndex, digest: digest, size: Int64(bytes.count))
        }
        try writeBytes(try encodeJSON(Index(manifests: [target])), to: directory + "/index.json")
        let error = try openError(directory)
        #expect(error.code == .invalidMetadata)
        #expect(error.message.contains("nest"))
    }
}
