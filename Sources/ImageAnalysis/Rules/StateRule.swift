import Foundation
import OCIImage
import OCIModel
import Compression
import LayerFS

/// State in the image: declared `VOLUME`s (sensitive ones are high), and database data directories with content.
struct StateRule: ImageRule {
    static let sensitiveVolumes: Set<String> = ["/dev", "/proc", "/sys"]
    static let stateDirectories = ["var/lib/mysql", "var/lib/postgresql/data", "var/lib/mongodb", "var/lib/redis", "data/db", "var/lib/elasticsearch"]

    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        for volume in (context.image.config.config?.volumes ?? [:]).keys.sorted() {
            let trimmed = volume.count > 1 && volume.hasSuffix("/") ? String(volume.dropLast()) : volume
            if Self.sensitiveVolumes.contains(trimmed) {
                findings.append(context.configFinding(RuleCatalog.sensitiveVolume, "VOLUME \(volume) exposes a host kernel interface",
                                                      seed: "volume-\(trimmed)"))
            } else {
                findings.append(context.configFinding(RuleCatalog.volume,
                    "the image declares VOLUME \(volume): the application keeps state there; make sure a real volume is mounted in production",
                    seed: "volume-\(trimmed)"))
            }
        }
        for directory in Self.stateDirectories {
            let contents = context.tree.visibleFiles.filter { $0.path.hasPrefix(directory + "/") && $0.file.kind == .regular }
            guard !contents.isEmpty else { continue }
            let bytes = contents.reduce(Int64(0)) { $0 + $1.file.size }
            let layer = contents.map(\.layer).max() ?? 0
            findings.append(context.fileFinding(RuleCatalog.volume,
                "/\(directory) holds \(contents.count) data files (\(ByteCount.format(bytes))) baked into the image; data belongs in a volume",
                path: directory, layer: layer, severity: .medium))
        }
        return findings
    }
}
