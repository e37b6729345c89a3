import Foundation
import OCIImage
import OCIModel
import Compression
import LayerFS

/// Shells, package managers, network tools, editors, debuggers, build and privilege tools reachable on a PATH-like
/// directory, resolved through symlinks, `/etc/alternatives`, usrmerge links and busybox applet farms.
struct ForbiddenToolsRule: ImageRule {
    /// Directories searched: any `bin`/`sbin` directory, and distroless's `/busybox`.
    static func isCommandDirectory(_ directory: String) -> Bool {
        let last = ImagePath.baseName(directory)
        return last == "bin" || last == "sbin" || last == "busybox"
    }

    func findings(in context: ImageContext) -> [Finding] {
        struct Provider {
            var file: MergedFile
            var names: [String: RuleDefinition] = [:]
            var paths: [String] = []
        }
        var providers: [String: Provider] = [:]
        for file in context.tree.visibleFiles where file.file.kind != .directory {
            let directory = ImagePath.parent(file.path)
            guard Self.isCommandDirectory(directory) else { continue }
            let name = ImagePath.baseName(file.path)
            guard let target = context.tree.resolveToRegularFile(file.path), target.file.mode & 0o111 != 0 else { continue }
            let targetName = ImagePath.baseName(target.path)
            let match = ToolCatalogue.rule(for: name) ?? ToolCatalogue.rule(for: targetName)
            let isMultiCall = ToolCatalogue.rule(for: targetName)?.0 == RuleCatalog.multiCall
            guard match != nil || isMultiCall else { continue }
            var provider = providers[target.path] ?? Provider(file: target)
            if let (rule, canonical) = match { provider.names[canonical] = rule }
            provider.paths.append(file.path)
            providers[target.path] = provider
        }
        var findings: [Finding] = []
        let entrypointFile = context.command.first.flatMap { context.resolveCommand($0) }
        let entrypoint = entrypointFile?.path
        // Who needs a shell or interpreter: a `#!` entrypoint script names its interpreter; `sh -c "…"` is shell form.
        var scriptInterpreter: String?
        if let file = entrypointFile, case .script(let interpreter) = file.file.contentKind {
            scriptInterpreter = context.resolveCommand(interpreter)?.path
        }
        let shellForm = context.command.count >= 2 && context.command[1] == "-c"
        for (targetPath, provider) in providers.sorted(by: { $0.key < $1.key }) {
            let targetName = ImagePath.baseName(targetPath)
            let reachable = provider.paths.map { "/" + $0 }.sorted()
            if ToolCatalogue.rule(for: targetName)?.0 == RuleCatalog.multiCall {
                let applets = Dictionary(grouping: provider.names.filter { $0.value != RuleCatalog.multiCall }, by: { $0.value.title })
                    .mapValues { $0.map(\.key).sorted().joined(separator: ", ") }
                let summary = applets.keys.sorted().map { "\($0): \(applets[$0] ?? "")" }.joined(separator: "; ")
                findings.append(context.fileFinding(RuleCatalog.multiCall,
                    "\(targetName) at /\(targetPath) provides \(provider.paths.filter { ImagePath.baseName($0) != targetName }.count) commands\(summary.isEmpty ? "" : " (\(summary))"); removing the links does not remove them",
                    path: targetPath, layer: provider.file.layer,
                    details: ["reachableAs": reachable.prefix(50).joined(separator: " "), "applets": String(provider.names.filter { $0.value != RuleCatalog.multiCall }.count)]))
                continue
            }
            // One finding per rule the binary falls under, with every name it answers to.
            let byRule = Dictionary(grouping: provider.names, by: \.value)
            for (rule, names) in byRule.sorted(by: { $0.key.id < $1.key.id }) {
                let nameList = names.map(\.key).sorted().joined(separator: ", ")
                var severity: Severity? = nil
                var note = ""
                if entrypoint == targetPath {
                    // An interpreter the application runs on is a runtime dependency; a shell as entrypoint is not.
                    if rule == RuleCatalog.interpreter { severity = .info }
                    note = shellForm ? "; the shell-form command (\(context.command.prefix(2).joined(separator: " ")) …) needs it: use an exec-form ENTRYPOINT of the application binary"
                        : "; the image's entrypoint runs it"
                } else if scriptInterpreter == targetPath, let script = entrypointFile?.path {
                    note = "; the entrypoint script /\(script) needs it (#!): rewrite it or run the binary in exec form before removing it"
                }
                findings.append(context.fileFinding(rule,
                    "\(rule.title.lowercased().replacingOccurrences(of: " in image", with: "")): /\(targetPath) (as \(nameList)) from \(context.describeLayer(provider.file.layer))\(note)",
                    path: targetPath, layer: provider.file.layer, severity: severity,
                    details: ["names": nameList, "reachableAs": reachable.prefix(20).joined(separator: " ")]))
            }
        }
        return findings
    }
}
