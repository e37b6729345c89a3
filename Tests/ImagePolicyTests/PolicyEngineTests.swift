import Foundation
import ImagePolicy
import OCIModel
import Testing

private let hexA = String(repeating: "a", count: 64)
private let inlineKey = PolicyKey(source: "inline", pem: publicKeyPEM)

/// 2027-01-15T00:00:00Z.
private let january15 = Date(timeIntervalSince1970: 1_799_971_200)

private func patterns(_ texts: String...) throws -> [ImagePattern] { try texts.map { try ImagePattern(parsing: $0) } }

private func engine(_ rules: PolicyRules, failurePolicy: FailurePolicy = .closed, breakGlass: BreakGlass? = nil,
                    now: Date = january15) -> PolicyEngine {
    PolicyEngine(policy: Policy(failurePolicy: failurePolicy, breakGlass: breakGlass, rules: rules), now: { now })
}

private func pod(_ images: [String], namespace: String? = nil, annotations: [String: String] = [:]) -> PolicySubject {
    PolicySubject(namespace: namespace, annotations: annotations, images: images.enumerated().map { index, image in
        SubjectImage(image: image, container: index == 0 ? "app" : "c\(index)", role: .container,
                     location: "/spec/containers/\(index)/image")
    })
}

private func result(_ decision: PolicyDecision, _ image: Int, _ rule: RuleName) -> RuleResult? {
    decision.images[image].results.first { $0.rule == rule }
}

@Suite("Policy engine")
struct PolicyEngineTests {
    // MARK: - Static rules

