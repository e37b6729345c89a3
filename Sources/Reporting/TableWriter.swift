import Foundation
import ImageAnalysis

/// The terminal report: image summary, layer table, waste, findings, recommendations and the verdict.
public struct TableWriter: ReportWriter {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }

    func severityLabel(_ severity: Severity) -> String {
        let label = severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        switch severity {
        case .critical: return paint(label, "1;31")
        case .high: return paint(label, "31")
        case .medium: return paint(label, "33")
        case .low: return paint(label, "36")
        case .info: return paint(label, "2")
        }
    }

    public func render(_ report: FootprintReport) throws -> String {
        var out: [String] = []
        let image = report.image
        out.append(bold("Image  ") + image.source + "  (\(image.format)\(image.platform.map { ", " + $0 } ?? ""))")
        if !image.names.isEmpty { out.append("  names     " + image.names.joined(separator: ", ")) }
        out.append("  config    " + image.configDigest)
        if let manifest = image.manifestDigest { out.append("  manifest  " + manifest) }
        out.append("  os        " + (report.os?.displayName ?? "none detected"))
        let base = report.base
        let baseLayers = base.layerCount == 0 ? "no layers identified" : "\(base.layerCount) layer\(base.layerCount == 1 ? "" : "s") by \(base.evidence.rawValue)"
        out.append("  base      \(base.displayName)\(base.minimal ? " (minimal)" : ""), \(baseLayers), \(base.packageCount) packages\(base.name.map { ", " + $0 } ?? "")")
        out.append("  user      " + ((image.user ?? "").isEmpty ? "(root by default)" : image.user ?? ""))
        let command = (image.entrypoint ?? []) + (image.cmd ?? [])
        if !command.isEmpty { out.append("  command   " + command.joined(separator: " ")) }
        out.append("")
        out.append(bold("Layers"))
        var rows: [[String]] = [["#", "STORED", "SIZE", "+ADD", "~MOD", "-DEL", "WASTE", "BASE", "CREATED BY"]]
        for layer in report.layers {
            rows.append([String(layer.index + 1), ByteCount.format(layer.compressedBytes), ByteCount.format(layer.uncompressedBytes),
                         String(layer.filesAdded), String(layer.filesModified), String(layer.filesDeleted), ByteCount.format(layer.wastedBytes),
                         layer.fromBase ? "yes" : "", Self.shorten(layer.createdBy ?? "", 60)])
        }
        let totals = report.totals
        rows.append(["total", ByteCount.format(totals.compressedBytes), ByteCount.format(totals.uncompressedBytes), "", "", "",
                     ByteCount.format(report.waste.wastedBytes), "", "\(totals.visibleFiles) files, \(ByteCount.format(totals.visibleBytes)) visible"])
        out.append(contentsOf: Self.table(rows).map { "  " + $0 })
        out.append("")
        out.append(bold("Waste") + "  \(ByteCount.format(report.waste.wastedBytes)) shipped but hidden, efficiency \(String(format: "%.1f", report.waste.efficiency * 100))%")
        for path in report.waste.topPaths.prefix(5) {
            out.append("  \(ByteCount.format(path.wastedBytes).padding(toLength: 9, withPad: " ", startingAt: 0)) \(path.path)  (\(path.deleted ? "deleted" : "overwritten"); layer \(path.layers.map { String($0 + 1) }.joined(separator: ", ")))")
        }
        out.append("")
        let counts = Severity.allCases.reversed().map { "\(report.summary[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        out.append(bold("Findings") + "  \(report.findings.count) (\(counts))\(report.ignoredFindings > 0 ? ", \(report.ignoredFindings) ignored" : "")")
        for finding in report.findings {
            let layer = finding.layer.map { "layer \($0 + 1)" } ?? "config"
            out.append("  \(severityLabel(finding.severity)) \(finding.ruleID)  \(finding.title)  [\(layer), \(finding.origin.rawValue)]")
            out.append("           \(finding.message)")
        }
        if !report.recommendations.isEmpty {
            out.append("")
            out.append(bold("Recommendations"))
            for advice in report.recommendations { out.append("  - " + advice) }
        }
        out.append("")
        out.append(bold("Verdict") + "  " + paint(report.verdict.summary, report.verdict.minimal ? "32" : "31"))
        return out.joined(separator: "\n") + "\n"
    }

    static func shorten(_ text: String, _ limit: Int) -> String {
        let clean = text.replacingOccurrences(of: "/bin/sh -c #(nop) ", with: "").replacingOccurrences(of: "\n", with: " ")
        return clean.count > limit ? String(clean.prefix(limit - 1)) + "…" : clean
    }

    static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
