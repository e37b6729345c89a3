/// Output formats of `moat image`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, sarif
}

/// Writes a report as text in one format.
public protocol ReportWriter: Sendable {
    func render(_ report: FootprintReport) throws -> String
}

import ImageAnalysis

extension ReportFormat {
    public func writer(color: Bool) -> any ReportWriter {
        switch self {
        case .table: TableWriter(color: color)
        case .json: JSONReportWriter()
        case .sarif: SARIFWriter()
        }
    }
}
