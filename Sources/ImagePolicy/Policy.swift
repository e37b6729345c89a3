public import OCIModel

/// An image policy: which images may run, shared by `moat policy check` (CI) and `moat serve`'s admission webhooks.
///
/// Load one with `Policy.load(contentsOf:)` or `Policy(yaml:baseDirectory:source:)`; the file format is documented in
/// `docs/policy.md` (schema: `docs/policy.schema.json`). Decide with `PolicyEngine`.
public struct Policy: Sendable {
    /// `apiVersion` of the file format.
    public static let apiVersion = "moat.dev/v1alpha1"
    /// `kind` of the file format.
    public static let kind = "ImagePolicy"

    /// What happens when a fact (digest, signatures, vulnerabilities, footprint) cannot be gathered.
    public var failurePolicy: FailurePolicy
    /// Admission despite enforce violations, when a pod carries the annotation; nil = no break-glass.
    public var breakGlass: BreakGlass?
    public var rules: PolicyRules
    /// Where the policy came from (a path, or the `source` given to `init(yaml:…)`), for messages.
    public var source: String
    /// Things that load but probably do not do what was meant (e.g. a break-glass annotation that the
    /// ImagePolicyWebhook never forwards). One line each, naming the file, line and field.
    public var warnings: [String]

    public init(failurePolicy: FailurePolicy = .closed, breakGlass: BreakGlass? = nil, rules: PolicyRules = PolicyRules(),
                source: String = "<policy>", warnings: [String] = []) {
        self.failurePolicy = failurePolicy
        self.breakGlass = breakGlass
        self.rules = rules
        self.source = source
        self.warnings = warnings
    }
}

/// `failurePolicy`: what a fact that cannot be gathered (registry down, timeout, scanner error) does.
public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
    /// Deny, with the error as the reason (the default).
    case closed
    /// Allow, with a warning saying what could not be checked.
    case open
}

/// `mode` of a rule.
public enum RuleMode: String, Sendable, Hashable, CaseIterable {
    /// A violation denies (the default).
    case enforce
    /// A violation is allowed with a warning.
    case audit
}

/// `breakGlass`: a pod annotation that admits it despite enforce violations; they become warnings and
/// `PolicyDecision.breakGlassUsed` is set so the caller audits it.
public struct BreakGlass: Sendable, Hashable {
    /// The pod annotation key; any non-empty value (e.g. an incident ticket) breaks the glass.
    public var annotation: String

    public init(annotation: String) {
        self.annotation = annotation
    }
}

/// Namespaces a rule applies to: globs (`*` matches any run of characters) on namespace names.
/// A subject without a namespace (a CI check) is in scope of every rule.
public struct NamespaceSelector: Sendable, Hashable {
    /// The rule applies to namespaces matching one of these (default `["*"]`: all).
    public var include: [String]
    /// …unless they match one of these (default: none).
    public var exclude: [String]

    public init(include: [String] = ["*"], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// All namespaces.
    public static let all = NamespaceSelector()

    /// Whether a subject in `namespace` is in scope; nil (no namespace, e.g. CI) always is.
    public func contains(_ namespace: String?) -> Bool {
        guard let namespace else { return true }
        return include.contains { Glob.matches($0, namespace) } && !exclude.contains { Glob.matches($0, namespace) }
    }
}

/// The rules of a policy; each is optional (nil or empty = not checked).
public struct PolicyRules: Sendable {
    public var allowedRegistries: AllowedRegistriesRule?
    public var requireDigest: RequireDigestRule?
    public var pinDigests: PinDigestsRule?
    public var forbiddenTags: ForbiddenTagsRule?
    /// Each entry applies to the images matching its scope.
    public var requireSignature: [SignatureRequirement]
    public var vulnerabilities: VulnerabilityRule?
    public var footprint: FootprintRule?

