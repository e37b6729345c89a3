import Foundation
import ImageAnalysis
import Reporting
import Testing

@Suite("SARIFWriter: SARIF 2.1.0 for code-scanning dashboards")
struct SARIFWriterTests {
    static func expectedLevel(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    func render() async throws -> (report: FootprintReport, run: [String: Any]) {
        let report = try await Fixture.makeReport()
        let text = try SARIFWriter().render(report)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        #expect((document["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return (report, try #require(runs.first))
    }

    @Test("the driver lists every catalogue rule with its default level")
    func rules() async throws {
        let (_, run) = try await render()
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "moat")
        #expect(driver["version"] as? String == "9.9.9-test")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == RuleCatalog.all.map(\.id))
        for (rule, object) in zip(RuleCatalog.all, rules) {
            let configuration = object["defaultConfiguration"] as? [String: Any]
            #expect(configuration?["level"] as? String == Self.expectedLevel(rule.severity), "\(rule.id)")
            #expect((object["shortDescription"] as? [String: Any])?["text"] as? String == rule.title)
        }
    }

    @Test("one result per finding: rule id and index, level by severity, location, fingerprint")
    func results() async throws {
        let (report, run) = try await render()
        // The fixture must exercise every severity, or the level mapping is not fully checked.
        #expect(Set(report.findings.map(\.severity)) == Set(Severity.allCases))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == report.findings.count)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        for (finding, result) in zip(report.findings, results) {
            #expect(result["ruleId"] as? String == finding.ruleID)
            let ruleIndex = try #require(result["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == finding.ruleID)
            #expect(result["level"] as? String == Self.expectedLevel(finding.severity), "\(finding.ruleID) \(finding.severity)")
            let locations = try #require(result["locations"] as? [[String: Any]])
            let physical = locations.first?["physicalLocation"] as? [String: Any]
            let uri = try #require((physical?["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(!uri.isEmpty)
            #expect(uri == (finding.path.map { String($0.dropFirst()) } ?? "image-config"))
            let fingerprints = try #require(result["partialFingerprints"] as? [String: String])
            #expect(fingerprints.values.contains(finding.fingerprint))
            #expect(((result["message"] as? [String: Any])?["text"] as? String) == finding.message)
            let properties = result["properties"] as? [String: Any]
            #expect(properties?["layer"] as? Int == finding.layer)
        }
    }
}

@Suite("SARIF locations of hostile paths")
struct SARIFHostilePathTests {
    @Test("a finding whose path climbs out of the root never becomes a ../ uri")
    func escapingPathIsNotAURI() async throws {
        var report = try await Fixture.makeReport()
        report.findings = [Finding(rule: RuleCatalog.anomaly, message: "hostile", path: "/../../etc/passwd", layer: 1,
                                   origin: .application, fingerprintSeed: "x")]
        let text = try SARIFWriter().render(report)
        #expect(!text.contains("../"))
        #expect(text.contains("image-layer-2"))
    }
}
