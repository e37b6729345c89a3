public import Foundation
import OCIModel
import YAMLGuard
import Yams

extension Policy {
    /// Limits applied while reading a policy (and its key files), which may come from an untrusted ConfigMap.
    public enum Limits {
        /// Largest policy file read.
        public static let maxFileBytes = 1 << 20
        /// Largest key file read.
        public static let maxKeyFileBytes = 64 << 10
        /// Deepest nesting accepted (a valid policy needs about 6 levels).
        public static let maxDepth = 32
        /// Most YAML values visited (aliases count each time they are used).
        public static let maxNodes = 100_000
    }

    /// Reads and validates the policy file at `path`; relative key paths are resolved against its directory.
    /// - Throws: `PolicyError` naming the file, line, column and field of the first problem.
    public static func load(contentsOf path: String) throws(PolicyError) -> Policy {
        let bytes = try readFile(path, limit: Limits.maxFileBytes) { reason in
            PolicyError(.unreadableFile, file: path, problem: reason)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PolicyError(.unreadableFile, file: path, problem: "not UTF-8 text")
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        return try Policy(yaml: text, baseDirectory: directory, source: path)
    }

    /// Reads and validates the policy file at `url` (a file URL); see `load(contentsOf:)` for paths.
    public static func load(contentsOf url: URL) throws(PolicyError) -> Policy {
        try load(contentsOf: url.path)
    }

    /// Parses and validates a policy.
    /// - Parameters:
    ///   - yaml: the policy text.
    ///   - baseDirectory: the directory relative `keys` paths are resolved against; nil refuses relative paths.
    ///   - source: how errors name the policy (its path, or e.g. `configmap image-policy/policy.yaml`).
    /// - Throws: `PolicyError` naming `source`, the line, column and field of the first problem.
    public init(yaml: String, baseDirectory: String? = nil, source: String = "<policy>") throws(PolicyError) {
        let bytes = Array(yaml.utf8)
        guard bytes.count <= Limits.maxFileBytes else {
            throw PolicyError(.unreadableFile, file: source, problem: "larger than the limit of \(Limits.maxFileBytes) bytes")
        }
        let scan = YAMLPreScanner.scan(bytes)
        if scan.depth > Limits.maxDepth {
            throw PolicyError(.limitExceeded, file: source, problem: "nested deeper than \(Limits.maxDepth) levels")
        }
        if scan.hasAliasOrComplexKey {
            throw PolicyError(.limitExceeded, file: source,
                              problem: "aliases and complex values (`? `) are not supported as mapping keys")
        }
        let root: Node
        do {
            let parser = try Parser(yaml: yaml)
            guard let first = try parser.nextRoot() else {
                throw PolicyError(.syntax, file: source,
                                  problem: "the policy is empty; it starts with apiVersion: \(Policy.apiVersion) and kind: \(Policy.kind)")
            }
            // Empty documents after the policy (a trailing `---`) are harmless; a second policy is not.
            while let next = try parser.nextRoot() {
                if case .scalar(let scalar) = next, PolicyDocumentReader.tag(next) == .null, scalar.string.isEmpty { continue }
                throw PolicyError(.syntax, file: source, line: next.mark?.line, column: next.mark?.column,
                                  problem: "a policy file holds one YAML document; remove the second one (after `---`)")
            }
            root = first
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            throw PolicyDocumentReader.syntaxError(error, file: source)
        } catch {
            throw PolicyError(.syntax, file: source, problem: "invalid YAML")
        }
        var reader = PolicyDocumentReader(file: source, baseDirectory: baseDirectory)
        self = try reader.policy(root)
    }

    /// Reads at most `limit` bytes of a regular file.
    static func readFile(_ path: String, limit: Int, _ failure: (String) -> PolicyError) throws(PolicyError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw failure("no such file") }
        if isDirectory.boolValue { throw failure("is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw failure("not readable (permission denied?)") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw failure("read failed")
        }
        guard data.count <= limit else { throw failure("larger than the limit of \(limit) bytes") }
        return Array(data)
    }
}

/// Turns a composed YAML tree into a `Policy`, strictly: every field known, every value of the right type.
struct PolicyDocumentReader {
    let file: String
    let baseDirectory: String?
    private var budget = Policy.Limits.maxNodes
    private var warnings: [String] = []

