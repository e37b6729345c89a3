import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// Secrets in the image configuration: `Env`, `Labels` and `ARG`/`ENV` values recorded in build history.
struct ConfigSecretsRule: ImageRule {
    static func mask(_ value: String) -> String {
        value.isEmpty ? "(empty)" : String(repeating: "*", count: min(value.count, 12)) + " (\(value.count) chars)"
    }

    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        let config = context.image.config.config
        for entry in config?.env ?? [] {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let name = String(entry[..<equals])
            let value = String(entry[entry.index(after: equals)...])
            if let finding = check(context, name: name, value: value, where: "Env") { findings.append(finding) }
        }
        for (name, value) in (config?.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let finding = check(context, name: name, value: value, where: "label") { findings.append(finding) }
        }
        for (index, entry) in (context.image.config.history ?? []).enumerated() {
            for (name, value) in Self.assignments(in: entry.createdBy ?? "") {
                if let finding = check(context, name: name, value: value, where: "history entry \(index + 1)") { findings.append(finding) }
            }
        }
        // The same secret set by ENV shows in both Env and history: one finding (the first place) per fingerprint.
        var seen = Set<String>()
        return findings.filter { seen.insert($0.fingerprint).inserted }
    }

    func check(_ context: ImageContext, name: String, value: String, where place: String) -> Finding? {
        let tokenHits = SecretScanner.scan(Array(value.utf8), path: "")
        guard (SecretNames.isSecret(name) && !value.isEmpty) || !tokenHits.isEmpty else { return nil }
        let masked = tokenHits.first?.masked ?? Self.mask(value)
        return context.configFinding(RuleCatalog.configSecret,
            "\(name) in the image's \(place) holds a secret (\(masked)); anyone who can pull the image can read it",
            seed: name + "|" + Fingerprint.secret(Array(value.utf8)),
            details: ["name": name, "location": place, "masked": masked])
    }

    /// `NAME=value` words of `ENV`/`ARG` instructions (classic builder: `/bin/sh -c #(nop)  ENV …`, BuildKit: `ENV …`)
    /// and the build arguments of `RUN` (classic: `|N NAME=value … /bin/sh -c …`, BuildKit: `RUN |N NAME=value …`).
    static func assignments(in createdBy: String) -> [(String, String)] {
        var text = Substring(createdBy).drop { $0 == " " }
        if text.hasPrefix("/bin/sh -c #(nop)") { text = text.dropFirst("/bin/sh -c #(nop)".count).drop { $0 == " " } }
        if text.hasPrefix("RUN |") { text = text.dropFirst(4) }
        var words = text.split(separator: " ")
        guard let first = words.first else { return [] }
        if first.hasPrefix("|") {
            // Only the N words after `|N` are build arguments; the rest is the command, whose `a=b` words are not.
            guard let count = Int(first.dropFirst()) else { return [] }
            words = Array(words.dropFirst().prefix(count))
        } else if first == "ENV" || first == "ARG" {
            words.removeFirst()
        } else {
            return []
        }
        var result: [(String, String)] = []
        for word in words {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let name = String(word[..<equals])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), name.first?.isNumber == false else { continue }
            var value = String(word[word.index(after: equals)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            result.append((name, value))
        }
        return result
    }
}
