import Foundation
import ImageAnalysis
import Inventory
import SBOM
import Scanner
import OCIModel
import OCIImage

/// Output formats of `moat image`.
public enum ScanFormat: String, CaseIterable, Sendable {
    case table, json, sarif, cyclonedx
    case spdxJSON = "spdx-json"
}

/// Renders a scan in any output format.
public struct ScanReport: Sendable {
    public var artifactName: String
    public var listAllPackages: Bool
    public var color: Bool
    public var toolVersion: String
    public var now: Date

    public init(artifactName: String, listAllPackages: Bool, color: Bool, toolVersion: String, now: Date = Date()) {
        self.artifactName = artifactName
        self.listAllPackages = listAllPackages
        self.color = color
        self.toolVersion = toolVersion
        self.now = now
    }

    public func render(_ result: ScanResult, format: ScanFormat) throws -> String {
        switch format {
        case .table:
            var text = ""
            if result.scanners.contains(.footprint) || result.scanners.contains(.secret) {
                text += try TableWriter(color: color).render(result.footprint)
            }
            if result.scanners.contains(.vuln) {
                text += (text.isEmpty ? "" : "\n") + (color ? "\u{1B}[1mVulnerabilities\u{1B}[0m" : "Vulnerabilities") + "\n"
                text += VulnerabilityTable(result: result, artifactName: artifactName, color: color).render()
            }
            return text
        case .json:
            // Without vulnerability scanning the footprint keeps its own documented schema (docs/report-schema.md);
            // with it, the report takes Trivy's shape and carries the footprint under "Footprint".
            if !result.scanners.contains(.vuln) { return try JSONReportWriter().render(result.footprint) }
            return try TrivyJSON(result: result, artifactName: artifactName, listAllPackages: listAllPackages, now: now).render()
        case .sarif:
            return try SARIFWriter().render(result.footprint, vulnerabilities: result.vulnerabilities)
        case .cyclonedx, .spdxJSON:
            return try sbom(result, format: format == .cyclonedx ? .cyclonedx : .spdxJSON)
        }
    }

    public func sbom(_ result: ScanResult, format: SBOMFormat) throws -> String {
        let subject = SBOMSubject(imageName: artifactName, imageDigest: result.image.configDigest.description, os: result.inventory.os,
                                  packages: result.inventory.packages, toolVersion: toolVersion, timestamp: now)
        return try format.render(subject)
    }
}
