import OCIImage
import OCIModel
import Compression
import LayerFS

/// Space shipped in layers that no container ever sees: every version of a path except the visible one
/// (all versions, if the path ends deleted). Fixes dive's quirks: the kept copy is not counted as waste,
/// deleted directories count their contents, and opaque directories count what they hide.
public struct WasteAnalysis: Codable, Sendable {
    public struct PathWaste: Codable, Sendable {
        public var path: String
        public var wastedBytes: Int64
        /// Layers (0-based) holding the shipped-but-hidden copies.
        public var layers: [Int]
        public var deleted: Bool
    }

    public var wastedBytes: Int64
    /// Sum over all layers of regular file bytes.
    public var shippedBytes: Int64
    /// Visible bytes / shipped bytes (1.0 means nothing is wasted).
    public var efficiency: Double
    public var wastedByLayer: [Int64]
    public var topPaths: [PathWaste]

    public init(tree: FileTree, layerCount: Int, top: Int = 10) {
        var wasted: Int64 = 0
        var shipped: Int64 = 0
        var byLayer = [Int64](repeating: 0, count: layerCount)
        var paths: [PathWaste] = []
        for file in tree.allFiles {
            let versions = file.versions
            shipped += versions.reduce(0) { $0 + $1.size }
            let keptIndex = file.isVisible ? versions.lastIndex(where: { $0.change != .deleted }) : nil
            var pathWaste: Int64 = 0
            var layers: [Int] = []
            for (index, version) in versions.enumerated() where index != keptIndex && version.size > 0 {
                pathWaste += version.size
                if version.layer < layerCount { byLayer[version.layer] += version.size }
                layers.append(version.layer)
            }
            if pathWaste > 0 {
                wasted += pathWaste
                paths.append(PathWaste(path: "/" + file.path, wastedBytes: pathWaste, layers: layers, deleted: !file.isVisible))
            }
        }
        wastedBytes = wasted
        shippedBytes = shipped
        efficiency = shipped == 0 ? 1 : Double(shipped - wasted) / Double(shipped)
        wastedByLayer = byLayer
        topPaths = Array(paths.sorted { ($0.wastedBytes, $1.path) > ($1.wastedBytes, $0.path) }.prefix(top))
    }
}

/// Reports waste over 1 MB or an efficiency below 95%.
struct WasteRule: ImageRule {
    var minimumBytes: Int64 = 1_000_000

    func findings(in context: ImageContext) -> [Finding] {
        let waste = WasteAnalysis(tree: context.tree, layerCount: context.image.layers.count)
        guard waste.wastedBytes >= minimumBytes else { return [] }
        let worst = waste.topPaths.prefix(3).map { "\($0.path) (\(ByteCount.format($0.wastedBytes))\($0.deleted ? ", deleted" : ", overwritten"))" }
        let layer = waste.wastedByLayer.indices.max { waste.wastedByLayer[$0] < waste.wastedByLayer[$1] } ?? 0
        let severity: Severity = waste.efficiency < 0.8 ? .medium : .low
        return [Finding(rule: RuleCatalog.waste,
                        message: "\(ByteCount.format(waste.wastedBytes)) shipped but never visible (efficiency \(String(format: "%.1f", waste.efficiency * 100))%); worst: \(worst.joined(separator: ", "))",
                        layer: layer, layerDigest: context.digest(ofLayer: layer), origin: context.origin(ofLayer: layer),
                        fingerprintSeed: "waste", severity: severity,
                        details: ["wastedBytes": String(waste.wastedBytes), "efficiency": String(format: "%.4f", waste.efficiency)])]
    }
}

import Foundation
