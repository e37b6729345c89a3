import Foundation
import OCIImage
import OCIModel
import Compression
import LayerFS

/// Private keys and tokens in any layer's files, including files a later layer deleted (their bytes still ship),
/// and credential files of well-known tools.
struct SecretsRule: ImageRule {
    /// Tool credential files by path suffix (lint-rules.md §3.2).
    static let credentialFiles: [String] = [
        ".aws/credentials", ".docker/config.json", ".kube/config", ".npmrc", ".pypirc", ".netrc", ".git-credentials",
        ".pgpass", ".config/gcloud/credentials.db", ".config/gcloud/application_default_credentials.json",
        ".azure/accessTokens.json", ".gnupg/secring.gpg", ".vault-token",
    ]

    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<String>()
        for (layer, scan) in context.scans.enumerated() {
            for hit in scan.visitor.secrets {
                let key = "\(hit.ruleID)|\(hit.path)|\(hit.valueHash)|\(layer)"
                guard seen.insert(key).inserted else { continue }
                let rule = RuleCatalog.rule(id: hit.ruleID) ?? RuleCatalog.token
                let fate = fateDescription(context, path: hit.path, layer: layer)
                findings.append(context.fileFinding(rule,
                    "\(hit.kind) in /\(hit.path):\(hit.line) added by \(context.describeLayer(layer))\(fate)",
                    path: hit.path, layer: layer, seed: hit.valueHash,
                    details: ["kind": hit.kind, "line": String(hit.line), "masked": hit.masked]))
            }
        }
        for file in context.tree.allFiles where file.file.kind == .regular {
            guard let suffix = Self.credentialFiles.first(where: { file.path == $0 || file.path.hasSuffix("/" + $0) }) else { continue }
            let layer = file.addedIn
            findings.append(context.fileFinding(RuleCatalog.credentialFile,
                "credentials file \(suffix) at /\(file.path) added by \(context.describeLayer(layer))\(fateDescription(context, path: file.path, layer: layer))",
                path: file.path, layer: layer))
        }
        return findings
    }

    /// Says when a secret was later deleted or overwritten, because deletion does not remove it from the image.
    func fateDescription(_ context: ImageContext, path: String, layer: Int) -> String {
        guard let history = context.tree.record(at: path) else { return "" }
        if let deleted = history.deletedIn.first(where: { $0 > layer }) {
            return "; deleted by layer \(deleted + 1) but its bytes still ship in layer \(layer + 1)"
        }
        if let overwritten = history.modifiedIn.first(where: { $0 > layer }) {
            return "; overwritten by layer \(overwritten + 1) but the old bytes still ship in layer \(layer + 1)"
        }
        return ""
    }
}
