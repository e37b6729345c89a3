public import OCIModel

/// The rules, as named in policy files; `reference` is the check that the image string parses at all.
public enum RuleName: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case reference
    case allowedRegistries
    case requireDigest
    case pinDigests
    case forbiddenTags
    case requireSignature
    case vulnerabilities
    case footprint

    public var description: String { rawValue }
}

/// The result of one rule on one image.
public struct RuleResult: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// The rule holds.
        case passed
        /// The rule does not hold: a denial in enforce mode, a warning in audit mode.
        case violated
        /// A fact the rule needs could not be gathered and `failurePolicy` is closed: counts as `violated`.
        case unavailable
        /// A fact the rule needs could not be gathered and `failurePolicy` is open: allowed with a warning.
        case failedOpen
        /// Not checked, because an enforce rule that needs no facts already denies the image (no registry,
        /// verifier or scanner is asked about an image that cannot be admitted anyway).
        case skipped
    }

    public var rule: RuleName
    public var mode: RuleMode
    public var outcome: Outcome
    /// Specific and stable, e.g. `registry not allowed (allowed: ghcr.io/acme/**)`.
    public var message: String

    public init(rule: RuleName, mode: RuleMode, outcome: Outcome, message: String) {
        self.rule = rule
        self.mode = mode
        self.outcome = outcome
        self.message = message
    }

    public var passed: Bool { outcome == .passed }
    /// A denial unless break-glass overrides it.
    public var isEnforceViolation: Bool { mode == .enforce && (outcome == .violated || outcome == .unavailable) }
    /// A warning in any case: an audit violation, or a fact that failed open.
    public var isAuditWarning: Bool {
        outcome == .failedOpen || (mode == .audit && (outcome == .violated || outcome == .unavailable))
    }
}

/// The decision for one `SubjectImage`.
public struct ImageDecision: Sendable {
    public var subject: SubjectImage
    /// Nil when the image string does not parse (which is a denial, rule `reference`).
    public var reference: ImageReference?
    /// The digest written in the reference, or resolved for a rule that needed it.
    public var digest: Digest?
    /// Set by `pinDigests` (enforce mode) when the image was not pinned: `registry/repo:tag@sha256:…`, the tag kept
    /// (Kyverno-style). The caller patches `subject.location` with it.
    public var pinnedImage: String?
    /// Every rule that applied, in evaluation order, passed or not.
    public var results: [RuleResult]

    public init(subject: SubjectImage, reference: ImageReference? = nil, digest: Digest? = nil, pinnedImage: String? = nil,
                results: [RuleResult] = []) {
        self.subject = subject
        self.reference = reference
        self.digest = digest
        self.pinnedImage = pinnedImage
        self.results = results
    }

    /// Whether an enforce rule denies this image (before break-glass).
    public var violatesEnforcedRule: Bool { results.contains(where: \.isEnforceViolation) }

    /// `image docker.io/library/nginx:1.27 (container app)`: how messages name the image (normalised; quoted,
    /// escaped and shortened as written when it does not parse).
    public var label: String {
        var text = "image " + (reference?.description ?? Self.quoted(subject.image))
        if let container = subject.container {
            text += " (\(subject.role) \(container))"
        } else if subject.role != .container {
            text += " (\(subject.role))"
        }
        return text
    }

    /// `"text"` with control characters, quotes and backslashes escaped and at most 200 characters, so an image
    /// string written by a user cannot break a message into lines.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == 200 {
                out += "…"
                break
            }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The decision for a whole subject: one verdict, with the results of every image.
public struct PolicyDecision: Sendable {
    /// False when any enforce rule is violated (and break-glass was not used).
    public var allowed: Bool
    /// One per `SubjectImage`, in the same order.
    public var images: [ImageDecision]
    /// Break-glass admitted the subject despite enforce violations (they are in `warnings`); audit it.
    public var breakGlassUsed: Bool
    /// The break-glass annotation's value when the subject carried one (e.g. a ticket), used or not.
    public var breakGlassTicket: String?

    public init(allowed: Bool, images: [ImageDecision], breakGlassUsed: Bool = false, breakGlassTicket: String? = nil) {
        self.allowed = allowed
        self.images = images
        self.breakGlassUsed = breakGlassUsed
        self.breakGlassTicket = breakGlassTicket
    }

    /// Enforce violations not overridden by break-glass.
    public var denials: [RuleResult] { denialEntries.map(\.result) }
    /// Audit violations, facts that failed open, and enforce violations overridden by break-glass.
    public var warnings: [RuleResult] { warningEntries.map(\.result) }
    /// One line per denial: `image docker.io/libraryevil/x:1 (container app): allowedRegistries: registry not allowed (allowed: …)`.
    public var message: String { denialLines.joined(separator: "\n") }
    /// The lines of `message`.
    public var denialLines: [String] { denialEntries.map { "\($0.image.label): \($0.result.rule): \($0.result.message)" } }
    /// One line per warning, as `denialLines`, ending in `[audit]`, `[failed open]` or `[break-glass]`.
    public var warningLines: [String] {
        warningEntries.map { entry in
            let tag = entry.result.outcome == .failedOpen ? "failed open" : entry.result.mode == .audit ? "audit" : "break-glass"
            return "\(entry.image.label): \(entry.result.rule): \(entry.result.message) [\(tag)]"
        }
    }
    /// Some fact could not be gathered and was let through because `failurePolicy` is open.
    public var failedOpen: Bool { images.contains { $0.results.contains { $0.outcome == .failedOpen } } }
    /// The images to patch: those `pinDigests` resolved.
    public var pinnedImages: [ImageDecision] { images.filter { $0.pinnedImage != nil } }

    /// What one result is in this decision: a denial, a warning, or neither (nil).
    public enum Finding: Sendable { case denial, warning }

    public func finding(_ result: RuleResult) -> Finding? {
        if result.isEnforceViolation { return breakGlassUsed ? .warning : .denial }
        return result.isAuditWarning ? .warning : nil
    }

    /// Every denial and warning in order, without building arrays (metrics walk this for every decision).
    public func forEachFinding(_ body: (_ image: ImageDecision, _ result: RuleResult, _ finding: Finding) -> Void) {
        for image in images {
            for result in image.results {
                if let found = finding(result) { body(image, result, found) }
            }
        }
    }

    private func entries(_ wanted: Finding) -> [(image: ImageDecision, result: RuleResult)] {
        var found: [(image: ImageDecision, result: RuleResult)] = []
        forEachFinding { image, result, finding in if finding == wanted { found.append((image, result)) } }
        return found
    }

    private var denialEntries: [(image: ImageDecision, result: RuleResult)] { entries(.denial) }
    private var warningEntries: [(image: ImageDecision, result: RuleResult)] { entries(.warning) }
}