    @Test func allowedRegistriesDeniesLookalikes() async throws {
        let rules = PolicyRules(allowedRegistries: AllowedRegistriesRule(patterns: try patterns("docker.io/library/*", "ghcr.io/acme/**")))
        let facts = FakeImageFacts()
        let decision = await engine(rules).evaluate(pod(["docker.io/libraryevil/x:1", "nginx:1.27", "ghcr.io/acme/a/b:2"]), facts: facts)
        #expect(!decision.allowed)
        #expect(decision.message == "image docker.io/libraryevil/x:1 (container app): allowedRegistries: registry not allowed "
            + "(allowed: docker.io/library/*, ghcr.io/acme/**)")
        #expect(result(decision, 1, .allowedRegistries) == RuleResult(rule: .allowedRegistries, mode: .enforce, outcome: .passed,
                                                                      message: "allowed by docker.io/library/*"))
        #expect(result(decision, 2, .allowedRegistries)?.passed == true)
        #expect(decision.denials.count == 1)
        #expect(await facts.calls.isEmpty)
    }

    @Test func requireDigest() async throws {
        let rules = PolicyRules(requireDigest: RequireDigestRule())
        let decision = await engine(rules).evaluate(pod(["nginx@sha256:\(hexA)", "nginx:1.27"]), facts: FakeImageFacts())
        #expect(result(decision, 0, .requireDigest)?.message == "pinned to sha256:\(hexA)")
        #expect(result(decision, 0, .requireDigest)?.passed == true)
        #expect(decision.images[0].digest == Digest(sha256Hex: hexA))
        #expect(result(decision, 1, .requireDigest)?.outcome == .violated)
        #expect(decision.denialLines == ["image docker.io/library/nginx:1.27 (container c1): requireDigest: not pinned by digest: "
            + "write the image as NAME[:TAG]@sha256:… (or enable pinDigests)"])
    }

    @Test func forbiddenTags() async throws {
        let rules = PolicyRules(forbiddenTags: ForbiddenTagsRule(tags: ["latest", "*-dev"]))
        let images = ["nginx", "nginx:latest", "nginx:1.27", "nginx@sha256:\(hexA)", "nginx:2.0-dev", "nginx:latest@sha256:\(hexA)"]
        let decision = await engine(rules).evaluate(pod(images), facts: FakeImageFacts())
        let messages = decision.images.map { $0.results.first?.message }
        #expect(messages == [
            "no tag means \"latest\", which is forbidden (forbidden: latest, *-dev); write a tag or a digest",
            "tag \"latest\" is forbidden (forbidden: latest, *-dev)",
            "tag \"1.27\" is not forbidden",
            "no tag (pinned by digest)",
            "tag \"2.0-dev\" is forbidden (forbidden: latest, *-dev)",
            "tag \"latest\" is forbidden (forbidden: latest, *-dev)",
        ])
        #expect(decision.images.map { $0.results.first?.passed } == [false, false, true, true, false, false])
    }

    @Test func unparseableImagesAreDenied() async throws {
        let facts = FakeImageFacts()
        let decision = await engine(PolicyRules()).evaluate(
            pod(["", "Docker.io/Library/NGINX", "nginx:bad tag", "nginx@sha256:\(hexA.uppercased())", "nginx:1.27",
                 "nginx\n\"x\"", String(repeating: "a", count: 300) + ":bad tag"]), facts: facts)
        #expect(!decision.allowed)
        #expect(decision.images.map(\.reference?.description) == [nil, nil, nil, nil, "docker.io/library/nginx:1.27", nil, nil])
        let longImage = "\"" + String(repeating: "a", count: 200) + "…\""
        #expect(decision.denialLines == [
            "image \"\" (container app): reference: cannot parse image reference \"\": the image is empty",
            "image \"Docker.io/Library/NGINX\" (container c1): reference: cannot parse image reference \"Docker.io/Library/NGINX\": "
                + "repository names must be lower-case",
            "image \"nginx:bad tag\" (container c2): reference: cannot parse image reference \"nginx:bad tag\": not a valid reference "
                + "(expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST])",
            "image \"nginx@sha256:\(hexA.uppercased())\" (container c3): reference: cannot parse image reference "
                + "\"nginx@sha256:\(hexA.uppercased())\": the digest is not a sha256 or sha512 digest of lower-case hex",
            "image \"nginx\\u{a}\\\"x\\\"\" (container c5): reference: cannot parse image reference \"nginx\\u{a}\\\"x\\\"\": "
                + "not a valid reference (expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST])",
            "image \(longImage) (container c6): reference: cannot parse image reference \(longImage): "
                + "not a valid reference (expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST])",
        ])
        #expect(decision.message.split(separator: "\n").count == 6)
        #expect(await facts.calls.isEmpty)
    }

    // MARK: - pinDigests

    @Test func pinDigestsKeepsTheTag() async throws {
        let digest = Digest(sha256Hex: String(repeating: "c", count: 64))
        let facts = FakeImageFacts(digests: ["docker.io/library/nginx:1.27": digest])
        let rules = PolicyRules(pinDigests: PinDigestsRule())
        let decision = await engine(rules).evaluate(pod(["nginx:1.27", "ghcr.io/acme/app@sha256:\(hexA)", "redis"]), facts: facts)
        #expect(decision.allowed)
        #expect(decision.images[0].pinnedImage == "docker.io/library/nginx:1.27@\(digest)")
        #expect(decision.images[0].digest == digest)
        #expect(decision.images[0].subject.location == "/spec/containers/0/image")
        #expect(result(decision, 0, .pinDigests)?.message == "pinned to docker.io/library/nginx:1.27@\(digest)")
        #expect(decision.images[1].pinnedImage == nil)
        #expect(result(decision, 1, .pinDigests)?.message == "already pinned to sha256:\(hexA)")
        let redisDigest = FakeImageFacts.digest(for: "docker.io/library/redis:latest")
        #expect(decision.images[2].pinnedImage == "docker.io/library/redis:latest@\(redisDigest)")
        #expect(decision.pinnedImages.map(\.subject.image) == ["nginx:1.27", "redis"])
        let calls = await facts.calls
        #expect(calls.sorted() == ["digest docker.io/library/nginx:1.27", "digest docker.io/library/redis:latest"])
    }

    @Test func pinDigestsInAuditModeDoesNotPatch() async throws {
        let rules = PolicyRules(pinDigests: PinDigestsRule(mode: .audit))
        let decision = await engine(rules).evaluate(pod(["nginx:1.27"]), facts: FakeImageFacts())
        let digest = FakeImageFacts.digest(for: "docker.io/library/nginx:1.27")
        #expect(decision.allowed)
        #expect(decision.images[0].pinnedImage == nil)
        #expect(decision.images[0].digest == digest)
        #expect(decision.warningLines == ["image docker.io/library/nginx:1.27 (container app): pinDigests: not pinned by digest; "
            + "would pin to docker.io/library/nginx:1.27@\(digest) (audit mode: not patched) [audit]"])
    }

    @Test func requireDigestIsSatisfiedByPinDigests() async throws {
        let rules = PolicyRules(requireDigest: RequireDigestRule(), pinDigests: PinDigestsRule())
        let decision = await engine(rules).evaluate(pod(["nginx:1.27"]), facts: FakeImageFacts())
        let digest = FakeImageFacts.digest(for: "docker.io/library/nginx:1.27")
        #expect(decision.allowed)
        #expect(decision.images[0].results.map(\.rule) == [.requireDigest, .pinDigests])
        #expect(result(decision, 0, .requireDigest)?.message == "pinned by pinDigests to \(digest) (docker.io/library/nginx:1.27@\(digest))")
    }

    @Test func requireDigestFailsWhenPinningFails() async throws {
        let rules = PolicyRules(requireDigest: RequireDigestRule(), pinDigests: PinDigestsRule())
        let decision = await engine(rules).evaluate(pod(["nginx:1.27"]), facts: FakeImageFacts(failing: [.digest]))
        #expect(!decision.allowed)
        #expect(decision.denialLines == [
            "image docker.io/library/nginx:1.27 (container app): requireDigest: not pinned by digest, and pinDigests could not pin it: "
                + "could not resolve the digest of docker.io/library/nginx:1.27: HEAD docker.io/library/nginx: timed out after 3s "
                + "(failurePolicy: closed)",
            "image docker.io/library/nginx:1.27 (container app): pinDigests: could not resolve the digest of docker.io/library/nginx:1.27: "
                + "HEAD docker.io/library/nginx: timed out after 3s (failurePolicy: closed)",
        ])
    }

    // MARK: - requireSignature

    @Test func signaturesOnlyForEntriesInScope() async throws {
        let team = SignatureRequirement(index: 0, scope: try patterns("registry.example.com/team/**"), keys: [inlineKey],
                                        annotations: ["env": "prod"])
        let everyone = SignatureRequirement(index: 1, keys: [PolicyKey(source: "keys/all.pub", pem: publicKeyPEM)], mode: .audit)
        let facts = FakeImageFacts(signed: ["registry.example.com/team/app"])
        let decision = await engine(PolicyRules(requireSignature: [team, everyone]))
            .evaluate(pod(["registry.example.com/team/app:1", "registry.example.com/other/app:1"]), facts: facts)
        #expect(decision.allowed)
        let teamResults = decision.images[0].results
        #expect(teamResults.count == 2)
        #expect(teamResults[0] == RuleResult(rule: .requireSignature, mode: .enforce, outcome: .passed,
                                             message: "signature verified (keys: inline; annotations: env=prod): signed by inline"))
        #expect(teamResults[1].passed)
        let other = decision.images[1].results
        #expect(other == [RuleResult(rule: .requireSignature, mode: .audit, outcome: .violated,
                                     message: "no valid signature (keys: keys/all.pub): no signatures found")])
        #expect(decision.warnings == other)
        #expect(await facts.count(.signatures) == 3)
        #expect(await facts.count(.digest) == 2)
    }

    @Test func unsignedImageIsDenied() async throws {
        let requirement = SignatureRequirement(scope: try patterns("ghcr.io/acme/**"), keys: [inlineKey])
        let decision = await engine(PolicyRules(requireSignature: [requirement]))
            .evaluate(pod(["ghcr.io/acme/app:1"]), facts: FakeImageFacts())
        #expect(!decision.allowed)
        #expect(decision.message == "image ghcr.io/acme/app:1 (container app): requireSignature: no valid signature (keys: inline): "
            + "no signatures found")
    }

    // MARK: - vulnerabilities

    private static let findings: [VulnerabilityFact] = [
        VulnerabilityFact(id: "CVE-2024-0001", severity: "CRITICAL", fixedVersion: "3.0.2", package: "openssl"),
        VulnerabilityFact(id: "CVE-2024-0002", severity: "high", fixedVersion: nil, package: "zlib"),
        VulnerabilityFact(id: "CVE-2023-1234", severity: "HIGH", fixedVersion: "1.2", package: "libxml2"),
        VulnerabilityFact(id: "CVE-2024-0003", severity: "MEDIUM", fixedVersion: "2.0", package: "curl"),
    ]

    private static func vulnerabilityRule(ignoreUnfixed: Bool = false, expires: PolicyDate? = PolicyDate(year: 2027, month: 1, day: 31))
        -> PolicyRules {
        PolicyRules(vulnerabilities: VulnerabilityRule(
            blockSeverities: ["HIGH", "CRITICAL"], ignoreUnfixed: ignoreUnfixed,
            allow: [VulnerabilityAllowance(id: "cve-2023-1234", expires: expires, reason: "not reachable")]))
    }

    @Test func vulnerabilitiesBlockBySeverity() async throws {
        let facts = FakeImageFacts(vulnerabilities: ["ghcr.io/acme/app": Self.findings])
        let decision = await engine(Self.vulnerabilityRule()).evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(!decision.allowed)
        #expect(result(decision, 0, .vulnerabilities)?.message == "2 blocked vulnerabilities (CRITICAL, HIGH): "
            + "CVE-2024-0001 (CRITICAL in openssl, fixed in 3.0.2), CVE-2024-0002 (HIGH in zlib, no fix)")
    }

    @Test func ignoreUnfixed() async throws {
        let facts = FakeImageFacts(vulnerabilities: ["ghcr.io/acme/app": Self.findings])
        let decision = await engine(Self.vulnerabilityRule(ignoreUnfixed: true)).evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(result(decision, 0, .vulnerabilities)?.message == "1 blocked vulnerability (CRITICAL, HIGH): "
            + "CVE-2024-0001 (CRITICAL in openssl, fixed in 3.0.2)")
        let clean = FakeImageFacts(vulnerabilities: ["ghcr.io/acme/app": Array(Self.findings.dropFirst())])
        let passed = await engine(Self.vulnerabilityRule(ignoreUnfixed: true)).evaluate(pod(["ghcr.io/acme/app:1"]), facts: clean)
        #expect(passed.allowed)
        #expect(result(passed, 0, .vulnerabilities)?.message == "no blocked vulnerabilities (CRITICAL, HIGH); "
            + "1 allowed by the allow list, 1 without a fix ignored")
    }

    @Test func allowEntryExcusesUntilTheEndOfItsDay() async throws {
        let facts = FakeImageFacts(vulnerabilities: ["ghcr.io/acme/app": [Self.findings[2]]])
        let lastSecond = Date(timeIntervalSince1970: 1_801_439_999)  // 2027-01-31T23:59:59Z
        let stillAllowed = await engine(Self.vulnerabilityRule(), now: lastSecond).evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(stillAllowed.allowed)
        let nextDay = Date(timeIntervalSince1970: 1_801_440_000)  // 2027-02-01T00:00:00Z
        let expired = await engine(Self.vulnerabilityRule(), now: nextDay).evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(!expired.allowed)
        #expect(result(expired, 0, .vulnerabilities)?.message == "1 blocked vulnerability (CRITICAL, HIGH): "
            + "CVE-2023-1234 (HIGH in libxml2, fixed in 1.2); the allow entry for CVE-2023-1234 expired on 2027-01-31")
    }

    @Test func allowEntryWithoutExpiry() async throws {
        let facts = FakeImageFacts(vulnerabilities: ["ghcr.io/acme/app": [Self.findings[2]]])
        let decision = await engine(Self.vulnerabilityRule(expires: nil), now: .distantFuture)
            .evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(decision.allowed)
    }

    @Test func policyDates() {
        #expect(PolicyDate(parsing: "2027-01-31")?.endOfDay == Date(timeIntervalSince1970: 1_801_440_000))
        #expect(PolicyDate(parsing: "2028-02-29") != nil)
        #expect(PolicyDate(parsing: "2027-02-29") == nil)
        #expect(PolicyDate(parsing: "2027-1-31") == nil)
        #expect(PolicyDate(parsing: "2027-13-01") == nil)
        #expect(PolicyDate(parsing: "1970-01-01")?.endOfDay == Date(timeIntervalSince1970: 86_400))
    }

    // MARK: - footprint

    @Test func footprintEnforceAndAudit() async throws {
        let facts = FakeImageFacts(footprints: ["ghcr.io/acme/app": [.shell, .editor, .packageManager]])
        let enforced = await engine(PolicyRules(footprint: FootprintRule(deny: [.packageManager, .shell, .debugger])))
            .evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(!enforced.allowed)
        #expect(enforced.message == "image ghcr.io/acme/app:1 (container app): footprint: denied content found: shell, package-manager")
        let audited = await engine(PolicyRules(footprint: FootprintRule(deny: [.shell], mode: .audit)))
            .evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(audited.allowed)
        #expect(audited.denials.isEmpty)
        #expect(audited.warningLines == ["image ghcr.io/acme/app:1 (container app): footprint: denied content found: shell [audit]"])
        let clean = await engine(PolicyRules(footprint: FootprintRule(deny: [.debugger, .secret])))
            .evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(result(clean, 0, .footprint)?.message == "no denied content (denied: debugger, secret)")
    }

    // MARK: - Modes, namespaces, break-glass

    @Test func auditModeWarnsAndAllows() async throws {
        let rules = PolicyRules(allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/acme/**"), mode: .audit))
        let decision = await engine(rules).evaluate(pod(["quay.io/evil/x:1"]), facts: FakeImageFacts())
        #expect(decision.allowed)
        #expect(decision.denials.isEmpty)
        #expect(decision.message.isEmpty)
        #expect(decision.warnings.map(\.rule) == [.allowedRegistries])
        #expect(decision.warningLines == ["image quay.io/evil/x:1 (container app): allowedRegistries: registry not allowed "
            + "(allowed: ghcr.io/acme/**) [audit]"])
    }

    @Test func namespaceIncludeAndExclude() async throws {
        let rules = PolicyRules(
            allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/acme/**"),
                                                     namespaces: NamespaceSelector(include: ["*"], exclude: ["kube-system"])),
            forbiddenTags: ForbiddenTagsRule(namespaces: NamespaceSelector(include: ["prod-*"])))
        let policyEngine = engine(rules)
        let image = ["quay.io/evil/x"]
        let system = await policyEngine.evaluate(pod(image, namespace: "kube-system"), facts: FakeImageFacts())
        #expect(system.allowed)
        #expect(system.images[0].results.isEmpty)
        let production = await policyEngine.evaluate(pod(image, namespace: "prod-eu"), facts: FakeImageFacts())
        #expect(production.images[0].results.map(\.rule) == [.allowedRegistries, .forbiddenTags])
        let development = await policyEngine.evaluate(pod(image, namespace: "dev"), facts: FakeImageFacts())
        #expect(development.images[0].results.map(\.rule) == [.allowedRegistries])
        let ci = await policyEngine.evaluate(pod(image), facts: FakeImageFacts())
        #expect(ci.images[0].results.map(\.rule) == [.allowedRegistries, .forbiddenTags])
        #expect(!ci.allowed)
    }

    @Test func namespaceSelector() {
        let selector = NamespaceSelector(include: ["team-*", "default"], exclude: ["team-legacy"])
        #expect(selector.contains("team-a"))
        #expect(selector.contains("default"))
        #expect(!selector.contains("team-legacy"))
        #expect(!selector.contains("kube-system"))
        #expect(!selector.contains("defaultx"))
        #expect(selector.contains(nil))
    }

    @Test func breakGlassTurnsDenialsIntoWarnings() async throws {
        let rules = PolicyRules(allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/acme/**")))
        let glass = BreakGlass(annotation: "break-glass.image-policy.k8s.io/ticket")
        let policyEngine = engine(rules, breakGlass: glass)
        let broken = await policyEngine.evaluate(
            pod(["quay.io/evil/x:1"], annotations: ["break-glass.image-policy.k8s.io/ticket": "INC-42"]), facts: FakeImageFacts())
        #expect(broken.allowed)
        #expect(broken.breakGlassUsed)
        #expect(broken.breakGlassTicket == "INC-42")
        #expect(broken.denials.isEmpty)
        #expect(broken.message.isEmpty)
        #expect(broken.warningLines == ["image quay.io/evil/x:1 (container app): allowedRegistries: registry not allowed "
            + "(allowed: ghcr.io/acme/**) [break-glass]"])

        let empty = await policyEngine.evaluate(
            pod(["quay.io/evil/x:1"], annotations: ["break-glass.image-policy.k8s.io/ticket": " "]), facts: FakeImageFacts())
        #expect(!empty.allowed)
        #expect(!empty.breakGlassUsed)

        let unneeded = await policyEngine.evaluate(
            pod(["ghcr.io/acme/app:1"], annotations: ["break-glass.image-policy.k8s.io/ticket": "INC-42"]), facts: FakeImageFacts())
        #expect(unneeded.allowed)
        #expect(!unneeded.breakGlassUsed)
        #expect(unneeded.breakGlassTicket == "INC-42")

        let unconfigured = await engine(rules).evaluate(
            pod(["quay.io/evil/x:1"], annotations: ["break-glass.image-policy.k8s.io/ticket": "INC-42"]), facts: FakeImageFacts())
        #expect(!unconfigured.allowed)
        #expect(!unconfigured.breakGlassUsed)
    }

    // MARK: - failurePolicy

    @Test func failClosedDeniesWithTheError() async throws {
        let rules = PolicyRules(vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"]))
        let decision = await engine(rules).evaluate(pod(["ghcr.io/acme/app:1"]), facts: FakeImageFacts(failing: [.vulnerabilities]))
        #expect(!decision.allowed)
        #expect(!decision.failedOpen)
        #expect(result(decision, 0, .vulnerabilities)?.outcome == .unavailable)
        #expect(decision.message == "image ghcr.io/acme/app:1 (container app): vulnerabilities: could not scan for vulnerabilities: "
            + "scanner: database missing (failurePolicy: closed)")
    }

    @Test func failOpenAllowsWithAWarning() async throws {
        let rules = PolicyRules(
            requireSignature: [SignatureRequirement(keys: [inlineKey])],
            vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"]))
        let facts = FakeImageFacts(failing: [.digest])
        let decision = await engine(rules, failurePolicy: .open).evaluate(pod(["ghcr.io/acme/app:1"]), facts: facts)
        #expect(decision.allowed)
        #expect(decision.failedOpen)
        #expect(decision.images[0].results.map(\.outcome) == [.failedOpen, .failedOpen])
        #expect(decision.warningLines.first == "image ghcr.io/acme/app:1 (container app): requireSignature: could not resolve the digest "
            + "of ghcr.io/acme/app:1: HEAD ghcr.io/acme/app: timed out after 3s (failurePolicy: open, allowed) [failed open]")
        #expect(await facts.count(.signatures) == 0)
        #expect(await facts.count(.vulnerabilities) == 0)
    }

    @Test func failClosedOnSignatureError() async throws {
        let decision = await engine(PolicyRules(requireSignature: [SignatureRequirement(keys: [inlineKey])]))
            .evaluate(pod(["ghcr.io/acme/app@sha256:\(hexA)"]), facts: FakeImageFacts(failing: [.signatures]))
        #expect(!decision.allowed)
        #expect(decision.message.hasSuffix("requireSignature: could not verify signatures (keys: inline): "
            + "GET sha256-aaaaaaaaaaaa.sig: connection refused (failurePolicy: closed)"))
    }

    // MARK: - Which facts are fetched, how often, and when

    @Test func staticDenialSkipsFacts() async throws {
        let rules = PolicyRules(
            allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/acme/**")),
            pinDigests: PinDigestsRule(),
            requireSignature: [SignatureRequirement(keys: [inlineKey])],
            vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"]),
            footprint: FootprintRule(deny: [.shell]))
        let facts = FakeImageFacts()
        let decision = await engine(rules).evaluate(pod(["evil.example.com/x:1"]), facts: facts)
        #expect(!decision.allowed)
        #expect(await facts.calls.isEmpty)
        let results = decision.images[0].results
        #expect(results.map(\.rule) == [.allowedRegistries, .pinDigests, .requireSignature, .vulnerabilities, .footprint])
        #expect(results.dropFirst().allSatisfy {
            $0.outcome == .skipped && $0.message == "not checked: the image is already denied by allowedRegistries"
        })
        #expect(decision.denials.count == 1)
        #expect(decision.warnings.isEmpty)
        #expect(decision.images[0].pinnedImage == nil)
    }

    @Test func auditStaticViolationStillFetchesFacts() async throws {
        let rules = PolicyRules(
            forbiddenTags: ForbiddenTagsRule(mode: .audit),
            vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"]))
        let facts = FakeImageFacts()
        let decision = await engine(rules).evaluate(pod(["ghcr.io/acme/app"]), facts: facts)
        #expect(decision.allowed)
        #expect(await facts.count(.vulnerabilities) == 1)
        #expect(decision.images[0].results.map(\.outcome) == [.violated, .passed])
    }

    @Test func factsAreFetchedOncePerReference() async throws {
        let rules = PolicyRules(
            pinDigests: PinDigestsRule(),
            requireSignature: [SignatureRequirement(keys: [inlineKey])],
            vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"]),
            footprint: FootprintRule(deny: [.shell]))
        let facts = FakeImageFacts(signed: ["docker.io/library/nginx"])
        let subject = PolicySubject(images: [
            SubjectImage(image: "nginx", container: "web", role: .container),
            SubjectImage(image: "docker.io/library/nginx:latest", container: "setup", role: .initContainer),
            SubjectImage(image: "index.docker.io/nginx", role: .ephemeralContainer),
        ])
        let decision = await engine(rules).evaluate(subject, facts: facts)
        #expect(decision.allowed)
        for kind in FakeImageFacts.Kind.allCases {
            #expect(await facts.count(kind) == 1, "\(kind)")
        }
        #expect(decision.images.map(\.subject.image) == ["nginx", "docker.io/library/nginx:latest", "index.docker.io/nginx"])
        let pinned = "docker.io/library/nginx:latest@\(FakeImageFacts.digest(for: "docker.io/library/nginx:latest"))"
        #expect(decision.images.map(\.pinnedImage) == [pinned, pinned, pinned])
        #expect(decision.images.map(\.label) == [
            "image docker.io/library/nginx:latest (container web)",
            "image docker.io/library/nginx:latest (init container setup)",
            "image docker.io/library/nginx:latest (ephemeral container)",
        ])
    }

    @Test func noFactsWithoutRulesThatNeedThem() async throws {
        let rules = PolicyRules(
            allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/**")),
            requireDigest: RequireDigestRule(),
            forbiddenTags: ForbiddenTagsRule())
        let facts = FakeImageFacts()
        let decision = await engine(rules).evaluate(pod(["ghcr.io/acme/app@sha256:\(hexA)", "ghcr.io/acme/b:1"]), facts: facts)
        #expect(decision.images.count == 2)
        #expect(await facts.calls.isEmpty)
    }

    @Test func writtenDigestIsNotResolvedAgain() async throws {
        let facts = FakeImageFacts()
        let rules = PolicyRules(footprint: FootprintRule(deny: [.shell]))
        _ = await engine(rules).evaluate(pod(["ghcr.io/acme/app:1@sha256:\(hexA)"]), facts: facts)
        #expect(await facts.calls == ["footprint ghcr.io/acme/app@sha256:\(hexA)"])
    }

    @Test func factsOutOfScopeAreNotFetched() async throws {
        let rules = PolicyRules(
            requireSignature: [SignatureRequirement(scope: try patterns("ghcr.io/acme/**"), keys: [inlineKey])],
            vulnerabilities: VulnerabilityRule(blockSeverities: ["CRITICAL"], namespaces: NamespaceSelector(include: ["prod"])))
        let facts = FakeImageFacts()
        let decision = await engine(rules).evaluate(pod(["quay.io/other/app:1"], namespace: "dev"), facts: facts)
        #expect(decision.allowed)
        #expect(decision.images[0].results.isEmpty)
        #expect(await facts.calls.isEmpty)
    }

    @Test func factsAreFetchedConcurrentlyAcrossImages() async throws {
        let facts = FakeImageFacts(barrier: 3)
        let decision = await engine(PolicyRules(pinDigests: PinDigestsRule()))
            .evaluate(pod(["ghcr.io/acme/a:1", "ghcr.io/acme/b:1", "ghcr.io/acme/c:1"]), facts: facts)
        #expect(await facts.maxConcurrentDigests == 3)
        #expect(await !facts.barrierTimedOut)
        #expect(decision.images.allSatisfy { $0.pinnedImage != nil })
    }

    @Test func messageHasOneLinePerDenial() async throws {
        let rules = PolicyRules(
            allowedRegistries: AllowedRegistriesRule(patterns: try patterns("ghcr.io/acme/**")),
            forbiddenTags: ForbiddenTagsRule())
        let decision = await engine(rules).evaluate(pod(["quay.io/x/y", "ghcr.io/acme/app:1"]), facts: FakeImageFacts())
        #expect(decision.message.split(separator: "\n") == [
            "image quay.io/x/y:latest (container app): allowedRegistries: registry not allowed (allowed: ghcr.io/acme/**)",
            "image quay.io/x/y:latest (container app): forbiddenTags: no tag means \"latest\", which is forbidden (forbidden: latest); "
                + "write a tag or a digest",
        ])
    }
}
