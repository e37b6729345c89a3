import Foundation

/// The other output formats of `moat scan`: a table for people and SARIF for code-scanning dashboards.
public enum KubesecOutput {
    /// One row per object, then its critical findings and advice.
    public static func table(_ results: [KubesecResult]) -> String {
        var lines: [String] = []
        for result in results {
            lines.append("\(result.fileName): \(result.object)  score \(result.score)\(result.valid ? "" : "  (invalid)")  \(result.message)")
            for item in result.scoring.critical { lines.append("  CRITICAL  \(item.id) (\(item.points))  \(item.reason)") }
            for item in result.scoring.advise { lines.append("  ADVISE    \(item.id) (+\(item.points))  \(item.reason)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SARIF 2.1.0: critical findings are errors, failed objects (score ≤ 0) and invalid documents too; advice is a note.
    public static func sarif(_ results: [KubesecResult], toolVersion: String) throws -> String {
        var rules: [String: [String: Any]] = [:]
        var sarifResults: [[String: Any]] = []
        func add(_ id: String, level: String, message: String, file: String, reason: String) {
            rules[id] = ["id": id, "shortDescription": ["text": reason], "defaultConfiguration": ["level": level]]
            sarifResults.append([
                "ruleId": id, "level": level, "message": ["text": message],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": file]]]],
            ])
        }
        for result in results {
            for item in result.scoring.critical {
                add(item.id, level: "error", message: "\(result.object): \(item.reason) (\(item.points) points)", file: result.fileName, reason: item.reason)
            }
            for item in result.scoring.advise {
                add(item.id, level: "note", message: "\(result.object): \(item.reason) (+\(item.points) points)", file: result.fileName, reason: item.reason)
            }
            if !result.valid || result.score <= 0, result.scoring.critical.isEmpty {
                add(result.valid ? "ScoreNotPositive" : "InvalidDocument", level: "error", message: "\(result.object): \(result.message)",
                    file: result.fileName, reason: result.valid ? "The object does not score above 0" : "The document is not a valid object")
            }
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [["tool": ["driver": ["name": "moat", "version": toolVersion, "rules": rules.keys.sorted().compactMap { rules[$0] }]],
                      "results": sarifResults]],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
