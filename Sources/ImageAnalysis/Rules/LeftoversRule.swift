import Foundation
import OCIImage
import OCIModel
import Compression
import LayerFS

/// Caches, package lists, temp files, VCS metadata and development files left in the image (§3.2 build leftovers).
struct LeftoversRule: ImageRule {
    struct Group: Sendable {
        var label: String
        var rule: RuleDefinition
        var matches: @Sendable (String) -> Bool
    }

    static let groups: [Group] = [
        Group(label: "apt package lists", rule: RuleCatalog.leftovers) { $0.hasPrefix("var/lib/apt/lists/") && !$0.hasSuffix("/lock") },
        Group(label: "apt package cache", rule: RuleCatalog.leftovers) { $0.hasPrefix("var/cache/apt/") },
        Group(label: "apk cache", rule: RuleCatalog.leftovers) { $0.hasPrefix("var/cache/apk/") },
        Group(label: "yum/dnf cache", rule: RuleCatalog.leftovers) { $0.hasPrefix("var/cache/yum/") || $0.hasPrefix("var/cache/dnf/") },
        Group(label: "pip/npm caches", rule: RuleCatalog.leftovers) {
            $0.utf8.containsBytes(".cache/pip/".utf8) || $0.utf8.containsBytes("/.npm/_cacache/".utf8)
                || $0.utf8.containsBytes("node_modules/.cache/".utf8)
        },
        Group(label: "temporary files", rule: RuleCatalog.leftovers) { $0.hasPrefix("tmp/") || $0.hasPrefix("var/tmp/") },
        Group(label: "shell histories", rule: RuleCatalog.leftovers) {
            let name = ImagePath.baseName($0)
            return name == ".bash_history" || name == ".ash_history" || name == ".python_history" || name == ".sh_history"
        },
        Group(label: "VCS metadata", rule: RuleCatalog.developmentFiles) {
            $0.hasPrefix(".git/") || $0.hasPrefix(".svn/") || $0.utf8.containsBytes("/.git/".utf8) || $0.utf8.containsBytes("/.svn/".utf8)
        },
        Group(label: "C/C++ headers", rule: RuleCatalog.developmentFiles) { $0.hasPrefix("usr/include/") },
        Group(label: "compiler internals", rule: RuleCatalog.developmentFiles) { $0.hasPrefix("usr/lib/gcc/") || $0.hasPrefix("usr/libexec/gcc/") },
    ]

    func findings(in context: ImageContext) -> [Finding] {
        var totals: [Int: (files: Int, bytes: Int64, layers: Set<Int>, example: String)] = [:]
        for file in context.tree.visibleFiles where file.file.kind == .regular && file.file.size > 0 {
            guard let index = Self.groups.firstIndex(where: { $0.matches(file.path) }) else { continue }
            var total = totals[index] ?? (0, 0, [], file.path)
            total.files += 1
            total.bytes += file.file.size
            total.layers.insert(file.layer)
            totals[index] = total
        }
        return totals.sorted { $0.key < $1.key }.map { index, total in
            let group = Self.groups[index]
            let layer = total.layers.max() ?? 0
            let layers = total.layers.sorted().map { String($0 + 1) }.joined(separator: ", ")
            return context.fileFinding(group.rule,
                "\(group.label): \(total.files) files, \(ByteCount.format(total.bytes)) (e.g. /\(total.example)) in layer \(layers)",
                path: total.example, layer: layer,
                details: ["files": String(total.files), "bytes": String(total.bytes), "group": group.label])
        }
    }
}
