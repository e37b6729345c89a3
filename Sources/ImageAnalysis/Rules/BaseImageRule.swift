import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// The base is a full distribution rather than scratch, distroless, alpine, wolfi or a slim variant.
struct BaseImageRule: ImageRule {
    func findings(in context: ImageContext) -> [Finding] {
        let base = context.base
        guard !base.minimal, base.kind != .unknown else { return [] }
        let os = context.os?.displayName ?? "an unidentified distribution"
        return [context.configFinding(RuleCatalog.fatBase,
            "the base is \(os), a \(base.displayName) with \(base.packageCount) packages; prefer distroless, alpine, a slim variant or scratch",
            seed: "base-\(context.os?.id ?? "unknown")", details: ["kind": base.kind.rawValue, "packages": String(base.packageCount)])]
    }
}
