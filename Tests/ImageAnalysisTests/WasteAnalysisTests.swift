import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("WasteAnalysis and WasteRule: bytes shipped but never visible")
struct WasteAnalysisTests {
    func twoLayers(_ lower: (inout TarBuilder) -> Void, _ upper: (inout TarBuilder) -> Void) -> TestImage {
        var base = TarBuilder()
        lower(&base)
        var top = TarBuilder()
        upper(&top)
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(top, createdBy: "RUN change things")
        return image
    }

    @Test("an overwritten file wastes only the hidden copy")
    func overwrite() async throws {
        let image = twoLayers({ $0.directory("app"); $0.blob("app/data.bin", size: 3000) },
                              { $0.blob("app/data.bin", size: 5000, byte: 0x62) })
        let report = try await analyze(image)
        #expect(report.waste.wastedBytes == 3000)
        #expect(report.waste.shippedBytes == 8000)
        #expect(report.waste.wastedByLayer == [3000, 0])
        let path = try #require(report.waste.topPaths.first)
        #expect(path.path == "/app/data.bin")
        #expect(path.wastedBytes == 3000)
        #expect(path.layers == [0])
        #expect(!path.deleted)
        #expect(report.layers[0].wastedBytes == 3000)
        #expect(report.layers[1].filesModified == 1)
    }

    @Test("a deleted file wastes every copy")
    func deletedFile() async throws {
        var middle = TarBuilder()
        middle.blob("app/big", size: 2500, byte: 0x63)
        var image = twoLayers({ $0.directory("app"); $0.blob("app/big", size: 4000) }, { _ in })
        image.addLayer(middle, createdBy: "RUN rewrite")
        var last = TarBuilder()
        last.whiteout("app/big")
        image.addLayer(last, createdBy: "RUN rm /app/big")
        let report = try await analyze(image)
        #expect(report.waste.wastedBytes == 6500)
        #expect(report.waste.wastedByLayer == [4000, 0, 2500, 0])
        let path = try #require(report.waste.topPaths.first)
        #expect(path.deleted)
        #expect(path.layers == [0, 2])
        #expect(report.layers[3].filesDeleted == 1)
    }

    @Test("a whiteout of a directory wastes everything below it")
    func deletedDirectory() async throws {
        let image = twoLayers({ tar in
            tar.directories("cache", "cache/sub")
            tar.blob("cache/a", size: 1000)
            tar.blob("cache/sub/b", size: 2000)
            tar.blob("keep", size: 10)
        }, { $0.whiteout("cache") })
        let report = try await analyze(image)
        #expect(report.waste.wastedBytes == 3000)
        #expect(Set(report.waste.topPaths.map(\.path)) == ["/cache/a", "/cache/sub/b"])
        #expect(report.waste.topPaths.allSatisfy { $0.deleted })
    }

    @Test("an opaque directory wastes what it hides, not what it adds")
    func opaqueDirectory() async throws {
        let image = twoLayers({ tar in
            tar.directory("srv")
            tar.blob("srv/old.html", size: 1500)
            tar.blob("srv/index.html", size: 700)
        }, { tar in
            tar.directory("srv")
            tar.opaque("srv")
            tar.blob("srv/index.html", size: 100, byte: 0x64)
        })
        let report = try await analyze(image)
        #expect(report.waste.wastedBytes == 2200)
        #expect(report.waste.shippedBytes == 2300)
        let old = try #require(report.waste.topPaths.first { $0.path == "/srv/old.html" })
        #expect(old.deleted)
        let index = try #require(report.waste.topPaths.first { $0.path == "/srv/index.html" })
        #expect(!index.deleted)
        #expect(index.wastedBytes == 700)
    }

    @Test("efficiency is visible bytes over shipped bytes")
    func efficiency() async throws {
        // dive's worked example without its deleted-directory quirk: 2000 rewritten as 5000, plus 3000 and 10000 kept.
        let image = twoLayers({ tar in
            tar.directory("etc")
            tar.blob("etc/nginx.conf", size: 2000)
            tar.blob("etc/public", size: 3000)
        }, { tar in
            tar.blob("etc/nginx.conf", size: 5000, byte: 0x65)
            tar.blob("etc/athing", size: 10000)
        })
        let report = try await analyze(image)
        #expect(report.waste.shippedBytes == 20000)
        #expect(report.waste.wastedBytes == 2000)
        #expect(abs(report.waste.efficiency - 0.9) < 1e-9)
        #expect(report.findings(RuleCatalog.waste).isEmpty, "under 1 MB is not reported")
    }

    @Test("no waste: efficiency 1 and no MOAT-W001")
    func noWaste() async throws {
        let report = try await analyze(singleLayerImage { $0.blob("app", size: 100) })
        #expect(report.waste.wastedBytes == 0)
        #expect(report.waste.efficiency == 1)
        #expect(report.waste.topPaths.isEmpty)
        #expect(report.findings(RuleCatalog.waste).isEmpty)
    }

    @Test("over 1 MB of waste is MOAT-W001, medium when efficiency drops below 80%")
    func wasteFinding() async throws {
        let image = twoLayers({ $0.directory("opt"); $0.blob("opt/model.bin", size: 1_500_000) },
                              { $0.blob("opt/model.bin", size: 200_000, byte: 0x66) })
        let report = try await analyze(image)
        let finding = try #require(report.findings(RuleCatalog.waste).first)
        #expect(finding.severity == .medium)
        #expect(finding.layer == 0)
        #expect(finding.origin == .base)
        #expect(finding.details?["wastedBytes"] == "1500000")
        #expect(finding.message.contains("/opt/model.bin"))
        #expect(report.recommendations.contains { $0.contains("shipped but hidden") })
    }
}
