import ImageAnalysis
import MoatTesting
import OCIImage
import OCIModel
import Testing

@Suite("BaseImage: which layers are the base, and what kind of base it is")
struct BaseImageIdentificationTests {
    /// Three layers: two from the base (rootfs + a RUN), one from the application.
    func threeLayers() -> TestImage {
        var image = TestImage()
        for (index, createdBy) in ["/bin/sh -c #(nop) ADD file:0a1b2c in / ", "/bin/sh -c apt-get update && apt-get install -y ca-certificates",
                                   "COPY app /app # buildkit"].enumerated() {
            var tar = TarBuilder()
            tar.file("layer\(index).txt", "layer \(index)\n")
            image.addLayer(tar, createdBy: createdBy)
        }
        return image
    }

    @Test("history heuristic: the base ends at its own trailing CMD entry", arguments: [
        "/bin/sh -c #(nop)  CMD [\"bash\"]", "CMD [\"bash\"]",
    ])
    func historyHeuristic(baseCmd: String) async throws {
        let report = try await analyze(threeLayers()) { image in
            image.config.history = [
                History(createdBy: "/bin/sh -c #(nop) ADD file:0a1b2c in / "),
                History(createdBy: "/bin/sh -c apt-get update && apt-get install -y ca-certificates"),
                History(createdBy: baseCmd, emptyLayer: true),
                History(createdBy: "WORKDIR /app # buildkit", emptyLayer: true),
                History(createdBy: "COPY app /app # buildkit"),
                History(createdBy: "CMD [\"/app/server\"]", emptyLayer: true),
            ]
        }
        #expect(report.base.evidence == .history)
        #expect(report.base.layerCount == 2)
        #expect(report.layers.map(\.fromBase) == [true, true, false])
        #expect(report.layers[2].createdBy == "COPY app /app # buildkit")
    }

    @Test("a rootfs ADD as the first layer marks one base layer")
    func rootfsLayer() async throws {
        let report = try await analyze(threeLayers())
        #expect(report.base.evidence == .rootfsLayer)
        #expect(report.base.layerCount == 1)
        #expect(report.layers.map(\.fromBase) == [true, false, false])
    }

    @Test("a single-layer image is its own base")
    func singleLayer() async throws {
        let report = try await analyze(singleLayerImage(createdBy: "COPY rootfs / # buildkit") { $0.file("a", "a\n") })
        #expect(report.base.evidence == .singleLayer)
        #expect(report.base.layerCount == 1)
        #expect(report.layers.map(\.fromBase) == [true])
    }

    @Test("base annotations name and pin the base; history still counts its layers")
    func annotations() async throws {
        var image = threeLayers()
        image.annotations = ["org.opencontainers.image.base.name": "docker.io/library/debian:bookworm-slim",
                             "org.opencontainers.image.base.digest": "sha256:" + String(repeating: "ab", count: 32)]
        let report = try await analyze(image)
        #expect(report.base.evidence == .annotation)
        #expect(report.base.name == "docker.io/library/debian:bookworm-slim")
        #expect(report.base.digest == "sha256:" + String(repeating: "ab", count: 32))
        #expect(report.base.layerCount == 1)
    }

    @Test("base labels in the config count like annotations")
    func labels() async throws {
        var image = threeLayers()
        image.containerConfig = ContainerConfig(labels: ["org.opencontainers.image.base.name": "gcr.io/distroless/static:nonroot"])
        let report = try await analyze(image)
        #expect(report.base.evidence == .annotation)
        #expect(report.base.name == "gcr.io/distroless/static:nonroot")
    }

    @Test("no evidence: base unknown and findings have origin unknown")
    func noEvidence() async throws {
        var first = TarBuilder()
        first.directories("usr", "usr/bin")
        first.executable("usr/bin/curl")
        var second = TarBuilder()
        second.file("app", "x\n")
        var image = TestImage()
        image.addLayer(first, createdBy: "RUN build step one")
        image.addLayer(second, createdBy: "RUN build step two")
        let report = try await analyze(image)
        #expect(report.base.evidence == BaseImage.Evidence.none)
        #expect(report.base.layerCount == 0)
        #expect(report.layers.allSatisfy { !$0.fromBase })
        #expect(report.finding(RuleCatalog.networkTool, path: "/usr/bin/curl")?.origin == .unknown)
    }
}

@Suite("BaseImage classification and MOAT-B001")
struct BaseImageClassificationTests {
    static func osRelease(id: String, version: String, pretty: String) -> String {
        "PRETTY_NAME=\"\(pretty)\"\nNAME=\"\(pretty)\"\nID=\(id)\nVERSION_ID=\"\(version)\"\n"
    }

    static func dpkgStatus(packages count: Int) -> String {
        (0..<count).map { "Package: pkg\($0)\nStatus: install ok installed\nVersion: 1.0\n" }.joined(separator: "\n")
    }

