import Foundation
import ImageAnalysis

/// The documented JSON report (docs/report-schema.md): keys sorted, so output is stable and diffable.
public struct JSONReportWriter: ReportWriter {
    public init() {}

    public func render(_ report: FootprintReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
