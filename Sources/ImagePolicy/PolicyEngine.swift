public import Foundation
import OCIModel

/// Decides whether a subject's images satisfy a `Policy`.
///
/// Per image, in this order: the reference must parse (rule `reference`); then the rules that need no facts —
/// `allowedRegistries`, `requireDigest`, `forbiddenTags`; then the rules that need facts — `pinDigests` (digest),
/// `requireSignature` (digest, then signatures, per entry in scope), `vulnerabilities` and `footprint` (digest,
/// then the scan). An image already denied by an enforce rule of the first kind is not looked up at all: its
/// fact rules are reported `skipped`, so no registry, verifier or scanner is asked about an image that cannot
/// be admitted (and an attacker's registry is never contacted).
///
/// Each fact is fetched at most once per evaluation — per normalised reference for digests (`nginx` and
/// `docker.io/library/nginx:latest` are one), per repository and digest for the others — even when several
/// containers ask for it at the same time. Images are evaluated concurrently; signatures, vulnerabilities and
/// footprint of one image are fetched concurrently once its digest is known.
public struct PolicyEngine: Sendable {
    public let policy: Policy
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - policy: the policy to apply.
    ///   - now: the clock for `vulnerabilities.allow[].expires`; pass a fixed date in tests.
    private let parsedImages = BoundedCache<String, Parsed>(capacity: 4096)
    /// `keys: …; annotations: …` per `requireSignature` entry, written once: every verdict quotes it.
    private let signatureConstraintTexts: [Int: String]

    public init(policy: Policy, now: @escaping @Sendable () -> Date = Date.init) {
        self.policy = policy
        self.now = now
        var texts: [Int: String] = [:]
        for requirement in policy.rules.requireSignature { texts[requirement.index] = Self.signatureConstraints(requirement) }
        self.signatureConstraintTexts = texts
    }

