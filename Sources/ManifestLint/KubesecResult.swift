import OCIModel

/// One entry of `scoring.critical` / `passed` / `advise`.
public struct KubesecRuleResult: Codable, Sendable, Equatable {
    public var id: String
    public var selector: String
    public var reason: String
    public var points: Int

    public init(id: String, selector: String, reason: String, points: Int) {
        self.id = id
        self.selector = selector
        self.reason = reason
        self.points = points
    }
}

/// `scoring`: each list is left out of the JSON when empty.
public struct KubesecScoring: Codable, Sendable, Equatable {
    public var critical: [KubesecRuleResult]
    public var passed: [KubesecRuleResult]
    public var advise: [KubesecRuleResult]

    public init(critical: [KubesecRuleResult] = [], passed: [KubesecRuleResult] = [], advise: [KubesecRuleResult] = []) {
        self.critical = critical
        self.passed = passed
        self.advise = advise
    }

    enum CodingKeys: String, CodingKey { case critical, passed, advise }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        critical = try container.decodeIfPresent([KubesecRuleResult].self, forKey: .critical) ?? []
        passed = try container.decodeIfPresent([KubesecRuleResult].self, forKey: .passed) ?? []
        advise = try container.decodeIfPresent([KubesecRuleResult].self, forKey: .advise) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !critical.isEmpty { try container.encode(critical, forKey: .critical) }
        if !passed.isEmpty { try container.encode(passed, forKey: .passed) }
        if !advise.isEmpty { try container.encode(advise, forKey: .advise) }
    }
}

/// One kubesec report (one per document), with kubesec's field names.
/// Use `KubesecJSON.encode` for kubesec's exact bytes (key order, indentation, Go escaping).
public struct KubesecResult: Codable, Sendable, Equatable {
    public var object: String
    public var valid: Bool
    public var fileName: String
    public var message: String
    public var score: Int
    public var scoring: KubesecScoring

    public init(object: String, valid: Bool, fileName: String, message: String, score: Int, scoring: KubesecScoring) {
        self.object = object
        self.valid = valid
        self.fileName = fileName
        self.message = message
        self.score = score
        self.scoring = scoring
    }

    enum CodingKeys: String, CodingKey { case object, valid, fileName, message, score, scoring }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        object = try container.decode(String.self, forKey: .object)
        valid = try container.decode(Bool.self, forKey: .valid)
        fileName = try container.decode(String.self, forKey: .fileName)
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        score = try container.decode(Int.self, forKey: .score)
        scoring = try container.decodeIfPresent(KubesecScoring.self, forKey: .scoring) ?? KubesecScoring()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(object, forKey: .object)
        try container.encode(valid, forKey: .valid)
        try container.encode(fileName, forKey: .fileName)
        if !message.isEmpty { try container.encode(message, forKey: .message) }
        try container.encode(score, forKey: .score)
        try container.encode(scoring, forKey: .scoring)
    }
}

/// kubesec's JSON bytes: Go's `json.MarshalIndent(reports, "", "  ")`.
public enum KubesecJSON {
    /// The array as kubesec's CLI prints it, without the trailing newline the CLI adds.
    public static func encode(_ results: [KubesecResult]) -> String {
        String(decoding: encodeBytes(results), as: UTF8.self)
    }

    /// `encode(results)` as UTF-8 bytes, built without intermediate strings (the HTTP server's response body).
    public static func encodeBytes(_ results: [KubesecResult]) -> [UInt8] {
        var out: [UInt8] = []
        if results.isEmpty {
            out.append(contentsOf: "[]".utf8)
            return out
        }
        out.reserveCapacity(4096 * min(results.count, 64))
        out.append(contentsOf: "[\n".utf8)
        for (index, result) in results.enumerated() {
            write(result, into: &out)
            out.append(contentsOf: (index == results.count - 1 ? "\n" : ",\n").utf8)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A single report without indentation (Go's `json.Marshal`), as used for in-toto products.
    public static func encodeCompact(_ result: KubesecResult) -> String {
        var fields = [
            "\"object\":" + GoJSON.quote(result.object),
            "\"valid\":" + (result.valid ? "true" : "false"),
            "\"fileName\":" + GoJSON.quote(result.fileName),
        ]
        if !result.message.isEmpty { fields.append("\"message\":" + GoJSON.quote(result.message)) }
        fields.append("\"score\":\(result.score)")
        var lists: [String] = []
        for (name, list) in [("critical", result.scoring.critical), ("passed", result.scoring.passed), ("advise", result.scoring.advise)]
        where !list.isEmpty {
            let entries = list.map {
                "{\"id\":\(GoJSON.quote($0.id)),\"selector\":\(GoJSON.quote($0.selector)),\"reason\":\(GoJSON.quote($0.reason)),\"points\":\($0.points)}"
            }
            lists.append("\"\(name)\":[" + entries.joined(separator: ",") + "]")
        }
        fields.append("\"scoring\":{" + lists.joined(separator: ",") + "}")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// One report at indentation level 1 (two spaces), its fields at level 2, and so on.
    private static func write(_ result: KubesecResult, into out: inout [UInt8]) {
        func append(_ text: String) { out.append(contentsOf: text.utf8) }
        func field(_ name: String, _ text: String) {
            append(name)
            GoJSON.appendQuoted(text, to: &out)
            append(",\n")
        }
        append("  {\n")
        field("    \"object\": ", result.object)
        append(result.valid ? "    \"valid\": true,\n" : "    \"valid\": false,\n")
        field("    \"fileName\": ", result.fileName)
        if !result.message.isEmpty { field("    \"message\": ", result.message) }
        append("    \"score\": ")
        append(String(result.score))
        append(",\n")
        let lists = [("critical", result.scoring.critical), ("passed", result.scoring.passed), ("advise", result.scoring.advise)]
            .filter { !$0.1.isEmpty }
        if lists.isEmpty {
            append("    \"scoring\": {}\n")
        } else {
            append("    \"scoring\": {\n")
            for (listIndex, (name, entries)) in lists.enumerated() {
                append("      \"")
                append(name)
                append("\": [\n")
                for (entryIndex, entry) in entries.enumerated() {
                    append("        {\n")
                    field("          \"id\": ", entry.id)
                    field("          \"selector\": ", entry.selector)
                    field("          \"reason\": ", entry.reason)
                    append("          \"points\": ")
                    append(String(entry.points))
                    append(entryIndex == entries.count - 1 ? "\n        }\n" : "\n        },\n")
                }
                append(listIndex == lists.count - 1 ? "      ]\n" : "      ],\n")
            }
            append("    }\n")
        }
        append("  }")
    }

}
