import Foundation

/// Linter configuration, usually read from `.moat.yaml`.
public struct LintConfig: Sendable, Equatable {
    /// Ignored rule ids (moat ids; hadolint ids are mapped when parsed).
    public var ignored: Set<String>
    /// Allowed registries (`*`, `*.suffix`, `prefix*`, exact host). Empty: MOAT-D004 is off.
    public var trustedRegistries: [String]
    /// Extra trusted publisher prefixes for MOAT-D005, e.g. `registry.example.com/base/`.
    public var trustedPublishers: [String]
    /// Findings at or above this severity fail the run; nil never fails.
    public var failureThreshold: LintSeverity?
    /// The stage treated as the final image (`--target`); nil means the last stage.
    public var target: String?

    public init(
        ignored: Set<String> = [], trustedRegistries: [String] = [], trustedPublishers: [String] = [],
        failureThreshold: LintSeverity? = .info, target: String? = nil
    ) {
        self.ignored = Set(ignored.flatMap { id in
            let mapped = LintRule.moatIDs(for: id)
            return mapped.isEmpty ? [id.uppercased()] : Array(mapped)
        })
        self.trustedRegistries = trustedRegistries
        self.trustedPublishers = trustedPublishers
        self.failureThreshold = failureThreshold
        self.target = target
    }

    /// True when a finding reaches the failure threshold.
    public func fails(_ findings: [LintFinding]) -> Bool {
        guard let threshold = failureThreshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }

    /// Reads `.moat.yaml` (or another path).
    public static func load(from url: URL) throws -> LintConfig {
        let data = try Data(contentsOf: url)
        guard data.count <= 1 << 20 else { throw LintConfigError(path: url.path, line: 0, message: "the config file is over 1 MiB") }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else {
            throw LintConfigError(path: url.path, line: 0, message: "the config file is not UTF-8 text")
        }
        return try parse(yaml: text, path: url.path)
    }

    /// Parses the supported YAML subset:
    ///
    /// ```yaml
    /// ignored: [MOAT-D003, DL3008]      # or a block list of "- ID" items
    /// trustedRegistries:
    ///   - docker.io
    ///   - "*.example.com"
    /// trustedPublishers: [registry.example.com/base/]
    /// failureThreshold: warning        # error | warning | info | style | none
    /// target: runtime
    /// ```
    ///
    /// Keys may also be spelled `trusted-registries`, `trusted-publishers`, `failure-threshold`. Anything else
    /// (unknown keys, nested maps, anchors, multi-line strings) is an error naming the line.
    public static func parse(yaml: String, path: String = ".moat.yaml") throws -> LintConfig {
        var ignored: [String] = []
        var registries: [String] = []
        var publishers: [String] = []
        var threshold: LintSeverity? = .info
        var target: String?
        var currentListKey: String?
        var seenKeys: Set<String> = []

        func fail(_ line: Int, _ message: String) -> LintConfigError { LintConfigError(path: path, line: line, message: message) }

        func scalar(_ raw: Substring, line: Int) throws -> String {
            let value = raw.trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                return String(value.dropFirst().dropLast())
            }
            if let first = value.first, "&*!|>{[@`".contains(first) {
                throw fail(line, "unsupported YAML value '\(value.prefix(40))' (only plain or quoted scalars and [a, b] lists are accepted)")
            }
            return value
        }

        func stripComment(_ line: String) -> String {
            var quote: Character?
            var previous: Character = " "
            for (offset, c) in line.enumerated() {
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "#", previous == " " || previous == "\t" || offset == 0 {
                    return String(line.prefix(offset))
                }
                previous = c
            }
            return line
        }