    init(file: String, baseDirectory: String?) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    private typealias Entries = [(key: String, keyNode: Node, value: Node)]

    mutating func policy(_ root: Node) throws(PolicyError) -> Policy {
        let entries = try mapping(root, "")
        try checkFields(entries, ["apiVersion", "kind", "failurePolicy", "breakGlass", "rules"], "")
        let apiVersion = try string(try required(entries, "apiVersion", "", parent: root), "apiVersion")
        guard apiVersion.value == Policy.apiVersion else {
            throw fail(.invalidValue, apiVersion.node, "apiVersion", "\"\(apiVersion.value)\" is not supported; use \(Policy.apiVersion)")
        }
        let kind = try string(try required(entries, "kind", "", parent: root), "kind")
        guard kind.value == Policy.kind else {
            throw fail(.invalidValue, kind.node, "kind", "\"\(kind.value)\" is not a policy kind; use \(Policy.kind)")
        }
        var policy = Policy(source: file)
        if let node = entries.value("failurePolicy") {
            policy.failurePolicy = try choice(node, "failurePolicy", FailurePolicy.self)
        }
        if let node = entries.value("breakGlass") {
            policy.breakGlass = try breakGlass(node)
        }
        if let node = entries.value("rules") {
            policy.rules = try rules(node)
        }
        if policy.rules.isEmpty {
            warn(entries.first { $0.key == "rules" }?.keyNode ?? root, "",
                 "the policy has no rules: only unparseable image references are denied")
        }
        policy.warnings = warnings
        return policy
    }

    // MARK: - Sections

