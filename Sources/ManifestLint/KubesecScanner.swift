import Foundation
import KubeSchema

/// Options for `KubesecScanner.scan`.
public struct KubesecScanOptions: Sendable {
    /// kubesec's `--rules` / `?rule=`: only these ids are evaluated, in this order (duplicates count twice).
    public var ruleIDs: [String]?
    /// Adds the image rules (`ImageRules.all`). Off by default so output stays kubesec-compatible.
    public var includeImageChecks: Bool
    public var imagePolicy: ImageRuleSettings
    public var limits: ManifestLimits
    public var yamlErrors: YAMLErrorPolicy
    /// Schema validation before scoring, as kubesec runs kubeconform (§4). nil turns it off
    /// (`--skip-schema-validation`; kubesec itself has no such switch).
    public var schemaValidator: KubernetesSchemaValidator?

    public init(
        ruleIDs: [String]? = nil,
        includeImageChecks: Bool = false,
        imagePolicy: ImageRuleSettings = ImageRuleSettings(),
        limits: ManifestLimits = .default,
        yamlErrors: YAMLErrorPolicy = .reportDocument,
        schemaValidator: KubernetesSchemaValidator? = .bundled
    ) {
        self.ruleIDs = ruleIDs
        self.includeImageChecks = includeImageChecks
        self.imagePolicy = imagePolicy
        self.limits = limits
        self.yamlErrors = yamlErrors
        self.schemaValidator = schemaValidator
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
        return documents.map { scan(document: $0, fileName: fileName, rules: rules, validator: options.schemaValidator) }
    }

    /// Compiles the schemas of the kinds kubesec scores, so that a long-running server does not compile them
    /// while answering its first requests. Does nothing when schema validation is off.
    public static func prepareSchemaValidation(_ options: KubesecScanOptions) {
        options.schemaValidator?.warmUp([
            ("Pod", "v1"), ("Deployment", "apps/v1"), ("StatefulSet", "apps/v1"), ("DaemonSet", "apps/v1"),
            ("ReplicaSet", "apps/v1"), ("Job", "batch/v1"), ("CronJob", "batch/v1"),
            ("RoleBinding", "rbac.authorization.k8s.io/v1"), ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
        ])
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

    static func scan(
        document: ManifestDocument, fileName: String, rules: [KubesecRule], validator: KubernetesSchemaValidator?
    ) -> KubesecResult {
        let value: ManifestValue
        var strictDecodingError: String?
        switch document {
        case .failure(let message):
            return KubesecResult(object: "Unknown", valid: false, fileName: fileName, message: message, score: 0, scoring: KubesecScoring())
        case .value(let decoded):
            value = decoded
        case .repeatedKeys(let decoded, let error):
            value = decoded
            strictDecodingError = error
        }
        let object = objectName(value)
        if let validator, let problem = validationMessage(value, strictDecodingError: strictDecodingError, validator: validator) {
            return KubesecResult(object: object, valid: false, fileName: fileName, message: problem, score: 0, scoring: KubesecScoring())
        }
        return score(value, object: object, fileName: fileName, rules: rules)
    }

    /// kubesec's report message from kubeconform's results: an Invalid result's text plus a newline, an
    /// Error's text as it is, concatenated over a List's items; nil when there is nothing to say.
    static func validationMessage(
        _ value: ManifestValue, strictDecodingError: String?, validator: KubernetesSchemaValidator
    ) -> String? {
        var message = ""
        for outcome in validator.validate(value.jsonValue, strictDecodingError: strictDecodingError) {
            switch outcome {
            case .invalid(let text): message += text + "\n"
            case .error(let text): message += text
            case .valid, .empty: break
            }
        }
        return message.isEmpty ? nil : message
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
        return lhs.selector.utf8.lexicographicallyPrecedes(rhs.selector.utf8)
    }

    /// `<kind>/<name>.<namespace>`, or `Unknown` without a kind (§3).
    public static func objectName(_ value: ManifestValue) -> String {
        guard let kind = value["kind"], kind != .null else { return "Unknown" }
        let name = value.nonNull(at: ["metadata", "name"])?.goText ?? "undefined"
        let namespace = value.nonNull(at: ["metadata", "namespace"])?.goText ?? "default"
        return "\(kind.goText)/\(name).\(namespace)"
    }
}
