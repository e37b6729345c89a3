import Foundation
import OCIModel
public import ImagePolicy

/// `moat policy check` output: per object and container, every rule's verdict.
public enum PolicyReport {
    public static func text(_ decisions: [(String, PolicySubject, PolicyDecision)]) -> String {
        var out = ""
        for (object, subject, decision) in decisions {
            out += "\(object)" + (subject.namespace.map { " (namespace \($0))" } ?? "") + ": "
                + (decision.allowed ? (decision.breakGlassUsed ? "ALLOWED (break-glass)" : "ALLOWED") : "DENIED") + "\n"
            for image in decision.images {
                out += "  " + (image.subject.container.map { "container \($0): " } ?? "") + image.subject.image
                    + (image.digest.map { " (\($0))" } ?? "") + "\n"
                for result in image.results {
                    let verdict: String
                    switch result.outcome {
                    case .passed: verdict = "pass"
                    case .skipped: verdict = "skip"
                    case .failedOpen: verdict = "open"
                    case .violated, .unavailable: verdict = result.isEnforceViolation ? "DENY" : "warn"
                    }
                    out += "    \(verdict)  \(result.rule): \(result.message)\n"
                }
                if let pinned = image.pinnedImage { out += "    pin   \(pinned)\n" }
            }
        }
        return out
    }

    public static func json(_ decisions: [(String, PolicySubject, PolicyDecision)]) -> String {
        let objects: [[String: Any]] = decisions.map { object, subject, decision in
            var entry: [String: Any] = [
                "object": object,
                "allowed": decision.allowed,
                "breakGlass": decision.breakGlassUsed,
                "images": decision.images.map { image -> [String: Any] in
                    var item: [String: Any] = [
                        "image": image.subject.image,
                        "results": image.results.map { ["rule": "\($0.rule)", "mode": "\($0.mode)", "outcome": $0.outcome.rawValue, "message": $0.message] },
                    ]
                    item["container"] = image.subject.container
                    item["digest"] = image.digest?.description
                    item["pinnedImage"] = image.pinnedImage
                    return item
                },
            ]
            entry["namespace"] = subject.namespace
            return entry
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
