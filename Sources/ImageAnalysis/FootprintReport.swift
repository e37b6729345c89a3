import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// The result of `moat image`: a stable, documented JSON shape (docs/report-schema.md, schema version 1).
public struct FootprintReport: Codable, Sendable {
    public static let schemaVersion = 1

    public struct ImageInfo: Codable, Sendable {
        public var source: String
        public var format: String
        public var names: [String]
        public var manifestDigest: String?
        public var configDigest: String
        public var platform: String?
        public var created: String?
        public var user: String?
        public var entrypoint: [String]?
        public var cmd: [String]?
    }

    public struct LayerInfo: Codable, Sendable {
        public var index: Int
        public var digest: String?
        public var diffID: String
        public var mediaType: String?
        public var compression: String
        public var createdBy: String?
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        /// Bytes of regular files in the layer.
        public var contentBytes: Int64
        public var filesAdded: Int
        public var filesModified: Int
        public var filesDeleted: Int
        public var wastedBytes: Int64
        public var fromBase: Bool
    }

    public struct Totals: Codable, Sendable {
        public var layers: Int
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        /// Bytes a container sees (regular files of the merged view).
        public var visibleBytes: Int64
        public var visibleFiles: Int
        public var packages: Int
    }

    public struct Verdict: Codable, Sendable {
        /// True when the image holds only the application and its runtime dependencies, as far as moat can tell.
        public var minimal: Bool
        public var summary: String
    }

    public var schemaVersion: Int = FootprintReport.schemaVersion
    public var tool: [String: String]
    public var image: ImageInfo
    public var os: OperatingSystem?
    public var base: BaseImage
    public var layers: [LayerInfo]
    public var totals: Totals
    public var waste: WasteAnalysis
    public var findings: [Finding]
    /// Findings suppressed by the ignore file, counted so a report shows that something was hidden.
    public var ignoredFindings: Int
    public var summary: [String: Int]
    public var recommendations: [String]
    public var verdict: Verdict

    /// Keeps only findings of the given severities, with the summary counts to match.
    public mutating func restrict(to severities: Set<Severity>) {
        findings = findings.filter { severities.contains($0.severity) }
        summary = Self.summarise(findings)
    }

    public static func summarise(_ findings: [Finding]) -> [String: Int] {
        var summary: [String: Int] = [:]
        for severity in Severity.allCases { summary[severity.rawValue] = findings.filter { $0.severity == severity }.count }
        return summary
    }
}
