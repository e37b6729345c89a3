import OCIImage
import OCIModel
import Compression
import LayerFS
import Foundation

/// Concrete next steps with numbers, derived from the findings.
enum Recommendations {
    /// Approximate sizes of minimal bases, for "how much would switching save".
    static let distrolessBaseBytes: Int64 = 21_000_000
    static let alpineBaseBytes: Int64 = 8_000_000

    static func make(context: ImageContext, findings: [Finding], waste: WasteAnalysis, totals: FootprintReport.Totals) -> [String] {
        var advice: [String] = []
        let base = context.base
        let baseTools = findings.filter { $0.category == .forbiddenContent && $0.origin == .base && $0.severity >= .medium }
        if !base.minimal, base.kind != .unknown {
            let os = context.os?.displayName ?? "the base"
            let names = Array(Set(baseTools.compactMap { $0.path.map(ImagePath.baseName) })).sorted().prefix(6)
            let baseBytes = base.layerCount > 0 ? base.visibleBytes : totals.visibleBytes
            let saving = max(0, baseBytes - distrolessBaseBytes)
            var text = "base \(os) holds \(base.packageCount) packages and \(ByteCount.format(baseBytes)); a distroless or alpine base would remove"
            text += names.isEmpty ? "" : " \(names.joined(separator: ", ")) and"
            text += " ~\(ByteCount.format(saving))"
            advice.append(text)
        }
        let appTools = findings.filter { $0.category == .forbiddenContent && $0.origin == .application && $0.severity >= .medium }
        if !appTools.isEmpty {
            let names = Array(Set(appTools.compactMap { $0.path.map(ImagePath.baseName) })).sorted().prefix(8)
            advice.append("your layers add \(names.joined(separator: ", ")); install build and debug tools in a builder stage and copy only the application into the final stage")
        }
        if waste.wastedBytes >= 1_000_000 {
            advice.append("\(ByteCount.format(waste.wastedBytes)) is shipped but hidden by later layers; delete files in the same RUN that creates them, or squash with a multi-stage build")
        }
        if let leftovers = findings.first(where: { $0.ruleID == RuleCatalog.leftovers.id && $0.details?["group"] == "apt package lists" }),
           let bytes = leftovers.details?["bytes"].flatMap(Int64.init) {
            advice.append("remove /var/lib/apt/lists/* in the same RUN as apt-get install (saves \(ByteCount.format(bytes)))")
        }
        if findings.contains(where: { $0.category == .secret }) {
            advice.append("rotate every secret found: deleting a file in a later layer does not remove it from the image; rebuild without it and pass secrets at run time (BuildKit --secret, Kubernetes Secrets)")
        }
        if findings.contains(where: { $0.ruleID == RuleCatalog.runsAsRoot.id }) {
            advice.append("add USER 65532:65532 (distroless's nonroot) to the final stage")
        }
        return advice
    }
}