    @Test("alpine is recognised from os-release and is minimal")
    func alpine() async throws {
        let report = try await analyze(singleLayerImage { tar in
            tar.directory("etc")
            tar.file("etc/os-release", Self.osRelease(id: "alpine", version: "3.19.1", pretty: "Alpine Linux v3.19"))
        })
        #expect(report.os?.id == "alpine")
        #expect(report.os?.versionID == "3.19.1")
        #expect(report.base.kind == .alpine)
        #expect(report.base.minimal)
        #expect(report.findings(RuleCatalog.fatBase).isEmpty)
    }

    @Test("distroless is recognised from PRETTY_NAME, and from dpkg status.d without a status file")
    func distroless() async throws {
        let pretty = try await analyze(singleLayerImage { tar in
            tar.directory("etc")
            tar.file("etc/os-release", Self.osRelease(id: "debian", version: "12", pretty: "Distroless"))
        })
        #expect(pretty.base.kind == .distroless)
        #expect(pretty.base.minimal)
        let statusD = try await analyze(singleLayerImage { tar in
            tar.directories("etc", "var", "var/lib", "var/lib/dpkg", "var/lib/dpkg/status.d")
            tar.file("etc/os-release", Self.osRelease(id: "debian", version: "12", pretty: "Debian GNU/Linux 12 (bookworm)"))
            tar.file("var/lib/dpkg/status.d/base-files", "Package: base-files\nStatus: install ok installed\n")
            tar.file("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nStatus: install ok installed\n")
        })
        #expect(statusD.base.kind == .distroless)
        #expect(statusD.totals.packages == 2)
    }

    @Test("no os-release, a handful of files and no shell is scratch")
    func scratch() async throws {
        let report = try await analyze(singleLayerImage { tar in
            tar.directory("app")
            tar.executable("app/server")
        })
        #expect(report.os == nil)
        #expect(report.base.kind == .scratch)
        #expect(report.base.minimal)
    }

    @Test("no os-release but a shell is unknown, not scratch")
    func unknownWithShell() async throws {
        let report = try await analyze(singleLayerImage { tar in
            tar.directory("bin")
            tar.executable("bin/sh")
        })
        #expect(report.base.kind == .unknown)
        #expect(report.findings(RuleCatalog.fatBase).isEmpty)
    }

    @Test("debian without man pages and with few packages is slim; with man pages it is full and MOAT-B001")
    func debianSlimVersusFull() async throws {
        func debian(manPages: Bool, packages: Int) -> TestImage {
            singleLayerImage { tar in
                tar.directories("etc", "var", "var/lib", "var/lib/dpkg", "usr", "usr/share", "usr/share/man")
                tar.file("etc/os-release", Self.osRelease(id: "debian", version: "12", pretty: "Debian GNU/Linux 12 (bookworm)"))
                tar.file("var/lib/dpkg/status", Self.dpkgStatus(packages: packages))
                if manPages {
                    tar.directory("usr/share/man/man1")
                    tar.file("usr/share/man/man1/ls.1.gz", bytes: [0x1f, 0x8b])
                }
            }
        }
        let slim = try await analyze(debian(manPages: false, packages: 80))
        #expect(slim.base.kind == .slim)
        #expect(slim.base.minimal)
        #expect(slim.base.packageCount == 80)
        #expect(slim.findings(RuleCatalog.fatBase).isEmpty)

        let full = try await analyze(debian(manPages: true, packages: 80))
        #expect(full.base.kind == .full)
        #expect(!full.base.minimal)
        let fat = try #require(full.findings(RuleCatalog.fatBase).first)
        #expect(fat.severity == .medium)
        #expect(fat.details?["kind"] == "full")
        #expect(fat.details?["packages"] == "80")
        #expect(!full.verdict.minimal)

        let many = try await analyze(debian(manPages: false, packages: 150))
        #expect(many.base.kind == .full)
    }

    @Test("the base's package count is the base layer's database, not the application's")
    func basePackageCount() async throws {
        var base = TarBuilder()
        base.directories("etc", "var", "var/lib", "var/lib/dpkg", "usr", "usr/share", "usr/share/man", "usr/share/man/man1")
        base.file("etc/os-release", Self.osRelease(id: "debian", version: "12", pretty: "Debian GNU/Linux 12 (bookworm)"))
        base.file("var/lib/dpkg/status", Self.dpkgStatus(packages: 90))
        base.file("usr/share/man/man1/ls.1.gz", bytes: [0x1f, 0x8b])
        var app = TarBuilder()
        app.file("var/lib/dpkg/status", Self.dpkgStatus(packages: 120))
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(app, createdBy: "RUN apt-get install -y python3")
        let report = try await analyze(image)
        #expect(report.base.packageCount == 90)
        #expect(report.totals.packages == 120)
    }
}
