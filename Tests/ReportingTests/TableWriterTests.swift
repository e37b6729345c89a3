import Foundation
import ImageAnalysis
import Reporting
import Testing

@Suite("TableWriter: the terminal report")
struct TableWriterTests {
    @Test("without colour: verdict line, every finding, and no ANSI escapes")
    func plain() async throws {
        let report = try await Fixture.makeReport()
        let text = try TableWriter(color: false).render(report)
        #expect(!text.contains("\u{1B}["))
        let verdict = try #require(text.split(separator: "\n").last { $0.hasPrefix("Verdict") })
        #expect(verdict == "Verdict  " + report.verdict.summary)
        #expect(verdict.contains("NOT MINIMAL"))
        for finding in report.findings { #expect(text.contains(finding.ruleID)) }
        #expect(text.contains("Layers"))
        #expect(text.contains("Waste"))
        #expect(text.contains("user      (root by default)"))
    }

    @Test("with colour: ANSI escapes, and the verdict painted")
    func colour() async throws {
        let report = try await Fixture.makeReport()
        let text = try TableWriter(color: true).render(report)
        #expect(text.contains("\u{1B}["))
        #expect(text.contains("\u{1B}[31m" + report.verdict.summary + "\u{1B}[0m"))
        #expect(text.contains("\u{1B}[1;31mCRITICAL"))
    }

    @Test("ReportFormat picks the writer; only the table is ever coloured")
    func formats() async throws {
        let report = try await Fixture.makeReport()
        #expect(ReportFormat.allCases.map(\.rawValue) == ["table", "json", "sarif"])
        #expect(try ReportFormat.table.writer(color: true).render(report).contains("\u{1B}["))
        #expect(!(try ReportFormat.json.writer(color: true).render(report)).contains("\u{1B}["))
        #expect(try ReportFormat.json.writer(color: false).render(report) == (try JSONReportWriter().render(report)))
        #expect(try ReportFormat.sarif.writer(color: false).render(report) == (try SARIFWriter().render(report)))
    }
}
