import Foundation
import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("IgnoreList: suppression by rule id or fingerprint, with expiry")
struct IgnoreListTests {
    /// No USER (MOAT-C001), a shell (MOAT-F001) and curl (MOAT-F005).
    func image() -> TestImage {
        singleLayerImage { tar in
            tar.directories("usr", "usr/bin")
            tar.executable("usr/bin/dash")
            tar.executable("usr/bin/curl")
        }
    }

    @Test("a rule id, a fingerprint and an unexpired entry suppress; an expired entry does not")
    func suppression() async throws {
        let baseline = try await analyze(image())
        let curl = try #require(baseline.finding(RuleCatalog.networkTool, path: "/usr/bin/curl"))
        #expect(baseline.findings(RuleCatalog.runsAsRoot).count == 1)
        #expect(baseline.findings(RuleCatalog.shell).count == 1)

        let text = """
            # accepted risks
            MOAT-C001
            \(curl.fingerprint)   # curl stays until the migration
            MOAT-F001 exp:2001-01-31
            MOAT-F011 exp:2999-12-31

            """
        let list = try IgnoreList(parsing: text, source: ".moatignore")
        #expect(list.entries.map(\.key) == ["MOAT-C001", curl.fingerprint, "MOAT-F001", "MOAT-F011"])
        #expect(list.entries.map(\.line) == [2, 3, 4, 5])

        let report = try await analyze(image(), ignoreList: list)
        #expect(report.findings(RuleCatalog.runsAsRoot).isEmpty)
        #expect(report.finding(RuleCatalog.networkTool, path: "/usr/bin/curl") == nil)
        #expect(report.findings(RuleCatalog.shell).count == 1, "an expired entry must not suppress")
        #expect(report.ignoredFindings == 2)
        #expect(report.findings.count == baseline.findings.count - 2)
        #expect(report.summary["high"] == (baseline.summary["high"] ?? 0) - 2)
    }

    @Test("an expiry date counts until the end of that day (UTC)")
    func expiryDay() throws {
        let list = try IgnoreList(parsing: "MOAT-C001 exp:2030-06-15\n", source: "f")
        let finding = Finding(rule: RuleCatalog.runsAsRoot, message: "m", origin: .config)
        func date(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }
        #expect(list.ignores(finding, now: try date("2030-06-15T23:59:59Z")))
        #expect(!list.ignores(finding, now: try date("2030-06-16T00:00:00Z")))
        #expect(!list.ignores(Finding(rule: RuleCatalog.shell, message: "m", origin: .base), now: try date("2030-01-01T00:00:00Z")))
    }

    @Test("malformed lines are errors naming file and line", arguments: [
        ("MOAT-C001\nMOAT-F001 because-we-said-so\n", "ci/.moatignore:2:"),
        ("MOAT-C001 exp:2024-13-45\n", "ci/.moatignore:1:"),
        ("# header\n\nMOAT-C001 exp:tomorrow\n", "ci/.moatignore:3:"),
    ])
    func malformed(text: String, location: String) throws {
        let error = try #require(throws: IgnoreFileError.self) { try IgnoreList(parsing: text, source: "ci/.moatignore") }
        #expect(error.message.hasPrefix(location), "\(error.message)")
    }
}
