import Foundation
import ImagePolicy
import MoatTesting
import OCIModel
import Testing

let publicKeyPEM = """
    -----BEGIN PUBLIC KEY-----
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkyLtk/iC274cxPcTxHrnszzUMiwA
    rCqGY7ufftcr43b+Y6ZtKZwjjhJrBGc7z9vI4id30hGmmN/CopNb+9q7FQ==
    -----END PUBLIC KEY-----

    """

/// Lines 1–2 of every test policy.
private let header = "apiVersion: moat.dev/v1alpha1\nkind: ImagePolicy\n"

private func loadError(_ yaml: String, baseDirectory: String? = nil) -> PolicyError? {
    do {
        _ = try Policy(yaml: yaml, baseDirectory: baseDirectory, source: "test.yaml")
        return nil
    } catch {
        return error
    }
}

@Suite("Policy loading")
struct PolicyLoadingTests {
    @Test func fullPolicyWithRelativeKeyPath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
        try Data(publicKeyPEM.utf8).write(to: URL(fileURLWithPath: directory + "/keys/team.pub"))
        let yaml = header + """
            failurePolicy: open
            breakGlass:
              annotation: break-glass.image-policy.k8s.io/ticket
            rules:
              allowedRegistries:
                mode: audit
                namespaces: {include: ["*"], exclude: ["kube-system"]}
                patterns: ["registry.example.com/team/**", "docker.io/library/*"]
              requireDigest: {mode: enforce}
              pinDigests: {}
              forbiddenTags: {tags: ["latest", "*-dev"]}
              requireSignature:
                - scope: ["registry.example.com/team/**"]
                  keys: ["keys/team.pub"]
                  annotations: {env: prod, build: 42}
                  mode: enforce
              vulnerabilities:
                blockSeverities: [CRITICAL, high]
                ignoreUnfixed: true
                allow:
                  - {id: CVE-2023-1234, expires: 2027-01-31, reason: "not reachable"}
                  - {id: GHSA-abcd-efgh-ijkl}
              footprint:
                deny: [shell, package-manager]
                mode: audit
            """
        let path = directory + "/policy.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let policy = try Policy.load(contentsOf: path)
        #expect(policy.source == path)
        #expect(policy.failurePolicy == .open)
        #expect(policy.breakGlass?.annotation == "break-glass.image-policy.k8s.io/ticket")
        #expect(policy.warnings.isEmpty)
        let rules = policy.rules
        #expect(rules.allowedRegistries?.mode == .audit)
        #expect(rules.allowedRegistries?.namespaces == NamespaceSelector(include: ["*"], exclude: ["kube-system"]))
        #expect(rules.allowedRegistries?.patterns.map(\.description) == ["registry.example.com/team/**", "docker.io/library/*"])
        #expect(rules.requireDigest?.mode == .enforce)
        #expect(rules.pinDigests?.mode == .enforce)
        #expect(rules.forbiddenTags?.tags == ["latest", "*-dev"])
        #expect(rules.requireSignature.count == 1)
        let requirement = try #require(rules.requireSignature.first)
        #expect(requirement.scope.map(\.description) == ["registry.example.com/team/**"])
        #expect(requirement.annotations == ["env": "prod", "build": "42"])
        #expect(requirement.keys == [PolicyKey(source: "keys/team.pub", path: directory + "/keys/team.pub", pem: publicKeyPEM)])
        let vulnerabilities = try #require(rules.vulnerabilities)
        #expect(vulnerabilities.blockSeverities == ["CRITICAL", "HIGH"])
        #expect(vulnerabilities.ignoreUnfixed)
        #expect(vulnerabilities.allow == [
            VulnerabilityAllowance(id: "CVE-2023-1234", expires: PolicyDate(year: 2027, month: 1, day: 31), reason: "not reachable"),
            VulnerabilityAllowance(id: "GHSA-abcd-efgh-ijkl"),
        ])
        #expect(rules.footprint == FootprintRule(deny: [.shell, .packageManager], mode: .audit))
    }

    @Test func defaults() throws {
        let policy = try Policy(yaml: header + "rules:\n  requireDigest: {}\n  forbiddenTags: {}\n")
        #expect(policy.failurePolicy == .closed)
        #expect(policy.breakGlass == nil)
        #expect(policy.rules.requireDigest == RequireDigestRule(mode: .enforce, namespaces: .all))
        #expect(policy.rules.forbiddenTags?.tags == ["latest"])
        #expect(policy.rules.allowedRegistries == nil)
        #expect(policy.rules.requireSignature.isEmpty)
        #expect(policy.source == "<policy>")
    }

    @Test func inlinePEMKey() throws {
        let indented = publicKeyPEM.split(separator: "\n").map { "            " + $0 }.joined(separator: "\n")
        let yaml = header + "rules:\n  requireSignature:\n    - keys:\n        - |\n" + indented + "\n"
        let policy = try Policy(yaml: yaml)
        let key = try #require(policy.rules.requireSignature.first?.keys.first)
        #expect(key.source == "inline")
        #expect(key.path == nil)
        #expect(key.pem == publicKeyPEM)
        #expect(policy.rules.requireSignature.first?.scope.isEmpty == true)
    }

    @Test func absoluteKeyPathWithoutBaseDirectory() throws {
        let path = try temporaryFile(Array(publicKeyPEM.utf8), suffix: ".pub")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = try Policy(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"\(path)\"]\n")
        #expect(policy.rules.requireSignature.first?.keys.first?.path == path)
    }

    // MARK: - Errors name file, line, column and field

    struct Case: Sendable, CustomTestStringConvertible {
        var yaml: String
        var code: PolicyError.Code
        var line: Int?
        var field: String
        var problem: String
        var testDescription: String { "\(code) \(field): \(problem)" }
    }

    static let cases: [Case] = [
        Case(yaml: header + "rule:\n  requireDigest: {}\n", code: .unknownField, line: 3, field: "",
             problem: "unknown field \"rule\" (expected: apiVersion, kind, failurePolicy, breakGlass, rules)"),
        Case(yaml: header + "rules:\n  allowedregistries: {patterns: [nginx]}\n", code: .unknownField, line: 4, field: "rules",
             problem: "unknown field \"allowedregistries\"; did you mean \"allowedRegistries\"?"),
        Case(yaml: header + "rules:\n  requireDigest: {mode: enforce, namespace: [a]}\n", code: .unknownField, line: 4,
             field: "rules.requireDigest", problem: "unknown field \"namespace\" (expected: mode, namespaces)"),
        Case(yaml: "apiVersion: moat.dev/v1\nkind: ImagePolicy\n", code: .invalidValue, line: 1, field: "apiVersion",
             problem: "\"moat.dev/v1\" is not supported; use moat.dev/v1alpha1"),
        Case(yaml: "apiVersion: moat.dev/v1alpha1\n", code: .missingField, line: 1, field: "", problem: "missing required field \"kind\""),
        Case(yaml: "apiVersion: 1\nkind: ImagePolicy\n", code: .wrongType, line: 1, field: "apiVersion",
             problem: "expected a string, found a number 1"),
        Case(yaml: header + "failurePolicy: Fail\n", code: .invalidValue, line: 3, field: "failurePolicy",
             problem: "\"Fail\" is not one of: closed, open"),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns: docker.io/library/*\n", code: .wrongType, line: 5,
             field: "rules.allowedRegistries.patterns", problem: "expected a list, found a string"),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    mode: audit\n", code: .missingField, line: 5,
             field: "rules.allowedRegistries", problem: "missing required field \"patterns\""),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns: []\n", code: .invalidValue, line: 5,
             field: "rules.allowedRegistries.patterns", problem: "the list is empty"),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns:\n      - ghcr.io/acme/**\n      - docker.io/library/\n",
             code: .invalidValue, line: 7, field: "rules.allowedRegistries.patterns[1]",
             problem: "invalid image pattern \"docker.io/library/\": ends with \"/\""),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns: [\"nginx:latest\"]\n", code: .invalidValue, line: 5,
             field: "rules.allowedRegistries.patterns[0]", problem: "not tags"),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns: [ghcr.io/**]\n    mode: enforced\n", code: .invalidValue,
             line: 6, field: "rules.allowedRegistries.mode", problem: "\"enforced\" is not one of: enforce, audit"),
        Case(yaml: header + "rules:\n  requireDigest:\n", code: .wrongType, line: 4, field: "rules.requireDigest",
             problem: "write `{}` for the defaults"),
        Case(yaml: header + "rules:\n  requireDigest: {namespaces: {include: [Kube_System]}}\n", code: .invalidValue, line: 4,
             field: "rules.requireDigest.namespaces.include[0]", problem: "\"Kube_System\" is not a namespace name or glob"),
        Case(yaml: header + "rules:\n  requireDigest: {namespaces: {include: []}}\n", code: .invalidValue, line: 4,
             field: "rules.requireDigest.namespaces.include", problem: "the list is empty"),
        Case(yaml: header + "rules:\n  forbiddenTags: {tags: [\"-x\"]}\n", code: .invalidValue, line: 4,
             field: "rules.forbiddenTags.tags[0]", problem: "\"-x\" is not a tag"),
        Case(yaml: header + "rules:\n  requireSignature:\n    keys: [k.pub]\n", code: .wrongType, line: 5,
             field: "rules.requireSignature", problem: "expected a list of entries (`- scope: […]`), found a mapping"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - scope: [ghcr.io/**]\n      keys: []\n", code: .invalidValue, line: 6,
             field: "rules.requireSignature[0].keys", problem: "the list is empty"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - scope: [ghcr.io/**]\n", code: .missingField, line: 5,
             field: "rules.requireSignature[0]", problem: "missing required field \"keys\""),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"k8s://ns/secret\"]\n", code: .keyFile, line: 5,
             field: "rules.requireSignature[0].keys[0]", problem: "only key files and inline PEM are supported"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [keys/team.pub]\n", code: .keyFile, line: 5,
             field: "rules.requireSignature[0].keys[0]", problem: "is a relative path, but the policy was not read from a file"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"-----BEGIN PUBLIC KEY-----\\nMFkw\"]\n", code: .keyFile,
             line: 5, field: "rules.requireSignature[0].keys[0]", problem: "not a complete PEM block"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"/nonexistent/moat/team.pub\"]\n", code: .keyFile, line: 5,
             field: "rules.requireSignature[0].keys[0]", problem: "key file /nonexistent/moat/team.pub: no such file"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"/\"]\n", code: .keyFile, line: 5,
             field: "rules.requireSignature[0].keys[0]", problem: "is a directory"),
        Case(yaml: header + "rules:\n  requireSignature:\n    - keys: [\"/k.pub\"]\n      annotations: {env: [prod]}\n",
             code: .keyFile, line: 5, field: "rules.requireSignature[0].keys[0]", problem: "no such file"),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [CRITICAL, SEVERE]\n", code: .invalidValue, line: 5,
             field: "rules.vulnerabilities.blockSeverities[1]",
             problem: "unknown severity \"SEVERE\" (expected one of: UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)"),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    ignoreUnfixed: true\n", code: .missingField, line: 5,
             field: "rules.vulnerabilities", problem: "missing required field \"blockSeverities\""),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [HIGH]\n    ignoreUnfixed: \"yes please\"\n",
             code: .wrongType, line: 6, field: "rules.vulnerabilities.ignoreUnfixed", problem: "expected true or false"),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [HIGH]\n    allow:\n      - {id: CVE-1, expires: 2027-02-30}\n",
             code: .invalidValue, line: 7, field: "rules.vulnerabilities.allow[0].expires",
             problem: "\"2027-02-30\" is not a date; write YYYY-MM-DD"),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [HIGH]\n    allow:\n      - {id: CVE-1, expires: 31/01/2027}\n",
             code: .invalidValue, line: 7, field: "rules.vulnerabilities.allow[0].expires", problem: "is not a date"),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [HIGH]\n    allow:\n      - {expires: 2027-01-01}\n",
             code: .missingField, line: 7, field: "rules.vulnerabilities.allow[0]", problem: "missing required field \"id\""),
        Case(yaml: header + "rules:\n  vulnerabilities:\n    blockSeverities: [HIGH]\n    allow:\n      - {id: CVE-1, until: 2027-01-01}\n",
             code: .unknownField, line: 7, field: "rules.vulnerabilities.allow[0]", problem: "unknown field \"until\""),
        Case(yaml: header + "rules:\n  footprint:\n    deny: [shell, compiler]\n", code: .invalidValue, line: 5,
             field: "rules.footprint.deny[1]", problem: "unknown category \"compiler\" (expected one of: shell, package-manager, "
                 + "network-tool, editor, debugger, build-tool, secret)"),
        Case(yaml: header + "breakGlass:\n  annotation: \"two words\"\n", code: .invalidValue, line: 4, field: "breakGlass.annotation",
             problem: "is not an annotation key"),
        Case(yaml: header + "breakGlass: {}\n", code: .missingField, line: 3, field: "breakGlass",
             problem: "missing required field \"annotation\""),
        Case(yaml: header + "base: &base {mode: audit}\nrules:\n  requireDigest:\n    <<: *base\n", code: .unknownField, line: 3,
             field: "", problem: "unknown field \"base\""),
        Case(yaml: header + "rules:\n  requireDigest:\n    <<: {mode: audit}\n", code: .unknownField, line: 5, field: "rules.requireDigest",
             problem: "merge keys (<<) are not supported"),
        // YAML-level problems.
        Case(yaml: header + "rules:\n  requireDigest: {}\n  requireDigest: {}\n", code: .syntax, line: 4, field: "",
             problem: "duplicate key \"requireDigest\""),
        Case(yaml: header + "rules:\n  allowedRegistries:\n    patterns: [ghcr.io/**\n", code: .syntax, line: 6, field: "",
             problem: "invalid YAML"),
        Case(yaml: header + "rules: {}\n---\nkind: ImagePolicy\n", code: .syntax, line: 5, field: "",
             problem: "a policy file holds one YAML document"),
        Case(yaml: "# nothing here\n", code: .syntax, line: nil, field: "", problem: "the policy is empty"),
        Case(yaml: "just a string\n", code: .wrongType, line: 1, field: "", problem: "expected a mapping, found a string"),
    ]

    @Test(arguments: cases)
    func errorNamesFileLineAndField(_ testCase: Case) throws {
        let error = try #require(loadError(testCase.yaml), "the policy should have been refused")
        #expect(error.code == testCase.code, "\(error)")
        #expect(error.file == "test.yaml")
        #expect(error.line == testCase.line, "\(error)")
        #expect(error.field == testCase.field, "\(error)")
        #expect(error.problem.contains(testCase.problem), "\(error)")
        var prefix = "test.yaml:"
        if let line = testCase.line { prefix += "\(line):" }
        #expect(error.description.hasPrefix(prefix), "\(error)")
        if !testCase.field.isEmpty { #expect(error.description.contains(": \(testCase.field): "), "\(error)") }
    }

    @Test func errorDescriptionFormat() throws {
        let error = try #require(loadError(header + "rules:\n  footprint:\n    deny: [shell, compiler]\n"))
        #expect(error.description == "test.yaml:5:19: rules.footprint.deny[1]: unknown category \"compiler\" (expected one of: "
            + "shell, package-manager, network-tool, editor, debugger, build-tool, secret)")
    }

    @Test func annotationValuesMustBeScalars() throws {
        let path = try temporaryFile(Array(publicKeyPEM.utf8), suffix: ".pub")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(loadError(header + "rules:\n  requireSignature:\n    - keys: [\"\(path)\"]\n      annotations: {env: [prod]}\n"))
        #expect(error.code == .wrongType)
        #expect(error.line == 6)
        #expect(error.field == "rules.requireSignature[0].annotations.env")
        #expect(error.problem == "expected a string value, found a list")
    }

    @Test func keyFileThatIsNotPEM() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: directory + "/bad.pub"))
        let error = try #require(loadError(header + "rules:\n  requireSignature:\n    - keys: [bad.pub]\n", baseDirectory: directory))
        #expect(error.code == .keyFile)
        #expect(error.problem == "key file \(directory)/bad.pub is not PEM text (expected -----BEGIN PUBLIC KEY-----)")
    }

    @Test func relativeKeyPathEscapingTheDirectoryIsResolvedAndReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(loadError(header + "rules:\n  requireSignature:\n    - keys: [../missing.pub]\n", baseDirectory: directory))
        let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().standardizedFileURL.path
        #expect(error.problem == "key file \(parent)/missing.pub: no such file")
    }

    @Test func missingPolicyFile() {
        #expect {
            try Policy.load(contentsOf: "/nonexistent/moat/policy.yaml")
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == .unreadableFile && error.description == "/nonexistent/moat/policy.yaml: no such file"
        }
    }

    @Test func breakGlassAnnotationNotForwardedByImageReviewWarns() throws {
        let policy = try Policy(yaml: header + "breakGlass:\n  annotation: example.com/break-glass\nrules: {requireDigest: {}}\n", source: "p.yaml")
        #expect(policy.warnings == [
            "p.yaml:4:15: breakGlass.annotation: the ImagePolicyWebhook forwards only annotations whose key contains "
                + "\".image-policy.k8s.io/\"; \"example.com/break-glass\" works with AdmissionReview webhooks only",
        ])
    }

    @Test func trailingEmptyDocumentIsAccepted() throws {
        let policy = try Policy(yaml: "---\n" + header + "rules:\n  requireDigest: {}\n---\n")
        #expect(policy.rules.requireDigest != nil)
    }

    @Test func loadFromFileURL() throws {
        let path = try temporaryFile(Array((header + "rules: {requireDigest: {}}\n").utf8), suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let policy = try Policy.load(contentsOf: URL(fileURLWithPath: path))
        #expect(policy.source == path)
        #expect(policy.warnings.isEmpty)
    }

    @Test func policyWithoutRulesWarns() throws {
        let policy = try Policy(yaml: header, source: "p.yaml")
        #expect(policy.warnings == ["p.yaml:1:1: the policy has no rules: only unparseable image references are denied"])
        let empty = try Policy(yaml: header + "rules: {}\n", source: "p.yaml")
        #expect(empty.warnings == ["p.yaml:3:1: the policy has no rules: only unparseable image references are denied"])
    }

    @Test func quotedValuesAreStrings() throws {
        let error = try #require(loadError(header + "rules:\n  forbiddenTags: {tags: [1.0]}\n"))
        #expect(error.problem == "expected a string, found a number 1.0; quote it if it is meant as text")
        let policy = try Policy(yaml: header + "rules:\n  forbiddenTags: {tags: [\"1.0\"]}\n")
        #expect(policy.rules.forbiddenTags?.tags == ["1.0"])
    }

    // MARK: - Hostile YAML (the YAMLGuard pre-scan, limits)

    @Test func deepNestingIsRefusedBeforeYams() throws {
        let yaml = header + "rules: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let error = try #require(loadError(yaml))
        #expect(error.code == .limitExceeded)
        #expect(error.problem == "nested deeper than 32 levels")
    }

    @Test func aliasAsKeyIsRefused() throws {
        let yaml = header + "x: &k a\nrules:\n  *k : 1\n"
        let error = try #require(loadError(yaml))
        #expect(error.code == .limitExceeded)
        #expect(error.problem.contains("aliases"))
    }

    @Test func aliasBombInAValueEndsQuickly() throws {
        let key = try temporaryFile(Array(publicKeyPEM.utf8), suffix: ".pub")
        defer { try? FileManager.default.removeItem(atPath: key) }
        var yaml = header + "rules:\n  requireSignature:\n    - keys: [\"\(key)\"]\n      annotations:\n"
        yaml += "        a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "        a\(level): &a\(level) [\(previous)]\n"
        }
        let clock = ContinuousClock()
        var error: PolicyError?
        let elapsed = clock.measure { error = loadError(yaml) }
        #expect(error?.code == .wrongType)
        #expect(error?.field == "rules.requireSignature[0].annotations.a0")
        #expect(elapsed < .seconds(2))
    }

    @Test func oversizedPolicyIsRefused() throws {
        let yaml = header + "# " + String(repeating: "x", count: Policy.Limits.maxFileBytes) + "\n"
        let error = try #require(loadError(yaml))
        #expect(error.code == .unreadableFile)
        #expect(error.problem == "larger than the limit of 1048576 bytes")
    }
}
