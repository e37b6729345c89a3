import Compression
public import OCIImage
public import LayerFS
import OCIModel
import Foundation

/// Reads an image once and produces its footprint report: layers, waste, base image, forbidden content,
/// secrets and configuration findings, recommendations and a verdict.
public struct FootprintAnalyzer: Sendable {
    public var reader: LayerReader
    public var ignoreList: IgnoreList
    public var toolVersion: String
    public var rules: [any ImageRule]

    public static let defaultRules: [any ImageRule] = [
        ForbiddenToolsRule(), SecretsRule(), ConfigSecretsRule(), RootUserRule(), FilePermissionsRule(), HistoryRule(),
        StateRule(), ServicesRule(), LeftoversRule(), WasteRule(), BaseImageRule(), AnomalyRule(),
    ]

    public init(reader: LayerReader = LayerReader(), ignoreList: IgnoreList = IgnoreList(), toolVersion: String) {
        self.reader = reader
        self.ignoreList = ignoreList
        self.toolVersion = toolVersion
        self.rules = Self.defaultRules
    }

    public func analyze(_ image: Image, progress: (@Sendable (Layer) -> Void)? = nil) async throws -> FootprintReport {
        let scans = try await reader.read(image, makeVisitor: { _ in ContentCollector() }, progress: progress)
        return report(ImageContext(image: image, scans: scans))
    }

    public func report(_ context: ImageContext) -> FootprintReport {
        var all = rules.flatMap { $0.findings(in: context) }
        all.sort { ($0.severity, $1.ruleID, $1.path ?? "") > ($1.severity, $0.ruleID, $0.path ?? "") }
        let findings = all.filter { !ignoreList.ignores($0) }
        let image = context.image
        let waste = WasteAnalysis(tree: context.tree, layerCount: image.layers.count)
        var added = [Int](repeating: 0, count: image.layers.count)
        var modified = added
        var deleted = added
        for file in context.tree.allFiles where file.file.kind != .directory {
            for version in file.versions where version.layer < added.count {
                switch version.change {
                case .added: added[version.layer] += 1
                case .modified: modified[version.layer] += 1
                case .deleted: deleted[version.layer] += 1
                }
            }
        }
        let layers = context.scans.enumerated().map { index, scan in
            FootprintReport.LayerInfo(
                index: index, digest: scan.layer.digest?.description, diffID: scan.computedDiffID.description,
                mediaType: scan.layer.mediaType, compression: scan.compression.rawValue,
                createdBy: context.layerHistory[index]?.createdBy, compressedBytes: scan.compressedBytes,
                uncompressedBytes: scan.uncompressedBytes, contentBytes: scan.index.contentBytes,
                filesAdded: added[index], filesModified: modified[index], filesDeleted: deleted[index],
                wastedBytes: waste.wastedByLayer[index], fromBase: context.origin(ofLayer: index) == .base)
        }
        let visible = context.tree.visibleFiles.filter { $0.file.kind == .regular }
        let totals = FootprintReport.Totals(
            layers: layers.count, compressedBytes: layers.reduce(0) { $0 + $1.compressedBytes },
            uncompressedBytes: layers.reduce(0) { $0 + $1.uncompressedBytes },
            visibleBytes: visible.reduce(0) { $0 + $1.file.size }, visibleFiles: visible.count, packages: context.packages.count)
        let summary = FootprintReport.summarise(findings)
        let config = image.config.config
        let info = FootprintReport.ImageInfo(
            source: image.source, format: image.format, names: image.names, manifestDigest: image.manifestDigest?.description,
            configDigest: image.configDigest.description, platform: image.config.platform?.description, created: image.config.created,
            user: config?.user, entrypoint: config?.entrypoint, cmd: config?.cmd)
        return FootprintReport(
            tool: ["name": "moat", "version": toolVersion], image: info, os: context.os, base: context.base, layers: layers,
            totals: totals, waste: waste, findings: findings, ignoredFindings: all.count - findings.count, summary: summary,
            recommendations: Recommendations.make(context: context, findings: findings, waste: waste, totals: totals),
            verdict: verdict(findings))
    }

    /// Minimal means no finding of the kinds that contradict "only the app and its runtime dependencies".
    func verdict(_ findings: [Finding]) -> FootprintReport.Verdict {
        let blocking = findings.filter { finding in
            switch finding.category {
            case .forbiddenContent: finding.severity >= .medium
            case .secret, .anomaly: true
            case .baseImage: true
            case .configuration: finding.ruleID == RuleCatalog.leftovers.id || finding.ruleID == RuleCatalog.developmentFiles.id
            case .waste: false
            }
        }
        guard !blocking.isEmpty else {
            return .init(minimal: true, summary: "MINIMAL: the image holds only the application and its runtime dependencies, as far as moat can tell")
        }
        let counts = Dictionary(grouping: blocking, by: \.title).map { "\($0.value.count) × \($0.key.lowercased())" }.sorted()
        return .init(minimal: false, summary: "NOT MINIMAL: " + counts.joined(separator: ", "))
    }
}
