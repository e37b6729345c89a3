import Foundation

/// Options for `KubesecScanner.scan`.
public struct KubesecScanOptions: Sendable {
    /// kubesec's `--rules` / `?rule=`: only these ids are evaluated, in this order (duplicates count twice).
    public var ruleIDs: [String]?
    /// Adds the image rules (`ImageRules.all`). Off by default so output stays kubesec-compatible.
    public var includeImageChecks: Bool
    public var imagePolicy: ImagePolicy
    public var limits: ManifestLimits
    public var yamlErrors: YAMLErrorPolicy

    public init(
        ruleIDs: [String]? = nil,
        includeImageChecks: Bool = false,
        imagePolicy: ImagePolicy = ImagePolicy(),
        limits: ManifestLimits = .default,
        yamlErrors: YAMLErrorPolicy = .reportDocument
    ) {
        self.ruleIDs = ruleIDs
        self.includeImageChecks = includeImageChecks
        self.imagePolicy = imagePolicy
        self.limits = limits
        self.yamlErrors = yamlErrors
    }
}

public enum KubesecScanner {
    public static let notSupportedMessage = "This resource kind is not supported by kubesec"

    /// Scans every document of `data` and returns one report per document, in document order.
    /// `fileName` is copied into each report (`STDIN` for stdin, `API` for the HTTP server in kubesec).
    public static func scan(
        data: Data, fileName: String, options: KubesecScanOptions = KubesecScanOptions()
    ) throws(ManifestInputError) -> [KubesecResult] {
        let rules = try selectRules(options)
        let documents = try ManifestDocuments.decode(data, limits: options.limits, yamlErrors: options.yamlErrors)
        return documents.map { scan(document: $0, fileName: fileName, rules: rules) }
    }

    /// Exit code as kubesec's CLI computes it: 0 only when there are reports and every score is > 0.
    public static func exitCode(for results: [KubesecResult], failureCode: Int32 = 2) -> Int32 {
        !results.isEmpty && results.allSatisfy { $0.score > 0 } ? 0 : failureCode
    }

    /// The rules to evaluate, validating `--rules` ids first (unknown ids in request order).
    public static func selectRules(_ options: KubesecScanOptions) throws(ManifestInputError) -> [KubesecRule] {
        let available = KubesecRules.all + (options.includeImageChecks ? ImageRules.rules(policy: options.imagePolicy) : [])
        guard let requested = options.ruleIDs else { return available }
        let byID = Dictionary(available.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let unknown = requested.filter { byID[$0] == nil }
        guard unknown.isEmpty else { throw .invalidRuleIDs(unknown) }
        return requested.compactMap { byID[$0] }
    }

    static func scan(document: ManifestDocument, fileName: String, rules: [KubesecRule]) -> KubesecResult {
        switch document {
        case .failure(let message):
            return KubesecResult(object: "Unknown", valid: false, fileName: fileName, message: message, score: 0, scoring: KubesecScoring())
        case .value(let value):
            let object = objectName(value)
            if let problem = ManifestValidation.structuralProblem(value) {
                return KubesecResult(object: object, valid: false, fileName: fileName, message: problem, score: 0, scoring: KubesecScoring())
            }
            return score(value, object: object, fileName: fileName, rules: rules)
        }
    }

    static func score(_ value: ManifestValue, object: String, fileName: String, rules: [KubesecRule]) -> KubesecResult {
        let kind = value["kind"]?.stringValue
        // A null (comment-only) document has no kind: kubesec's kind lookup errors and every rule runs with 0 matches.
        let applicable = value == .null ? rules : rules.filter { rule in kind.map { rule.kinds.contains($0) } ?? false }
        guard !applicable.isEmpty else {
            return KubesecResult(object: object, valid: true, fileName: fileName, message: notSupportedMessage, score: 0, scoring: KubesecScoring())
        }
        let context = RuleContext(object: value, kind: kind)
        var total = 0
        var scoring = KubesecScoring()
        for rule in applicable {
            let matched = value != .null && rule.matches(context) > 0
            let entry = KubesecRuleResult(id: rule.id, selector: rule.selector, reason: rule.reason, points: rule.points)
            if matched {
                total += rule.points
                if rule.points >= 0 { scoring.passed.append(entry) } else { scoring.critical.append(entry) }
            } else if rule.points >= 0 {
                scoring.advise.append(entry)
            }
        }
        scoring.critical.sort(by: ordered)
        scoring.passed.sort(by: ordered)
        scoring.advise.sort(by: ordered)
        let message = total >= 0 ? "Passed with a score of \(total) points" : "Failed with a score of \(total) points"
        return KubesecResult(object: object, valid: true, fileName: fileName, message: message, score: total, scoring: scoring)
    }

    /// kubesec's sort: higher points first when either is positive, more negative first when both are ≤ 0,
    /// ties broken by selector in byte order.
    static func ordered(_ lhs: KubesecRuleResult, _ rhs: KubesecRuleResult) -> Bool {
        if lhs.points != rhs.points {
            if lhs.points > 0 || rhs.points > 0 { return lhs.points > rhs.points }
            return lhs.points < rhs.points
        }
        return Array(lhs.selector.utf8).lexicographicallyPrecedes(Array(rhs.selector.utf8))
    }

    /// `<kind>/<name>.<namespace>`, or `Unknown` without a kind (§3).
    public static func objectName(_ value: ManifestValue) -> String {
        guard let kind = value["kind"], kind != .null else { return "Unknown" }
        let name = value.nonNull(at: ["metadata", "name"])?.goText ?? "undefined"
        let namespace = value.nonNull(at: ["metadata", "namespace"])?.goText ?? "default"
        return "\(kind.goText)/\(name).\(namespace)"
    }
}

/// The schema-independent part of kubeconform's checks, with its message texts. Full schema
/// validation needs bundled Kubernetes schemas and is not implemented here.
public enum ManifestValidation {
    /// nil when the document passes; otherwise the message kubesec would print.
    public static func structuralProblem(_ value: ManifestValue) -> String? {
        switch value {
        case .null:
            return nil  // kubeconform: empty resource, no message
        case .object(let members):
            if let problem = signatureProblem(members) { return problem }
            if members["kind"]?.stringValue == "List", let items = members["items"]?.arrayValue {
                let text = items.compactMap { item -> String? in
                    item == .null ? nil : structuralProblem(item)
                }.joined()
                return text.isEmpty ? nil : text
            }
            return nil
        default:
            return "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + jsonTypeName(value) + " into Go value of type map[string]interface {}"
        }
    }

    static func signatureProblem(_ members: [String: ManifestValue]) -> String? {
        guard let kind = members["kind"]?.stringValue, !kind.isEmpty else { return "error while parsing: missing 'kind' key" }
        guard let apiVersion = members["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            return "error while parsing: missing 'apiVersion' key"
        }
        return nil
    }

    static func jsonTypeName(_ value: ManifestValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
