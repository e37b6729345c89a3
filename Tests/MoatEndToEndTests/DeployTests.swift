import Foundation
import ImageAnalysis
import MoatTesting
import Testing

/// What ships to run moat in a cluster — deploy/, the Dockerfile and the image scripts/build-moat-image.sh
/// builds — checked with moat itself (docs/deploy.md, "Validation").
@Suite("deploy/, Dockerfile and the moat image")
struct DeployTests {
    static let deploy = TestEnvironment.packageRoot + "/deploy"

    /// The Kubernetes API objects in deploy/ (top level). deploy/imagepolicy/ holds the API server's
    /// AdmissionConfiguration and kubeconfig, which are files on a control-plane node, not API objects: no
    /// Kubernetes schema describes them, so they stay out of the scan and are checked as text below.
    static func manifests() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: deploy)
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { deploy + "/" + $0 }
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOfFile: deploy + "/" + relativePath, encoding: .utf8)
    }

    /// kubesec's kinds that have a pod spec to score; every other kind is "not supported by kubesec".
    static let workloadKinds: Set<String> = ["Pod", "Deployment", "StatefulSet", "DaemonSet"]

    // MARK: - Manifests

    @Test("moat scan: every object validates against the Kubernetes 1.37 strict schemas and every workload scores above 0")
    func manifestsScoreAndValidate() async throws {
        let files = try Self.manifests()
        try #require(files.count >= 8, "deploy/ should hold the namespace, RBAC, policy, Deployment, Service and webhooks: \(files)")
        let run = try await MoatCLI.run(["scan"] + files)
        // kubesec's exit status: 2 when any object scores 0 or less, and kinds it does not score (Namespace,
        // Service, webhook configurations…) all score 0. 1 would be an error.
        #expect(run.status == 0 || run.status == 2, "\(run.commandLine) exited \(run.status): \(run.stdout) \(run.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")

        var objects: Set<String> = []
        for report in reports {
            let object = report["object"] as? String ?? "?"
            objects.insert(object)
            let message = report["message"] as? String ?? ""
            #expect(report["valid"] as? Bool == true, "\(object) does not validate: \(message)")
            let kind = String(object.prefix { $0 != "/" })
            let score = report["score"] as? Int ?? 0
            if Self.workloadKinds.contains(kind) {
                #expect(score > 0, "\(object) scores \(score): \(message)")
                let critical = (report["scoring"] as? [String: Any])?["critical"] as? [[String: Any]] ?? []
                #expect(critical.isEmpty, "\(object) has critical findings: \(critical.compactMap { $0["id"] as? String })")
            } else {
                #expect(message.contains("not supported"), "\(object) is not a workload, and kubesec says so: \(message)")
            }
        }
        for expected in [
            "Namespace/moat-system.default", "ServiceAccount/moat.moat-system", "ConfigMap/moat-policy.moat-system",
            "ConfigMap/moat-signing-keys.moat-system", "Deployment/moat.moat-system", "Service/moat.moat-system",
            "ValidatingWebhookConfiguration/moat-image-policy.default", "MutatingWebhookConfiguration/moat-image-policy.default",
        ] {
            #expect(objects.contains(expected), "moat scan did not report \(expected): \(objects.sorted())")
        }

        // The Deployment on its own passes outright (exit 0), with the hardening the restricted profile needs.
        let deployment = try await MoatCLI.run(["scan", Self.deploy + "/deployment.yaml"])
        #expect(deployment.status == 0, "\(deployment.stdout)")
        for rule in ["RunAsNonRoot", "RunAsUser", "ReadOnlyRootFilesystem", "CapDropAll", "SeccompAny", "AutomountServiceAccountToken",
                     "LimitsCPU", "LimitsMemory", "RequestsCPU", "RequestsMemory", "ServiceAccountName"] {
            #expect(deployment.stdout.contains("\"id\": \"\(rule)\""), "the Deployment should pass \(rule)")
        }
        // moat's image rules too: pinned by digest, no :latest, from the allowed registry, with pull credentials.
        let imageRules = try await MoatCLI.run(["scan", "--checks", "all", "--allowed-registries", "registry.example.com/moat",
                                          Self.deploy + "/deployment.yaml"])
        #expect(imageRules.status == 0, "\(imageRules.stdout)")
    }

    @Test("the Deployment: 2 replicas, non-root 65532, TLS from moat-webhook-tls, HTTPS probes, an emptyDir cache, pinned by digest")
    func deploymentShape() throws {
        let text = try Self.text("deployment.yaml")
        for needle in [
            "replicas: 2", "runAsNonRoot: true", "runAsUser: 65532", "runAsGroup: 65532", "readOnlyRootFilesystem: true",
            "allowPrivilegeEscalation: false", "drop: [\"ALL\"]", "type: RuntimeDefault", "automountServiceAccountToken: false",
            "secretName: moat-webhook-tls", "name: moat-policy", "--cache-dir=/var/cache/moat", "emptyDir:", "ephemeral-storage:",
            "path: /healthz", "path: /readyz", "scheme: HTTPS", "containerPort: 8443", "podAntiAffinity:", "topologySpreadConstraints:",
        ] {
            #expect(text.contains(needle), "deploy/deployment.yaml lacks \(needle)")
        }
        let image = try #require(text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("image:") })
        let digest = try #require(image.split(separator: "@").last, "the image is pinned by digest: \(image)")
        #expect(digest.hasPrefix("sha256:") && digest.dropFirst("sha256:".count).count == 64
                && digest.dropFirst("sha256:".count).allSatisfy(\.isHexDigit), "\(image)")

        let service = try Self.text("service.yaml")
        #expect(service.contains("port: 443") && service.contains("targetPort: https"), "the Service maps 443 to the pods' https (8443)")
        let namespace = try Self.text("namespace.yaml")
        #expect(namespace.contains("pod-security.kubernetes.io/enforce: restricted"))
    }

    @Test("the webhook configurations fail closed, have no side effects, answer within 10 s and never select moat-system")
    func webhookConfigurations() throws {
        for (file, path) in [("validating-webhook.yaml", "/validate"), ("mutating-webhook.yaml", "/mutate")] {
            let text = try Self.text(file)
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
            let webhooks = lines.filter { $0.hasPrefix("- name:") && $0.contains(".moat.dev") }.count
            #expect(webhooks >= 1, "\(file) declares no webhook")
            #expect(lines.filter { $0 == "failurePolicy: Fail" }.count == webhooks, "\(file): failurePolicy must be Fail")
            #expect(lines.filter { $0 == "sideEffects: None" }.count == webhooks, "\(file): sideEffects must be None")
            #expect(lines.filter { $0 == #"admissionReviewVersions: ["v1"]"# }.count == webhooks, "\(file): admissionReviewVersions [v1]")
            let timeouts = lines.filter { $0.hasPrefix("timeoutSeconds:") }.compactMap { Int($0.dropFirst("timeoutSeconds:".count).trimmingCharacters(in: .whitespaces)) }
            #expect(timeouts.count == webhooks && timeouts.allSatisfy { (1...10).contains($0) }, "\(file): timeoutSeconds \(timeouts)")
            #expect(text.contains("service: {namespace: moat-system, name: moat, path: \(path), port: 443}"), "\(file) calls moat at \(path)")
            #expect(text.contains("caBundle:"), "\(file) has a caBundle to fill in")
            for resource in ["\"pods\"", "\"pods/ephemeralcontainers\"", "\"replicationcontrollers\"", "\"podtemplates\"", "\"deployments\"",
                             "\"replicasets\"", "\"statefulsets\"", "\"daemonsets\"", "\"jobs\"", "\"cronjobs\""] {
                #expect(text.contains(resource), "\(file) does not cover \(resource)")
            }

            // namespaceSelector: kubernetes.io/metadata.name NotIn [..., moat-system]: moat never admits its own pods.
            let selector = try #require(lines.firstIndex { $0 == "namespaceSelector:" }, "\(file) has no namespaceSelector")
            let rest = lines[selector...]
            let key = try #require(rest.firstIndex { $0.hasSuffix("key: kubernetes.io/metadata.name") }, "\(file): selector key")
            let notIn = try #require(rest.firstIndex { $0 == "operator: NotIn" }, "\(file): the selector uses NotIn")
            let values = try #require(rest.first { $0.hasPrefix("values:") }, "\(file): selector values")
            #expect(key < notIn)
            for namespace in ["moat-system", "kube-system", "kube-public", "kube-node-lease"] {
                #expect(values.contains("\"\(namespace)\""), "\(file): the namespaceSelector must exclude \(namespace): \(values)")
            }
        }
        let mutating = try Self.text("mutating-webhook.yaml")
        #expect(mutating.contains("reinvocationPolicy: IfNeeded"))
    }

    @Test("ImagePolicyWebhook: fails closed and points the API server at https://moat.moat-system.svc:443/imagepolicy")
    func imagePolicyWebhook() throws {
        let admission = try Self.text("imagepolicy/admission-configuration.yaml")
        for needle in [
            "apiVersion: apiserver.config.k8s.io/v1", "kind: AdmissionConfiguration", "- name: ImagePolicyWebhook",
            "kubeConfigFile: /etc/kubernetes/imagepolicy/kubeconfig.yaml", "allowTTL:", "denyTTL:", "retryBackoff:",
            "defaultAllow: false",
        ] {
            #expect(admission.contains(needle), "admission-configuration.yaml lacks \(needle)")
        }
        let kubeconfig = try Self.text("imagepolicy/kubeconfig.yaml")
        for needle in [
            "kind: Config", "server: https://moat.moat-system.svc:443/imagepolicy", "certificate-authority:",
            "client-certificate:", "client-key:", "current-context:",
        ] {
            #expect(kubeconfig.contains(needle), "kubeconfig.yaml lacks \(needle)")
        }
    }

    // MARK: - Dockerfile

    @Test("moat lint passes the Dockerfile: multi-stage, digest-pinned, scratch final stage, USER 65532")
    func dockerfileLints() async throws {
        let dockerfile = TestEnvironment.packageRoot + "/Dockerfile"
        let run = try await MoatCLI.run(["lint", dockerfile])
        #expect(run.status == 0, "\(run.commandLine) exited \(run.status): \(run.stdout) \(run.stderr)")
        let json = try await MoatCLI.run(["lint", "--format", "json", "--failure-threshold", "style", dockerfile])
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        #expect(findings.isEmpty, "\(json.stdout)")
        #expect(json.status == 0)

        let text = try String(contentsOfFile: dockerfile, encoding: .utf8)
        #expect(text.contains("swift build -c release --product moat --static-swift-stdlib"))
        #expect(text.contains("\nFROM scratch\n") && text.contains("\nUSER 65532:65532\n") && text.contains(#"ENTRYPOINT ["/moat"]"#))
    }

    // MARK: - Image

    @Test("scripts/build-moat-image.sh builds an image with no shell, package manager or other forbidden tool, running as 65532")
    func imageHasOnlyTheBinaryAndItsLibraries() async throws {
        let binary = try MoatCLI.binary()
        let output = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let build = try await CommandRunner.run(
            "/bin/bash", [TestEnvironment.packageRoot + "/scripts/build-moat-image.sh", "--binary", binary, "--tag", "test", output],
            displayName: "scripts/build-moat-image.sh", timeout: .seconds(600))
        try #require(build.succeeded, "scripts/build-moat-image.sh exited \(build.status): \(build.standardError)")
        #expect(FileManager.default.fileExists(atPath: output + "/index.json"))

        let run = try await MoatCLI.run(["image", "--layout", output, "--scanners", "footprint", "--format", "json"])
        try #require(run.status == 0, "\(run.commandLine) exited \(run.status): \(run.stderr)")
        let report = try JSONDecoder().decode(FootprintReport.self, from: Data(run.stdout.utf8))

        // Shells, busybox, package managers, network and diagnostic tools, editors, debuggers, build tools,
        // sudo/su and interpreters: the whole forbidden-content family, not one finding of it.
        let forbidden = RuleCatalog.all.filter { $0.category == .forbiddenContent }
        #expect(forbidden.map(\.id).contains(RuleCatalog.shell.id) && forbidden.map(\.id).contains(RuleCatalog.networkTool.id))
        for rule in forbidden {
            #expect(report.findings(rule).isEmpty, "\(rule.id) \(rule.title): \(report.findings(rule).map { $0.path ?? $0.message })")
        }
        #expect(report.findings(RuleCatalog.runsAsRoot).isEmpty, "the image must not run as root")
        #expect(report.findings(RuleCatalog.setID).isEmpty && report.findings(RuleCatalog.worldWritable).isEmpty,
                "\(report.findings.map(\.ruleID))")
        #expect(report.image.user == "65532:65532")
        #expect(report.image.entrypoint == ["/moat"])
        #expect(report.image.names == ["test"])
        #expect(report.findings.allSatisfy { $0.severity < .high }, "\(report.findings.map { "\($0.ruleID) \($0.path ?? "")" })")
        #expect(report.verdict.minimal, "\(report.verdict.summary)")
        #expect(report.totals.layers == 1)
    }
}