    public init(allowedRegistries: AllowedRegistriesRule? = nil, requireDigest: RequireDigestRule? = nil,
                pinDigests: PinDigestsRule? = nil, forbiddenTags: ForbiddenTagsRule? = nil,
                requireSignature: [SignatureRequirement] = [], vulnerabilities: VulnerabilityRule? = nil,
                footprint: FootprintRule? = nil) {
        self.allowedRegistries = allowedRegistries
        self.requireDigest = requireDigest
        self.pinDigests = pinDigests
        self.forbiddenTags = forbiddenTags
        self.requireSignature = requireSignature
        self.vulnerabilities = vulnerabilities
        self.footprint = footprint
    }

    /// No rule is configured.
    public var isEmpty: Bool {
        allowedRegistries == nil && requireDigest == nil && pinDigests == nil && forbiddenTags == nil
            && requireSignature.isEmpty && vulnerabilities == nil && footprint == nil
    }
}

/// `allowedRegistries`: the image's repository must match one of the patterns.
public struct AllowedRegistriesRule: Sendable, Hashable {
    public var mode: RuleMode
    public var namespaces: NamespaceSelector
    public var patterns: [ImagePattern]

    public init(patterns: [ImagePattern], mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.patterns = patterns
        self.mode = mode
        self.namespaces = namespaces
    }
}

/// `requireDigest`: the image must be pinned `@sha256:…` (or be pinned by `pinDigests`, when that applies too).
public struct RequireDigestRule: Sendable, Hashable {
    public var mode: RuleMode
    public var namespaces: NamespaceSelector

    public init(mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.mode = mode
        self.namespaces = namespaces
    }
}

/// `pinDigests`: resolve a tag to its digest and patch the image to `name:tag@sha256:…` (mutating webhooks).
/// In audit mode the digest is resolved and reported, but `ImageDecision.pinnedImage` stays nil (no patch).
public struct PinDigestsRule: Sendable, Hashable {
    public var mode: RuleMode
    public var namespaces: NamespaceSelector

    public init(mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.mode = mode
        self.namespaces = namespaces
    }
}

/// `forbiddenTags`: tags (globs, `*` within the tag) an image may not use. An image with neither tag nor digest
/// counts as `latest`; a digest does not excuse a forbidden tag written next to it.
public struct ForbiddenTagsRule: Sendable, Hashable {
    public var mode: RuleMode
    public var namespaces: NamespaceSelector
    public var tags: [String]

    public init(tags: [String] = ["latest"], mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.tags = tags
        self.mode = mode
        self.namespaces = namespaces
    }
}

/// A public key named by `requireSignature[].keys`: read (not yet parsed) when the policy loads.
public struct PolicyKey: Sendable, Hashable {
    /// The path as written in the policy, or `inline` for a PEM written in the policy itself.
    public var source: String
    /// The absolute path the key was read from; nil for an inline key.
    public var path: String?
    /// The PEM text (one or more `-----BEGIN …-----` blocks).
    public var pem: String

    public init(source: String, path: String? = nil, pem: String) {
        self.source = source
        self.path = path
        self.pem = pem
    }
}

/// One `requireSignature` entry: images matching `scope` must carry a signature that verifies with one of `keys`
/// and whose signed annotations include `annotations`. Passed to `ImageFacts.signatures(of:digest:requirement:)`.
public struct SignatureRequirement: Sendable, Hashable {
    /// Position in the policy's `requireSignature` list (0-based), for messages.
    public var index: Int
    /// Images this entry applies to; empty = every image.
    public var scope: [ImagePattern]
    public var keys: [PolicyKey]
    /// Annotations the signature must carry (`cosign verify -a key=value`).
    public var annotations: [String: String]
    public var mode: RuleMode
    public var namespaces: NamespaceSelector

    public init(index: Int = 0, scope: [ImagePattern] = [], keys: [PolicyKey], annotations: [String: String] = [:],
                mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.index = index
        self.scope = scope
        self.keys = keys
        self.annotations = annotations
        self.mode = mode
        self.namespaces = namespaces
    }

    /// Whether the entry covers this image (its scope, not its namespaces).
    public func covers(_ reference: ImageReference) -> Bool {
        scope.isEmpty || scope.contains { $0.matches(reference) }
    }

    /// `keys/team.pub, inline` for messages.
    public var keyList: String { keys.map(\.source).joined(separator: ", ") }
}
