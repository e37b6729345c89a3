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

    /// Whether a configuration value is a secret: a secret-looking name with a value, or a known token format.
    static func isSecret(name: String, value: String) -> Bool {
        (SecretNames.isSecret(name) && !value.isEmpty) || !SecretScanner.scan(Array(value.utf8), path: "").isEmpty
    }

    /// The configuration with every secret value masked, for reports that echo the image config (Trivy's
    /// `Metadata.ImageConfig`): moat never prints a secret it found.
    static func redacted(_ config: ImageConfig) -> ImageConfig {
        var copy = config
        let masked = "********"
        copy.config?.env = config.config?.env?.map { entry in
            guard let equals = entry.firstIndex(of: "=") else { return entry }
            let name = String(entry[..<equals])
            return isSecret(name: name, value: String(entry[entry.index(after: equals)...])) ? name + "=" + masked : entry
        }
        copy.config?.labels = config.config?.labels.map { labels in
            Dictionary(uniqueKeysWithValues: labels.map { ($0.key, isSecret(name: $0.key, value: $0.value) ? masked : $0.value) })
        }
        copy.history = config.history?.map { entry in
            var entry = entry
            guard var text = entry.createdBy else { return entry }
            for (name, value) in assignments(in: text) where isSecret(name: name, value: value) && !value.isEmpty {
                text = text.replacingOccurrences(of: value, with: masked)
            }
            // Token formats anywhere in a RUN line (curl -H "Authorization: token ghp_…").
            text = SecretScanner.maskTokens(in: text)
            entry.createdBy = text
            return entry
        }
        return copy
    }

    func check(_ context: ImageContext, name: String, value: String, where place: String) -> Finding? {
        let tokenHits = SecretScanner.scan(Array(value.utf8), path: "")
        guard Self.isSecret(name: name, value: value) else { return nil }
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

extension ImageConfig {
    /// This configuration with every secret value in Env, labels and history masked.
    public var redactingSecrets: ImageConfig { ConfigSecretsRule.redacted(self) }
}
