import Foundation
import ImageAnalysis
import Reporting
import Testing

@Suite("JSONReportWriter: the documented, stable JSON report")
struct JSONReportWriterTests {
    @Test("the output decodes back into the same FootprintReport, schema version 1")
    func roundTrip() async throws {
        let report = try await Fixture.makeReport()
        let text = try JSONReportWriter().render(report)
        #expect(text.hasSuffix("\n"))
        let decoded = try JSONDecoder().decode(FootprintReport.self, from: Data(text.utf8))
        #expect(decoded.schemaVersion == 1)
        #expect(FootprintReport.schemaVersion == 1)
        #expect(decoded.findings == report.findings)
        #expect(decoded.verdict.summary == report.verdict.summary)
        #expect(decoded.layers.map(\.diffID) == report.layers.map(\.diffID))
        #expect(decoded.waste.wastedBytes == report.waste.wastedBytes)
        #expect(decoded.tool == ["name": "moat", "version": "9.9.9-test"])
        // Rendering the decoded report gives the same bytes: nothing is lost or reordered.
        #expect(try JSONReportWriter().render(decoded) == text)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
    }

    @Test("keys are sorted in every object")
    func sortedKeys() async throws {
        let text = try JSONReportWriter().render(try await Fixture.makeReport())
        var lastKey: [Int: String] = [:]
        var checked = 0
        for line in text.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if body.hasPrefix("\""), let end = body.dropFirst().firstIndex(of: "\""), body[end...].hasPrefix("\" :") {
                let key = String(body[body.index(after: body.startIndex)..<end])
                if let previous = lastKey[indent] {
                    #expect(previous < key, "\"\(previous)\" before \"\(key)\"")
                    checked += 1
                }
                lastKey[indent] = key
            }
            if body.hasSuffix("{") || body.hasSuffix("[") { lastKey[indent + 2] = nil }
        }
        #expect(checked > 50, "the check saw too few keys to mean anything")
    }

    @Test("findings carry rule, severity, path, layer, origin and fingerprint")
    func findingShape() async throws {
        let report = try await Fixture.makeReport()
        let text = try JSONReportWriter().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == report.findings.count)
        let key = try #require(findings.first { $0["ruleID"] as? String == RuleCatalog.privateKey.id })
        #expect(key["severity"] as? String == "critical")
        #expect(key["path"] as? String == "/srv/id_rsa")
        #expect(key["layer"] as? Int == 1)
        #expect(key["origin"] as? String == "application")
        #expect((key["fingerprint"] as? String)?.hasPrefix("sha256:") == true)
        #expect(key["category"] as? String == "secret")
    }
}
