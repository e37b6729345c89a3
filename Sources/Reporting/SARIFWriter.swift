import Foundation
import ImageAnalysis
import LayerFS

/// SARIF 2.1.0 for code-scanning dashboards: one rule per catalogue entry, one result per finding,
/// each located at its path inside the image with the layer in its properties.
public struct SARIFWriter: ReportWriter {
    public init() {}

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }

    public func render(_ report: FootprintReport) throws -> String {
        let rules = RuleCatalog.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let ruleObjects: [[String: Any]] = rules.map { rule in
            [
                "id": rule.id,
                "name": rule.title.replacingOccurrences(of: " ", with: ""),
                "shortDescription": ["text": rule.title],
                "fullDescription": ["text": rule.help],
                "help": ["text": rule.help, "markdown": "**\(rule.title)**\n\n\(rule.help)"],
                "helpUri": "https://github.com/moat-dev/moat/blob/main/docs/rules.md#\(rule.id.lowercased())",
                "defaultConfiguration": ["level": Self.level(rule.severity)],
                "properties": ["category": rule.category.rawValue, "security-severity": Self.securitySeverity(rule.severity),
                               "tags": ["security", "container", rule.category.rawValue]],
            ]
        }
        let imageName = report.image.names.first ?? report.image.source
        let results: [[String: Any]] = report.findings.map { finding in
            // A hostile name that climbs out of the root must not become a uri pointing outside the scanned artifact.
            let uri = finding.path.flatMap { path -> String? in
                guard case .inside(let clean, _) = ImagePath.normalise(path), !clean.isEmpty else { return nil }
                return clean
            } ?? (finding.path == nil ? "image-config" : "image-layer-\((finding.layer ?? 0) + 1)")
            var properties: [String: Any] = ["severity": finding.severity.rawValue, "origin": finding.origin.rawValue, "image": imageName]
            if let layer = finding.layer { properties["layer"] = layer }
            if let digest = finding.layerDigest { properties["layerDigest"] = digest }
            if let details = finding.details { properties["details"] = details }
            var result: [String: Any] = [
                "ruleId": finding.ruleID,
                "level": Self.level(finding.severity),
                "message": ["text": finding.message],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": uri.isEmpty ? "image-config" : uri]],
                               "logicalLocations": [["name": imageName, "kind": "container-image"]]]],
                "partialFingerprints": ["moatFingerprint/v1": finding.fingerprint],
                "properties": properties,
            ]
            if let index = ruleIndex[finding.ruleID] { result["ruleIndex"] = index }
            return result
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "moat", "version": report.tool["version"] ?? "", "informationUri": "https://github.com/moat-dev/moat",
                                    "rules": ruleObjects]],
                "results": results,
                "properties": ["imageConfigDigest": report.image.configDigest, "verdict": report.verdict.summary],
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