    private mutating func breakGlass(_ node: Node) throws(PolicyError) -> BreakGlass {
        let field = "breakGlass"
        let entries = try mapping(node, field)
        try checkFields(entries, ["annotation"], field)
        let annotation = try string(try required(entries, "annotation", field, parent: node), field + ".annotation")
        let key = annotation.value
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = parts.last, parts.count <= 2, !name.isEmpty, name.count <= 63, parts.allSatisfy({ !$0.isEmpty }),
              key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }) else {
            throw fail(.invalidValue, annotation.node, field + ".annotation",
                       "\"\(key)\" is not an annotation key ([PREFIX/]NAME, e.g. break-glass.image-policy.k8s.io/ticket)")
        }
        if !key.contains(".image-policy.k8s.io/") {
            warn(annotation.node, field + ".annotation",
                 "the ImagePolicyWebhook forwards only annotations whose key contains \".image-policy.k8s.io/\"; "
                     + "\"\(key)\" works with AdmissionReview webhooks only")
        }
        return BreakGlass(annotation: key)
    }

    private mutating func rules(_ node: Node) throws(PolicyError) -> PolicyRules {
        let field = "rules"
        let entries = try mapping(node, field)
        try checkFields(entries, RuleName.allCases.filter { $0 != .reference }.map(\.rawValue), field)
        var rules = PolicyRules()
        if let value = entries.value("allowedRegistries") {
            let path = field + ".allowedRegistries"
            let section = try ruleSection(value, path, extra: ["patterns"])
            let list = try stringList(try required(section.entries, "patterns", path, parent: value), path + ".patterns", nonEmpty: true)
            var patterns: [ImagePattern] = []
            for (index, item) in list.enumerated() {
                do {
                    patterns.append(try ImagePattern(parsing: item.value))
                } catch {
                    throw fail(.invalidValue, item.node, "\(path).patterns[\(index)]", error.description)
                }
            }
            rules.allowedRegistries = AllowedRegistriesRule(patterns: patterns, mode: section.mode, namespaces: section.namespaces)
        }
        if let value = entries.value("requireDigest") {
            let section = try ruleSection(value, field + ".requireDigest", extra: [])
            rules.requireDigest = RequireDigestRule(mode: section.mode, namespaces: section.namespaces)
        }
        if let value = entries.value("pinDigests") {
            let section = try ruleSection(value, field + ".pinDigests", extra: [])
            rules.pinDigests = PinDigestsRule(mode: section.mode, namespaces: section.namespaces)
        }
        if let value = entries.value("forbiddenTags") {
            let path = field + ".forbiddenTags"
            let section = try ruleSection(value, path, extra: ["tags"])
            var tags = ["latest"]
            if let node = section.entries.value("tags") {
                let list = try stringList(node, path + ".tags", nonEmpty: true)
                for (index, item) in list.enumerated() where !Self.isTagGlob(item.value) {
                    throw fail(.invalidValue, item.node, "\(path).tags[\(index)]",
                               "\"\(item.value)\" is not a tag (letters, digits, \"_\", \".\", \"-\", at most 128, not starting "
                                   + "with \".\" or \"-\"; `*` matches any characters)")
                }
                tags = list.map(\.value)
            }
            rules.forbiddenTags = ForbiddenTagsRule(tags: tags, mode: section.mode, namespaces: section.namespaces)
        }
        if let value = entries.value("requireSignature") {
            rules.requireSignature = try signatureRequirements(value, field + ".requireSignature")
        }
        if let value = entries.value("vulnerabilities") {
            rules.vulnerabilities = try vulnerabilities(value, field + ".vulnerabilities")
        }
        if let value = entries.value("footprint") {
            let path = field + ".footprint"
            let section = try ruleSection(value, path, extra: ["deny"])
            let list = try stringList(try required(section.entries, "deny", path, parent: value), path + ".deny", nonEmpty: true)
            var deny: Set<FootprintCategory> = []
            for (index, item) in list.enumerated() {
                guard let category = FootprintCategory(rawValue: item.value) else {
                    throw fail(.invalidValue, item.node, "\(path).deny[\(index)]",
                               "unknown category \"\(item.value)\" (expected one of: "
                                   + FootprintCategory.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                deny.insert(category)
            }
            rules.footprint = FootprintRule(deny: deny, mode: section.mode, namespaces: section.namespaces)
        }
        return rules
    }

    private struct RuleSection {
        var entries: Entries
        var mode: RuleMode
        var namespaces: NamespaceSelector
    }

    /// A rule's mapping with the fields every rule has (`mode`, `namespaces`) and its own `extra` ones.
    private mutating func ruleSection(_ node: Node, _ field: String, extra: [String]) throws(PolicyError) -> RuleSection {
        if case .scalar = node, Self.tag(node) == .null {
            throw fail(.wrongType, node, field, "expected a mapping, found nothing; write `{}` for the defaults (mode: enforce)")
        }
        let entries = try mapping(node, field)
        try checkFields(entries, ["mode", "namespaces"] + extra, field)
        var section = RuleSection(entries: entries, mode: .enforce, namespaces: .all)
        if let value = entries.value("mode") { section.mode = try choice(value, field + ".mode", RuleMode.self) }
        if let value = entries.value("namespaces") { section.namespaces = try namespaces(value, field + ".namespaces") }
        return section
    }

    private mutating func namespaces(_ node: Node, _ field: String) throws(PolicyError) -> NamespaceSelector {
        let entries = try mapping(node, field)
        try checkFields(entries, ["include", "exclude"], field)
        var selector = NamespaceSelector()
        for name in ["include", "exclude"] {
            guard let value = entries.value(name) else { continue }
            let path = field + "." + name
            let list = try stringList(value, path, nonEmpty: name == "include")
            for (index, item) in list.enumerated() where !Self.isNamespaceGlob(item.value) {
                throw fail(.invalidValue, item.node, "\(path)[\(index)]",
                           "\"\(item.value)\" is not a namespace name or glob (lower-case letters, digits, \"-\", and `*` "
                               + "for any characters; at most 63)")
            }
            if name == "include" { selector.include = list.map(\.value) } else { selector.exclude = list.map(\.value) }
        }
        return selector
    }

    private mutating func signatureRequirements(_ node: Node, _ field: String) throws(PolicyError) -> [SignatureRequirement] {
        guard case .sequence(let sequence) = node else {
            throw fail(.wrongType, node, field, "expected a list of entries (`- scope: […]`), found \(Self.kindName(node))")
        }
        guard !sequence.isEmpty else {
            throw fail(.invalidValue, node, field, "the list is empty; remove requireSignature or add an entry")
        }
        var requirements: [SignatureRequirement] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(field)[\(index)]"
            let section = try ruleSection(item, path, extra: ["scope", "keys", "annotations"])
            var scope: [ImagePattern] = []
            if let value = section.entries.value("scope") {
                for (patternIndex, entry) in try stringList(value, path + ".scope", nonEmpty: true).enumerated() {
                    do {
                        scope.append(try ImagePattern(parsing: entry.value))
                    } catch {
                        throw fail(.invalidValue, entry.node, "\(path).scope[\(patternIndex)]", error.description)
                    }
                }
            }
            let keyNodes = try stringList(try required(section.entries, "keys", path, parent: item), path + ".keys", nonEmpty: true)
            var keys: [PolicyKey] = []
            for (keyIndex, entry) in keyNodes.enumerated() {
                keys.append(try key(entry.value, entry.node, "\(path).keys[\(keyIndex)]"))
            }
            var annotations: [String: String] = [:]
            if let value = section.entries.value("annotations") {
                let annotationPath = path + ".annotations"
                for entry in try mapping(value, annotationPath) {
                    guard case .scalar(let scalar) = entry.value, Self.tag(entry.value) != .null else {
                        throw fail(.wrongType, entry.value, "\(annotationPath).\(entry.key)",
                                   "expected a string value, found \(Self.kindName(entry.value))")
                    }
                    annotations[entry.key] = scalar.string
                }
            }
            requirements.append(SignatureRequirement(index: index, scope: scope, keys: keys, annotations: annotations,
                                                     mode: section.mode, namespaces: section.namespaces))
        }
        return requirements
    }

    private mutating func vulnerabilities(_ node: Node, _ field: String) throws(PolicyError) -> VulnerabilityRule {
        let section = try ruleSection(node, field, extra: ["blockSeverities", "ignoreUnfixed", "allow"])
        let list = try stringList(try required(section.entries, "blockSeverities", field, parent: node), field + ".blockSeverities",
                                  nonEmpty: true)
        var severities: [String] = []
        for (index, item) in list.enumerated() {
            let severity = item.value.uppercased()
            guard VulnerabilityRule.severities.contains(severity) else {
                throw fail(.invalidValue, item.node, "\(field).blockSeverities[\(index)]",
                           "unknown severity \"\(item.value)\" (expected one of: \(VulnerabilityRule.severities.joined(separator: ", ")))")
            }
            if !severities.contains(severity) { severities.append(severity) }
        }
        var ignoreUnfixed = false
        if let value = section.entries.value("ignoreUnfixed") { ignoreUnfixed = try bool(value, field + ".ignoreUnfixed") }
        var allow: [VulnerabilityAllowance] = []
        if let value = section.entries.value("allow") {
            guard case .sequence(let sequence) = value else {
                throw fail(.wrongType, value, field + ".allow", "expected a list of entries (`- {id: CVE-…, expires: YYYY-MM-DD}`), "
                               + "found \(Self.kindName(value))")
            }
            for (index, item) in sequence.enumerated() {
                let path = "\(field).allow[\(index)]"
                let entries = try mapping(item, path)
                try checkFields(entries, ["id", "expires", "reason"], path)
                let id = try string(try required(entries, "id", path, parent: item), path + ".id")
                guard !id.value.isEmpty, id.value.count <= 128, !id.value.contains(where: \.isWhitespace) else {
                    throw fail(.invalidValue, id.node, path + ".id", "\"\(id.value)\" is not a vulnerability id (e.g. CVE-2024-1234)")
                }
                var expires: PolicyDate?
                if let dateNode = entries.value("expires") {
                    guard case .scalar(let scalar) = dateNode, let date = PolicyDate(parsing: scalar.string) else {
                        throw fail(.invalidValue, dateNode, path + ".expires",
                                   "\"\(Self.scalarText(dateNode))\" is not a date; write YYYY-MM-DD, e.g. 2027-01-31")
                    }
                    expires = date
                }
                var reason: String?
                if let reasonNode = entries.value("reason") { reason = try string(reasonNode, path + ".reason").value }
                allow.append(VulnerabilityAllowance(id: id.value, expires: expires, reason: reason))
            }
        }
        return VulnerabilityRule(blockSeverities: severities, ignoreUnfixed: ignoreUnfixed, allow: allow, mode: section.mode,
                                 namespaces: section.namespaces)
    }

    // MARK: - Keys

    private func key(_ text: String, _ node: Node, _ field: String) throws(PolicyError) -> PolicyKey {
        if text.contains("-----BEGIN ") {
            guard Self.containsPEMBlock(text) else {
                throw fail(.keyFile, node, field, "the inline key is not a complete PEM block (-----BEGIN …----- … -----END …-----)")
            }
            return PolicyKey(source: "inline", pem: text)
        }
        guard !text.isEmpty else { throw fail(.invalidValue, node, field, "the key path is empty") }
        if text.contains("://") {
            throw fail(.keyFile, node, field, "\"\(text)\": only key files and inline PEM are supported (no KMS or k8s:// references)")
        }
        let path: String
        if text.hasPrefix("/") {
            path = text
        } else if let baseDirectory {
            path = URL(fileURLWithPath: baseDirectory).appendingPathComponent(text).standardizedFileURL.path
        } else {
            throw fail(.keyFile, node, field, "\"\(text)\" is a relative path, but the policy was not read from a file; "
                           + "use an absolute path or inline PEM")
        }
        let bytes = try Policy.readFile(path, limit: Policy.Limits.maxKeyFileBytes) { reason in
            fail(.keyFile, node, field, "key file \(path): \(reason)")
        }
        guard let pem = String(validating: bytes, as: UTF8.self), Self.containsPEMBlock(pem) else {
            throw fail(.keyFile, node, field, "key file \(path) is not PEM text (expected -----BEGIN PUBLIC KEY-----)")
        }
        return PolicyKey(source: text, path: path, pem: pem)
    }

    /// At least one `-----BEGIN X-----` … `-----END X-----` pair with a body between.
    static func containsPEMBlock(_ text: String) -> Bool {
        guard let begin = text.range(of: "-----BEGIN "),
              let labelEnd = text.range(of: "-----", range: begin.upperBound..<text.endIndex) else { return false }
        let label = text[begin.upperBound..<labelEnd.lowerBound]
        guard !label.isEmpty, !label.contains("\n"),
              let end = text.range(of: "-----END \(label)-----", range: labelEnd.upperBound..<text.endIndex) else { return false }
        return !text[labelEnd.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    // MARK: - Typed access

    private mutating func mapping(_ node: Node, _ field: String) throws(PolicyError) -> Entries {
        try spend(node, field)
        guard case .mapping(let mapping) = node else {
            throw fail(.wrongType, node, field, "expected a mapping, found \(Self.kindName(node))")
        }
        var entries: Entries = []
        for (keyNode, value) in mapping {
            try spend(keyNode, field)
            guard case .scalar(let scalar) = keyNode else {
                throw fail(.wrongType, keyNode, field, "mapping keys must be strings")
            }
            if Self.tag(keyNode) == .merge && scalar.style == .plain {
                throw fail(.unknownField, keyNode, field, "merge keys (<<) are not supported; write the fields out")
            }
            entries.append((scalar.string, keyNode, value))
        }
        return entries
    }

    private func checkFields(_ entries: Entries, _ allowed: [String], _ field: String) throws(PolicyError) {
        for entry in entries where !allowed.contains(entry.key) {
            var problem = "unknown field \"\(entry.key)\""
            if let near = allowed.first(where: { $0.lowercased() == entry.key.lowercased() }) {
                problem += "; did you mean \"\(near)\"?"
            } else {
                problem += " (expected: \(allowed.joined(separator: ", ")))"
            }
            throw fail(.unknownField, entry.keyNode, field, problem)
        }
    }

    private func required(_ entries: Entries, _ name: String, _ field: String, parent: Node) throws(PolicyError) -> Node {
        guard let value = entries.value(name) else {
            throw fail(.missingField, parent, field, "missing required field \"\(name)\"")
        }
        return value
    }

    private mutating func string(_ node: Node, _ field: String) throws(PolicyError) -> (value: String, node: Node) {
        try spend(node, field)
        guard case .scalar(let scalar) = node, Self.tag(node) == .str else {
            if case .scalar = node, Self.tag(node) != .null {
                throw fail(.wrongType, node, field,
                           "expected a string, found \(Self.kindName(node)) \(Self.scalarText(node)); quote it if it is meant as text")
            }
            throw fail(.wrongType, node, field, "expected a string, found \(Self.kindName(node))")
        }
        return (scalar.string, node)
    }

    private mutating func stringList(_ node: Node, _ field: String, nonEmpty: Bool) throws(PolicyError) -> [(value: String, node: Node)] {
        try spend(node, field)
        guard case .sequence(let sequence) = node else {
            throw fail(.wrongType, node, field, "expected a list, found \(Self.kindName(node)); write [\"…\"] or one `- …` per line")
        }
        if nonEmpty && sequence.isEmpty {
            throw fail(.invalidValue, node, field, "the list is empty")
        }
        var items: [(value: String, node: Node)] = []
        for (index, item) in sequence.enumerated() {
            items.append(try string(item, "\(field)[\(index)]"))
        }
        return items
    }

    private mutating func bool(_ node: Node, _ field: String) throws(PolicyError) -> Bool {
        try spend(node, field)
        guard case .scalar = node, Self.tag(node) == .bool, let value = node.bool else {
            throw fail(.wrongType, node, field, "expected true or false, found \(Self.kindName(node)) \(Self.scalarText(node))")
        }
        return value
    }

    private mutating func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, _ field: String, _ type: Value.Type)
        throws(PolicyError) -> Value where Value.RawValue == String {
        let text = try string(node, field)
        guard let value = Value(rawValue: text.value) else {
            throw fail(.invalidValue, node, field,
                       "\"\(text.value)\" is not one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// Counts a visited value against `Limits.maxNodes` (aliases let a small file name the same subtree many times).
    private mutating func spend(_ node: Node, _ field: String) throws(PolicyError) {
        budget -= 1
        guard budget >= 0 else {
            throw fail(.limitExceeded, node, field, "more than \(Policy.Limits.maxNodes) values (a YAML alias bomb?)")
        }
    }

    // MARK: - Messages

    private mutating func warn(_ node: Node, _ field: String, _ message: String) {
        var location = file
        if let mark = node.mark { location += ":\(mark.line):\(mark.column)" }
        warnings.append(location + ": " + (field.isEmpty ? "" : field + ": ") + message)
    }

    private func fail(_ code: PolicyError.Code, _ node: Node, _ field: String, _ problem: String) -> PolicyError {
        PolicyError(code, file: file, line: node.mark?.line, column: node.mark?.column, field: field, problem: problem)
    }

    static func syntaxError(_ error: YamlError, file: String) -> PolicyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PolicyError(.syntax, file: file, line: mark.line, column: mark.column, problem: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PolicyError(.syntax, file: file, line: context.mark.line, column: context.mark.column,
                               problem: "duplicate key " + duplicates.map { "\"\($0)\"" }.joined(separator: ", "))
        case .reader(let problem, _, _, _):
            return PolicyError(.syntax, file: file, problem: "invalid YAML: \(problem)")
        default:
            return PolicyError(.syntax, file: file, problem: "invalid YAML")
        }
    }

    /// The resolved tag of a node (`str`, `int`, `null`…).
    static func tag(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    static func kindName(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tag(node) {
            case .null: return "nothing (null)"
            case .bool: return "a boolean"
            case .int: return "a number"
            case .float: return "a number"
            case .timestamp: return "a date"
            default: return "a string"
            }
        }
    }

    static func scalarText(_ node: Node) -> String {
        guard case .scalar(let scalar) = node else { return "" }
        let text = scalar.string
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    static func isTagGlob(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 128, first != ".", first != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-*".contains($0)) }
    }

    static func isNamespaceGlob(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63 && text.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "*" }
    }
}

private extension Array where Element == (key: String, keyNode: Node, value: Node) {
    func value(_ key: String) -> Node? { first { $0.key == key }?.value }
}
