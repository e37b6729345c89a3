import Foundation
import ImageAnalysis
import VulnDB
import VulnMatch
import LayerFS
import Inventory

/// SARIF 2.1.0 for code-scanning dashboards: one rule per catalogue entry, one result per finding,
/// each located at its path inside the image with the layer in its properties.
public struct SARIFWriter: ReportWriter {
    public init() {}

    static func level(_ severity: ImageAnalysis.Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    static func securitySeverity(_ severity: ImageAnalysis.Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }

    static func advisoryLevel(_ severity: VulnDB.Severity) -> (level: String, score: String) {
        switch severity {
        case .critical: ("error", "9.5")
        case .high: ("error", "8.0")
        case .medium: ("warning", "5.5")
        case .low: ("note", "2.0")
        case .unknown: ("note", "0.0")
        }
    }

    public func render(_ report: FootprintReport) throws -> String {
        try render(report, vulnerabilities: [])
    }

    /// Footprint findings and, when vulnerability scanning ran, one result per vulnerable package (rule = advisory id).
    public func render(_ report: FootprintReport, vulnerabilities: [DetectedVulnerability]) throws -> String {
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
        var advisoryRules: [String: [String: Any]] = [:]
        var vulnerabilityResults: [[String: Any]] = []
        for found in vulnerabilities {
            let severity = Self.advisoryLevel(found.severity)
            advisoryRules[found.vulnerabilityID] = [
                "id": found.vulnerabilityID,
                "name": "OsPackageVulnerability",
                "shortDescription": ["text": found.title ?? found.vulnerabilityID],
                "fullDescription": ["text": found.description ?? found.title ?? found.vulnerabilityID],
                "help": ["text": "Vulnerability \(found.vulnerabilityID)\nSeverity: \(found.severity.rawValue)\nFixed Version: \(found.fixedVersion ?? "none")\nLink: \(found.primaryURL ?? "")"],
                "helpUri": found.primaryURL ?? "",
                "defaultConfiguration": ["level": severity.level],
                "properties": ["security-severity": severity.score, "tags": ["vulnerability", "security", found.severity.rawValue]],
            ]
            let path = found.package.type.isOSPackage || found.package.filePath.isEmpty ? "image-config" : found.package.filePath
            vulnerabilityResults.append([
                "ruleId": found.vulnerabilityID,
                "level": severity.level,
                "message": ["text": "Package: \(found.package.name)\nInstalled Version: \(found.installedVersion)\nVulnerability \(found.vulnerabilityID)\nSeverity: \(found.severity.rawValue)\nFixed Version: \(found.fixedVersion ?? "none")\nLink: [\(found.vulnerabilityID)](\(found.primaryURL ?? ""))"],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": path]],
                               "logicalLocations": [["name": imageName, "kind": "container-image"]]]],
                "partialFingerprints": ["moatVulnerability/v1": "\(found.packageID)|\(found.vulnerabilityID)|\(found.package.filePath)"],
                "properties": ["package": found.package.name, "installedVersion": found.installedVersion, "fixedVersion": found.fixedVersion ?? "",
                               "status": found.status.rawValue, "layer": found.package.layer ?? -1],
            ])
        }
        var allRules = ruleObjects
        allRules += advisoryRules.keys.sorted().compactMap { advisoryRules[$0] }
        let allRuleIndex = Dictionary(uniqueKeysWithValues: allRules.enumerated().compactMap { index, rule in (rule["id"] as? String).map { ($0, index) } })
        let allResults = results + vulnerabilityResults.map { result -> [String: Any] in
            var copy = result
            if let id = result["ruleId"] as? String, let index = allRuleIndex[id] { copy["ruleIndex"] = index }
            return copy
        }

        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "moat", "version": report.tool["version"] ?? "", "informationUri": "https://github.com/moat-dev/moat",
                                    "rules": allRules]],
                "results": allResults,
                "properties": ["imageConfigDigest": report.image.configDigest, "verdict": report.verdict.summary],
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
