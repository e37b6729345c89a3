import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("HistoryRule: ADD from a URL")
struct HistoryRuleTests {
    @Test("ADD of an http(s) URL is reported, in classic and BuildKit spellings", arguments: [
        "ADD https://example.com/releases/tool-1.2.tar.gz /opt/tool/ # buildkit",
        "/bin/sh -c #(nop) ADD http://example.com/tool.tgz /opt/",
    ])
    func addFromURL(createdBy: String) async throws {
        var base = TarBuilder()
        base.directory("etc")
        var app = TarBuilder()
        app.directories("opt", "opt/tool")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(app, createdBy: createdBy)
        let report = try await analyze(image)
        let findings = report.findings(RuleCatalog.addFromURL)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.details?["url"]?.hasPrefix("http") == true)
        #expect(finding.message.contains("history entry 2"))
        #expect(finding.severity == .medium)
        #expect(finding.origin == .config)
    }

    @Test("the base's rootfs ADD, local ADD and COPY are not reported", arguments: [
        "/bin/sh -c #(nop) ADD file:4f9e7b1c2d3a5e6f in / ",
        "ADD app.tar.gz /srv/ # buildkit",
        "COPY https-proxy.conf /etc/ # buildkit",
        "RUN curl -fsSL https://example.com/install.sh -o /tmp/install.sh # buildkit",
    ])
    func notFromURL(createdBy: String) async throws {
        var image = TestImage()
        var tar = TarBuilder()
        tar.directory("srv")
        image.addLayer(tar, createdBy: createdBy)
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.addFromURL).isEmpty)
    }
}
