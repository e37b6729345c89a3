import LayerFS
import OCIImage
import OCIModel
import Compression
/// The image runs as root: no `User`, or `User` naming uid 0 in any spelling (`root`, `0`, `0:0`, `root:wheel`),
/// or a named user whose `/etc/passwd` entry has uid 0.
struct RootUserRule: ImageRule {
    func findings(in context: ImageContext) -> [Finding] {
        let user = (context.image.config.config?.user ?? "").trimmingCharacters(in: .whitespaces)
        let name = String(user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if name.isEmpty {
            return [context.configFinding(RuleCatalog.runsAsRoot,
                "the image sets no USER, so containers run as root; add USER 65532:65532 (or a named non-root user) to the final stage",
                seed: "no-user", details: ["user": ""])]
        }
        if name == "root" || Int(name) == 0 {
            return [context.configFinding(RuleCatalog.runsAsRoot, "the image runs as USER \(user) (uid 0); use a non-root user",
                                          seed: "user-root", details: ["user": user])]
        }
        if Int(name) == nil {
            let passwd = context.systemFiles["etc/passwd"].map { String(decoding: $0, as: UTF8.self) }
            let entry = passwd?.split(separator: "\n").first { $0.split(separator: ":").first.map(String.init) == name }
            if let entry, let uid = entry.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first, Int(uid) == 0 {
                return [context.configFinding(RuleCatalog.runsAsRoot, "USER \(name) has uid 0 in /etc/passwd, so the image runs as root",
                                              seed: "user-uid0", details: ["user": user])]
            }
            if entry == nil {
                return [context.configFinding(RuleCatalog.runsAsRoot,
                    "USER \(name) is not in the image's /etc/passwd; the container will fail to start or Kubernetes runAsNonRoot cannot verify it; use a numeric uid",
                    seed: "user-unknown", severity: .medium, details: ["user": user])]
            }
        }
        return []
    }
}

import Foundation
