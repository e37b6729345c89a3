import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// Hostile or broken layer entries found while reading: names leaving the root, escaping links, dangling hard links, duplicates.
struct AnomalyRule: ImageRule {
    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        for (layer, scan) in context.scans.enumerated() {
            for anomaly in scan.index.anomalies {
                let severity: Severity = switch anomaly.kind {
                case .pathEscapesRoot, .hardLinkEscapesRoot: .high
                case .symlinkEscapesRoot, .hardLinkTargetMissing: .medium
                case .duplicateEntry, .absolutePath, .whiteoutOfRoot: .low
                }
                findings.append(Finding(rule: RuleCatalog.anomaly, message: "\(context.describeLayer(layer)): \(anomaly.path.prefix(200)): \(anomaly.detail)",
                                        path: anomaly.path.hasPrefix("/") ? String(anomaly.path.prefix(300)) : "/" + anomaly.path.prefix(300),
                                        layer: layer, layerDigest: context.digest(ofLayer: layer), origin: context.origin(ofLayer: layer),
                                        fingerprintSeed: anomaly.kind.rawValue, severity: severity, details: ["kind": anomaly.kind.rawValue]))
            }
        }
        return findings
    }
}