        func append(_ value: String, to key: String) {
            switch key {
            case "ignored": ignored.append(value)
            case "trustedRegistries": registries.append(value)
            default: publishers.append(value)
            }
        }

        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            let line = stripComment(String(rawLine).replacingOccurrences(of: "\r", with: ""))
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed == "---" { continue }
            if line.contains("\t") { throw fail(number, "tabs are not allowed in YAML indentation") }
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                guard let key = currentListKey else { throw fail(number, "a list item without a list key above it") }
                let value = try scalar(trimmed.dropFirst(1), line: number)
                guard !value.isEmpty else { throw fail(number, "empty list item") }
                append(value, to: key)
                continue
            }
            guard line.first != " " else { throw fail(number, "unexpected indentation (nested maps are not supported)") }
            guard let colon = trimmed.firstIndex(of: ":") else { throw fail(number, "expected 'key: value'") }
            let rawKey = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            let valuePart = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let key: String
            switch rawKey {
            case "ignored", "ignore": key = "ignored"
            case "trustedRegistries", "trusted-registries", "trusted_registries": key = "trustedRegistries"
            case "trustedPublishers", "trusted-publishers", "trusted_publishers": key = "trustedPublishers"
            case "failureThreshold", "failure-threshold", "failure_threshold": key = "failureThreshold"
            case "target": key = "target"
            default:
                throw fail(number, "unknown key '\(rawKey.prefix(60))' (supported: ignored, trustedRegistries, trustedPublishers, failureThreshold, target)")
            }
            guard seenKeys.insert(key).inserted else { throw fail(number, "duplicate key '\(rawKey)'") }
            currentListKey = nil
            switch key {
            case "ignored", "trustedRegistries", "trustedPublishers":
                if valuePart.isEmpty {
                    currentListKey = key
                } else if valuePart.hasPrefix("[") {
                    guard valuePart.hasSuffix("]") else { throw fail(number, "a [list] must close on the same line") }
                    let inner = valuePart.dropFirst().dropLast()
                    for item in inner.split(separator: ",") {
                        let value = try scalar(item, line: number)
                        if !value.isEmpty { append(value, to: key) }
                    }
                } else {
                    // hadolint allows a single string for trustedRegistries.
                    append(try scalar(valuePart[...], line: number), to: key)
                }
            case "failureThreshold":
                let value = try scalar(valuePart[...], line: number).lowercased()
                if value == "none" || value == "ignore" {
                    threshold = nil
                } else if let severity = LintSeverity(rawValue: value) {
                    threshold = severity
                } else {
                    throw fail(number, "failureThreshold must be error, warning, info, style or none, not '\(value.prefix(40))'")
                }
            default:
                let value = try scalar(valuePart[...], line: number)
                guard !value.isEmpty else { throw fail(number, "target needs a stage name") }
                target = value
            }
        }
        for id in ignored where LintRule.moatIDs(for: id).isEmpty && !id.uppercased().hasPrefix("DL") && !id.uppercased().hasPrefix("SC") {
            throw LintConfigError(path: path, line: 0, message: "unknown rule id '\(id.prefix(40))' in ignored")
        }
        return LintConfig(
            ignored: Set(ignored), trustedRegistries: registries, trustedPublishers: publishers, failureThreshold: threshold, target: target)
    }
}

/// A `.moat.yaml` that is not in the supported subset.
public struct LintConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based line, or 0 when the problem is not tied to a line.
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
}

/// One finding.
public struct LintFinding: Sendable, Equatable, Codable {
    public var ruleID: String
    public var severity: LintSeverity
    public var path: String
    public var line: Int
    public var column: Int?
    public var message: String
    public var hadolintID: String?

    public init(ruleID: String, severity: LintSeverity, path: String, line: Int, column: Int? = nil, message: String, hadolintID: String?) {
        self.ruleID = ruleID
        self.severity = severity
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.hadolintID = hadolintID
    }

    enum CodingKeys: String, CodingKey {
        case ruleID = "code", severity = "level", path = "file", line, column, message, hadolintID = "hadolint"
    }

    /// `path:line RULE severity: message (hadolint: DLxxxx)`.
    public var formatted: String {
        var text = "\(path):\(line) \(ruleID) \(severity.rawValue): \(message)"
        if let hadolintID { text += " (hadolint: \(hadolintID))" }
        return text
    }
}

/// Output of a lint run.
public enum LintOutput {
    /// One line per finding.
    public static func text(_ findings: [LintFinding]) -> String {
        findings.map(\.formatted).joined(separator: "\n") + (findings.isEmpty ? "" : "\n")
    }

    /// A JSON array of `{code, level, file, line, column, message, hadolint}` (hadolint's json keys plus `hadolint`).
    public static func json(_ findings: [LintFinding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(findings), as: UTF8.self)
    }
}
