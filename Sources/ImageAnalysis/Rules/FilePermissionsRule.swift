import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// setuid/setgid files and world-writable paths without the sticky bit, in the merged view.
struct FilePermissionsRule: ImageRule {
    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        for file in context.tree.visibleFiles.sorted(by: { $0.path < $1.path }) {
            let entry = file.file
            if entry.kind == .regular || entry.kind == .hardLink, entry.isSetUID || entry.isSetGID {
                let bits = [entry.isSetUID ? "setuid" : nil, entry.isSetGID ? "setgid" : nil].compactMap { $0 }.joined(separator: "+")
                let owner = entry.isSetUID && entry.uid == 0 ? " root" : ""
                findings.append(context.fileFinding(RuleCatalog.setID,
                    "/\(file.path) is \(bits)\(owner) (mode \(String(entry.mode, radix: 8))) from \(context.describeLayer(file.layer))",
                    path: file.path, layer: file.layer, severity: entry.isSetUID && entry.uid == 0 ? .medium : .low,
                    details: ["mode": String(entry.mode, radix: 8), "uid": String(entry.uid)]))
            }
            if entry.kind == .regular || entry.kind == .directory, entry.mode & 0o002 != 0, entry.mode & 0o1000 == 0 {
                findings.append(context.fileFinding(RuleCatalog.worldWritable,
                    "/\(file.path) is world-writable (mode \(String(entry.mode, radix: 8))) without the sticky bit",
                    path: file.path, layer: file.layer, details: ["mode": String(entry.mode, radix: 8)]))
            }
        }
        return findings
    }
}