    /// Evaluates every image; facts are only asked for when a rule in scope needs them, once per image reference,
    /// and concurrently across images. A fact that throws follows `failurePolicy` (closed: deny with the error as
    /// the reason; open: allow with a warning).
    public func evaluate(_ subject: PolicySubject, facts: any ImageFacts) async -> PolicyDecision {
        let instant = now()
        let memo = FactMemo(facts: facts, shares: subject.images.count > 1)
        let namespace = subject.namespace
        var decisions = subject.images.map { ImageDecision(subject: $0) }
        // The common admission case, one container, needs no task group (a decision costs microseconds when warm).
        if subject.images.count == 1, let image = subject.images.first {
            switch parse(image.image) {
            case .failure(let result):
                decisions[0].results = [result]
            case .success(let reference):
                let evaluation = await evaluate(reference, namespace: namespace, facts: memo, now: instant)
                decisions[0] = ImageDecision(subject: image, reference: reference, digest: evaluation.digest,
                                             pinnedImage: evaluation.pinnedImage, results: evaluation.results)
            }
        } else {
            await withTaskGroup(of: (Int, ImageDecision).self) { group in
                for (index, image) in subject.images.enumerated() {
                    switch parse(image.image) {
                    case .failure(let result):
                        decisions[index].results = [result]
                    case .success(let reference):
                        group.addTask {
                            let evaluation = await self.evaluate(reference, namespace: namespace, facts: memo, now: instant)
                            return (index, ImageDecision(subject: image, reference: reference, digest: evaluation.digest,
                                                         pinnedImage: evaluation.pinnedImage, results: evaluation.results))
                        }
                    }
                }
                for await (index, decision) in group { decisions[index] = decision }
            }
        }

        let violated = decisions.contains(where: \.violatesEnforcedRule)
        var ticket: String?
        if let breakGlass = policy.breakGlass, let value = subject.annotations[breakGlass.annotation],
           !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            ticket = value
        }
        let breakGlassUsed = violated && ticket != nil
        return PolicyDecision(allowed: !violated || breakGlassUsed, images: decisions, breakGlassUsed: breakGlassUsed,
                              breakGlassTicket: ticket)
    }

    // MARK: - One reference

    struct Evaluation: Sendable {
        var digest: Digest?
        var pinnedImage: String?
        var results: [RuleResult]
    }

    private enum Parsed {
        case success(ImageReference)
        case failure(RuleResult)
    }

    /// Parses through a small cache: clusters run the same few hundred images, and parsing is a visible share of a
    /// warm decision.
    private func parse(_ image: String) -> Parsed {
        parsedImages.value(for: image) { Self.parse(image) }
    }

    private static func parse(_ image: String) -> Parsed {
        func invalid(_ reason: String) -> Parsed {
            .failure(RuleResult(rule: .reference, mode: .enforce, outcome: .violated,
                                message: "cannot parse image reference \(ImageDecision.quoted(image)): \(reason)"))
        }
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: image)
        } catch {
            switch error {
            case .empty: return invalid("the image is empty")
            case .uppercaseRepository: return invalid("repository names must be lower-case")
            case .invalidReference: return invalid("not a valid reference (expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST])")
            }
        }
        if let written = reference.digest {
            do {
                _ = try Digest(parsing: written)
            } catch {
                return invalid("the digest is not a sha256 or sha512 digest of lower-case hex")
            }
        }
        return .success(reference)
    }

    private enum FactRule: Sendable {
        case signature(SignatureRequirement)
        case vulnerabilities(VulnerabilityRule)
        case footprint(FootprintRule)

        var name: RuleName {
            switch self {
            case .signature: .requireSignature
            case .vulnerabilities: .vulnerabilities
            case .footprint: .footprint
            }
        }

        var mode: RuleMode {
            switch self {
            case .signature(let requirement): requirement.mode
            case .vulnerabilities(let rule): rule.mode
            case .footprint(let rule): rule.mode
            }
        }
    }

    private func evaluate(_ reference: ImageReference, namespace: String?, facts: FactMemo, now: Date) async -> Evaluation {
        let rules = policy.rules
        var results: [RuleResult] = []
        // `Digest(parsing:)` succeeded in `parse` for any written digest.
        var digest = reference.digest.flatMap { try? Digest(parsing: $0) }

        // Rules that need no facts.
        if let rule = rules.allowedRegistries, rule.namespaces.contains(namespace) {
            results.append(Self.allowedRegistries(rule, reference))
        }
        let pinRule = rules.pinDigests.flatMap { $0.namespaces.contains(namespace) ? $0 : nil }
        var deferredRequireDigest: (index: Int, rule: RequireDigestRule)?
        if let rule = rules.requireDigest, rule.namespaces.contains(namespace) {
            if let digest {
                results.append(RuleResult(rule: .requireDigest, mode: rule.mode, outcome: .passed, message: "pinned to \(digest)"))
            } else if let pinRule, pinRule.mode == .enforce {
                deferredRequireDigest = (results.count, rule)
                results.append(RuleResult(rule: .requireDigest, mode: rule.mode, outcome: .passed, message: ""))
            } else {
                results.append(RuleResult(
                    rule: .requireDigest, mode: rule.mode, outcome: .violated,
                    message: "not pinned by digest: write the image as NAME[:TAG]@sha256:… (or enable pinDigests)"))
            }
        }
        if let rule = rules.forbiddenTags, rule.namespaces.contains(namespace) {
            results.append(Self.forbiddenTags(rule, reference))
        }
        let staticDenial = results.first(where: \.isEnforceViolation)?.rule

        // Rules that need facts.
        var factRules: [FactRule] = rules.requireSignature
            .filter { $0.namespaces.contains(namespace) && $0.covers(reference) }
            .map { .signature($0) }
        if let rule = rules.vulnerabilities, rule.namespaces.contains(namespace) { factRules.append(.vulnerabilities(rule)) }
        if let rule = rules.footprint, rule.namespaces.contains(namespace) { factRules.append(.footprint(rule)) }
        let pinNeeded = pinRule != nil && digest == nil

        if let staticDenial {
            let note = "not checked: the image is already denied by \(staticDenial)"
            if let deferred = deferredRequireDigest {
                results[deferred.index] = RuleResult(
                    rule: .requireDigest, mode: deferred.rule.mode, outcome: .violated,
                    message: "not pinned by digest, and pinDigests is not applied to an image that is denied")
            }
            if let pinRule {
                if let digest {
                    results.append(RuleResult(rule: .pinDigests, mode: pinRule.mode, outcome: .passed, message: "already pinned to \(digest)"))
                } else {
                    results.append(RuleResult(rule: .pinDigests, mode: pinRule.mode, outcome: .skipped, message: note))
                }
            }
            for factRule in factRules {
                results.append(RuleResult(rule: factRule.name, mode: factRule.mode, outcome: .skipped, message: note))
            }
            return Evaluation(digest: digest, pinnedImage: nil, results: results)
        }

        var digestFailure: String?
        if digest == nil && (pinNeeded || !factRules.isEmpty) {
            do {
                digest = try await facts.digest(of: reference)
            } catch {
                digestFailure = "could not resolve the digest of \(reference): \(Self.describe(error))"
            }
        }

        var pinnedImage: String?
        if let pinRule {
            let result: RuleResult
            if !pinNeeded, let digest {
                result = RuleResult(rule: .pinDigests, mode: pinRule.mode, outcome: .passed, message: "already pinned to \(digest)")
            } else if let digest {
                let pinned = "\(reference.name):\(reference.effectiveTag ?? "latest")@\(digest)"
                if pinRule.mode == .enforce {
                    pinnedImage = pinned
                    result = RuleResult(rule: .pinDigests, mode: .enforce, outcome: .passed, message: "pinned to \(pinned)")
                } else {
                    result = RuleResult(rule: .pinDigests, mode: .audit, outcome: .violated,
                                        message: "not pinned by digest; would pin to \(pinned) (audit mode: not patched)")
                }
            } else {
                result = factFailure(.pinDigests, mode: pinRule.mode, digestFailure ?? "could not resolve the digest")
            }
            results.append(result)
            if let deferred = deferredRequireDigest {
                if let pinnedImage, let digest {
                    results[deferred.index] = RuleResult(rule: .requireDigest, mode: deferred.rule.mode, outcome: .passed,
                                                         message: "pinned by pinDigests to \(digest) (\(pinnedImage))")
                } else {
                    results[deferred.index] = factFailure(.requireDigest, mode: deferred.rule.mode,
                                                          "not pinned by digest, and pinDigests could not pin it: "
                                                              + (digestFailure ?? "could not resolve the digest"))
                }
            }
        }

        guard !factRules.isEmpty else { return Evaluation(digest: digest, pinnedImage: pinnedImage, results: results) }
        guard let resolved = digest else {
            let reason = digestFailure ?? "could not resolve the digest"
            for factRule in factRules { results.append(factFailure(factRule.name, mode: factRule.mode, reason)) }
            return Evaluation(digest: nil, pinnedImage: pinnedImage, results: results)
        }

        if factRules.count == 1, let only = factRules.first {
            results.append(await evaluate(only, reference: reference, digest: resolved, facts: facts, now: now))
            return Evaluation(digest: resolved, pinnedImage: pinnedImage, results: results)
        }
        var factResults = [RuleResult?](repeating: nil, count: factRules.count)
        await withTaskGroup(of: (Int, RuleResult).self) { group in
            for (index, factRule) in factRules.enumerated() {
                group.addTask {
                    (index, await self.evaluate(factRule, reference: reference, digest: resolved, facts: facts, now: now))
                }
            }
            for await (index, result) in group { factResults[index] = result }
        }
        results.append(contentsOf: factResults.compactMap { $0 })
        return Evaluation(digest: resolved, pinnedImage: pinnedImage, results: results)
    }

    private func evaluate(_ factRule: FactRule, reference: ImageReference, digest: Digest, facts: FactMemo,
                          now: Date) async -> RuleResult {
        switch factRule {
        case .signature(let requirement):
            let constraints = signatureConstraintTexts[requirement.index] ?? Self.signatureConstraints(requirement)
            do {
                let fact = try await facts.signatures(of: reference, digest: digest, requirement: requirement)
                return fact.verified
                    ? RuleResult(rule: .requireSignature, mode: requirement.mode, outcome: .passed,
                                 message: "signature verified (\(constraints)): \(fact.detail)")
                    : RuleResult(rule: .requireSignature, mode: requirement.mode, outcome: .violated,
                                 message: "no valid signature (\(constraints)): \(fact.detail)")
            } catch {
                return factFailure(.requireSignature, mode: requirement.mode,
                                   "could not verify signatures (\(constraints)): \(Self.describe(error))")
            }
        case .vulnerabilities(let rule):
            do {
                let found = try await facts.vulnerabilities(of: reference, digest: digest)
                return Self.vulnerabilities(rule, found: found, now: now)
            } catch {
                return factFailure(.vulnerabilities, mode: rule.mode, "could not scan for vulnerabilities: \(Self.describe(error))")
            }
        case .footprint(let rule):
            do {
                let found = try await facts.footprint(of: reference, digest: digest)
                let denied = FootprintCategory.allCases.filter { rule.deny.contains($0) && found.contains($0) }
                let list = FootprintCategory.allCases.filter(rule.deny.contains).map(\.rawValue).joined(separator: ", ")
                return denied.isEmpty
                    ? RuleResult(rule: .footprint, mode: rule.mode, outcome: .passed, message: "no denied content (denied: \(list))")
                    : RuleResult(rule: .footprint, mode: rule.mode, outcome: .violated,
                                 message: "denied content found: \(denied.map(\.rawValue).joined(separator: ", "))")
            } catch {
                return factFailure(.footprint, mode: rule.mode, "could not analyse the footprint: \(Self.describe(error))")
            }
        }
    }

    // MARK: - Rules

    private static func allowedRegistries(_ rule: AllowedRegistriesRule, _ reference: ImageReference) -> RuleResult {
        if let pattern = rule.patterns.first(where: { $0.matches(reference) }) {
            return RuleResult(rule: .allowedRegistries, mode: rule.mode, outcome: .passed, message: "allowed by \(pattern)")
        }
        let allowed = rule.patterns.map(\.description).joined(separator: ", ")
        return RuleResult(rule: .allowedRegistries, mode: rule.mode, outcome: .violated,
                          message: "registry not allowed (allowed: \(allowed))")
    }

    private static func forbiddenTags(_ rule: ForbiddenTagsRule, _ reference: ImageReference) -> RuleResult {
        guard let tag = reference.effectiveTag else {
            return RuleResult(rule: .forbiddenTags, mode: rule.mode, outcome: .passed, message: "no tag (pinned by digest)")
        }
        guard rule.tags.contains(where: { Glob.matches($0, tag) }) else {
            return RuleResult(rule: .forbiddenTags, mode: rule.mode, outcome: .passed, message: "tag \"\(tag)\" is not forbidden")
        }
        let forbidden = rule.tags.joined(separator: ", ")
        let message = reference.tag == nil
            ? "no tag means \"latest\", which is forbidden (forbidden: \(forbidden)); write a tag or a digest"
            : "tag \"\(tag)\" is forbidden (forbidden: \(forbidden))"
        return RuleResult(rule: .forbiddenTags, mode: rule.mode, outcome: .violated, message: message)
    }

    private static let severityRank = ["CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "UNKNOWN": 4]

    private static func vulnerabilities(_ rule: VulnerabilityRule, found: [VulnerabilityFact], now: Date) -> RuleResult {
        let blockSet = Set(rule.blockSeverities)
        let severities = VulnerabilityRule.severities.reversed().filter(blockSet.contains).joined(separator: ", ")
        var blocked: [VulnerabilityFact] = []
        var seen: Set<VulnerabilityFact> = []
        var excused = 0
        var unfixed = 0
        var expired: [String: PolicyDate] = [:]
        for vulnerability in found where seen.insert(vulnerability).inserted {
            guard blockSet.contains(vulnerability.severity.uppercased()) else { continue }
            if rule.ignoreUnfixed && !vulnerability.isFixed {
                unfixed += 1
                continue
            }
            let entries = rule.allow.filter { $0.id.caseInsensitiveCompare(vulnerability.id) == .orderedSame }
            if entries.contains(where: { !$0.isExpired(at: now) }) {
                excused += 1
                continue
            }
            if let latest = entries.compactMap(\.expires).max() { expired[vulnerability.id] = latest }
            blocked.append(vulnerability)
        }
        var notes: [String] = []
        if excused > 0 { notes.append("\(excused) allowed by the allow list") }
        if unfixed > 0 { notes.append("\(unfixed) without a fix ignored") }
        guard !blocked.isEmpty else {
            let suffix = notes.isEmpty ? "" : "; " + notes.joined(separator: ", ")
            return RuleResult(rule: .vulnerabilities, mode: rule.mode, outcome: .passed,
                              message: "no blocked vulnerabilities (\(severities))\(suffix)")
        }
        blocked.sort {
            let left = severityRank[$0.severity.uppercased()] ?? 5, right = severityRank[$1.severity.uppercased()] ?? 5
            return left != right ? left < right : ($0.id, $0.package) < ($1.id, $1.package)
        }
        let shownLimit = 5
        var listed = blocked.prefix(shownLimit).map { vulnerability in
            let fix = vulnerability.isFixed ? "fixed in \(vulnerability.fixedVersion ?? "")" : "no fix"
            return "\(vulnerability.id) (\(vulnerability.severity.uppercased()) in \(vulnerability.package), \(fix))"
        }.joined(separator: ", ")
        if blocked.count > shownLimit { listed += ", and \(blocked.count - shownLimit) more" }
        let noun = blocked.count == 1 ? "vulnerability" : "vulnerabilities"
        var message = "\(blocked.count) blocked \(noun) (\(severities)): \(listed)"
        for (id, date) in expired.sorted(by: { $0.key < $1.key }) {
            message += "; the allow entry for \(id) expired on \(date)"
        }
        return RuleResult(rule: .vulnerabilities, mode: rule.mode, outcome: .violated, message: message)
    }

    // MARK: - Helpers

    private func factFailure(_ rule: RuleName, mode: RuleMode, _ reason: String) -> RuleResult {
        switch policy.failurePolicy {
        case .closed:
            RuleResult(rule: rule, mode: mode, outcome: .unavailable, message: reason + " (failurePolicy: closed)")
        case .open:
            RuleResult(rule: rule, mode: mode, outcome: .failedOpen, message: reason + " (failurePolicy: open, allowed)")
        }
    }

    private static func signatureConstraints(_ requirement: SignatureRequirement) -> String {
        var text = "keys: " + requirement.keyList
        if !requirement.annotations.isEmpty {
            text += "; annotations: " + requirement.annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ", ")
        }
        return text
    }

    /// An error as one line of at most 300 characters.
    static func describe(_ error: any Error) -> String {
        var text = String(describing: error).replacingOccurrences(of: "\n", with: " ")
        if text.count > 300 { text = String(text.prefix(300)) + "…" }
        return text
    }
}
