import Foundation
import MoatTesting
import Testing

/// `moat serve --policy` over real HTTPS, with real ImageReview and AdmissionReview bodies as the API server sends them,
/// against Debian's real registry holding signed and unsigned images.
@Suite(.serialized) struct AdmissionWebhookTests {
    /// A running `moat serve` and the curl that talks to it.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        let caFile: String
        let curl: String
        let auditLog: String

        init(arguments: [String], tls: TLSFiles, auditLog: String) async throws {
            port = try LoopbackSocket.freePort()
            caFile = tls.caFile
            curl = try TestEnvironment.curl()
            self.auditLog = auditLog
            process.executableURL = URL(fileURLWithPath: try MoatCLI.binary())
            process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--tls-cert", tls.certificateFile, "--tls-key", tls.keyFile,
                                 "--audit-log", auditLog] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.runWithDefaultSignals()
            for _ in 0..<100 {
                if try await get("/readyz").succeeded { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("moat serve never became ready")
        }

        func get(_ path: String) async throws -> CommandResult {
            try await CommandRunner.run(curl, ["-fsS", "--cacert", caFile, "https://127.0.0.1:\(port)\(path)"], displayName: "curl \(path)")
        }

        func post(_ path: String, _ body: String) async throws -> [String: Any] {
            let result = try await CommandRunner.run(curl, ["-sS", "--cacert", caFile, "-H", "Content-Type: application/json", "--data-binary", body,
                                                            "https://127.0.0.1:\(port)\(path)"], displayName: "curl \(path)")
            return try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any], "\(result.standardOutputText)")
        }

        func stop() {
            if !process.stop(grace: 10) { Issue.record("moat serve did not stop within 10 s of SIGTERM") }
        }
    }

    static func imageReview(_ images: [String], namespace: String = "prod", annotations: [String: String] = [:]) -> String {
        let containers = images.map { #"{"image":"\#($0)"}"# }.joined(separator: ",")
        let annotationText = annotations.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
        return #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{"containers":[\#(containers)],"annotations":{\#(annotationText)},"namespace":"\#(namespace)"}}"#
    }

    /// A Deployment CREATE as the API server sends it to a validating or mutating webhook.
    static func deploymentReview(uid: String, image: String, namespace: String = "prod", annotations: String = "{}") -> String {
        #"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\#(uid)","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"requestResource":{"group":"apps","version":"v1","resource":"deployments"},"name":"web","namespace":"\#(namespace)","operation":"CREATE","userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"\#(namespace)","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"},"annotations":\#(annotations)},"spec":{"containers":[{"name":"app","image":"\#(image)","resources":{}}]}},"strategy":{}},"status":{}},"oldObject":null,"dryRun":false,"options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply"}}}
        """#
    }

    @Test func webhooksEnforceThePolicyOverHTTPS() async throws {
        let images = try MoatCLI.images()
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let (registry, work, insecure) = (workspace.registry, workspace.work, workspace.insecure)
        let host = registry.host
        for (source, target) in [("minbase", "team/app:1"), ("scratch", "team/unsigned:1"), ("scratch", "team/lazy:latest"), ("scratch", "team/later:2")] {
            try await MoatCLI.copy("oci:" + images + "/\(source).oci", "docker://\(host)/\(target)", insecure)
        }
        let password = ["MOAT_PASSWORD": ""]
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/k"], environment: password)
        let sign = try await MoatCLI.run(["sign", "--key", work + "/k.key", "\(host)/team/app:1"] + insecure, environment: password)
        #expect(sign.status == 0, "\(sign.stderr)")
        let digest = sign.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let policy = """
        apiVersion: moat.dev/v1alpha1
        kind: ImagePolicy
        failurePolicy: closed
        breakGlass:
          annotation: break-glass.image-policy.k8s.io/ticket
        rules:
          allowedRegistries:
            patterns: ["\(host)/team/**"]
          forbiddenTags: {tags: ["latest"]}
          pinDigests: {mode: enforce}
          requireSignature:
            - scope: ["\(host)/team/**"]
              keys: ["\(work)/k.pub"]
          footprint:
            deny: [shell]
            mode: audit
        """
        try Data(policy.utf8).write(to: URL(fileURLWithPath: work + "/policy.yaml"))
        let tls = try TestCertificateAuthority().writeServerFiles(to: URL(fileURLWithPath: work + "/tls"))
        let server = try await Server(arguments: ["--policy", work + "/policy.yaml", "--fact-deadline", "3", "--cache-dir", work + "/cache"] + insecure,
                                      tls: tls, auditLog: work + "/audit.jsonl")
        defer { server.stop() }

        // ImagePolicyWebhook: signed and allowed (the shell is only audited); unsigned, bypass attempts and :latest denied.
        let signed = try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/app:1"]))
        #expect(signed["apiVersion"] as? String == "imagepolicy.k8s.io/v1alpha1")
        let signedStatus = try #require(signed["status"] as? [String: Any])
        #expect(signedStatus["allowed"] as? Bool == true, "\(signedStatus)")
        let unsigned = try #require(try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/unsigned:1"]))["status"] as? [String: Any])
        #expect(unsigned["allowed"] as? Bool == false)
        #expect((unsigned["reason"] as? String)?.contains("requireSignature") == true, "\(unsigned)")
        for bypass in ["\(host)/teamevil/app:1", "docker.io/libraryevil/x:1", "127.0.0.1.evil.com/team/app:1"] {
            let denied = try #require(try await server.post("/imagepolicy", Self.imageReview([bypass]))["status"] as? [String: Any])
            #expect(denied["allowed"] as? Bool == false, "\(bypass) must not pass the allow-list")
            #expect((denied["reason"] as? String)?.contains("allowedRegistries") == true, "\(denied)")
        }
        let latest = try #require(try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/lazy"]))["status"] as? [String: Any])
        #expect((latest["reason"] as? String)?.contains("forbiddenTags") == true, "\(latest)")
        let glass = try #require(try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/unsigned:1"],
            annotations: ["break-glass.image-policy.k8s.io/ticket": "INC-42"]))["status"] as? [String: Any])
        #expect(glass["allowed"] as? Bool == true, "break-glass admits, audited: \(glass)")
        #expect((glass["auditAnnotations"] as? [String: String])?["break-glass"] == "true")

        // Validating webhook: uid echoed, denial names the image and the rule.
        let allowed = try #require(try await server.post("/validate", Self.deploymentReview(uid: "u-1", image: "\(host)/team/app:1"))["response"] as? [String: Any])
        #expect(allowed["uid"] as? String == "u-1")
        #expect(allowed["allowed"] as? Bool == true, "\(allowed)")
        #expect(allowed["patch"] == nil && allowed["patchType"] == nil, "a validating answer never patches")
        #expect((allowed["warnings"] as? [String])?.contains { $0.contains("footprint") } == true, "audit-mode footprint warns: \(allowed)")
        let denied = try #require(try await server.post("/validate", Self.deploymentReview(uid: "u-2", image: "\(host)/team/unsigned:1"))["response"] as? [String: Any])
        #expect(denied["uid"] as? String == "u-2")
        #expect(denied["allowed"] as? Bool == false)
        let status = try #require(denied["status"] as? [String: Any])
        #expect(status["code"] as? Int == 403)
        #expect((status["message"] as? String)?.contains("\(host)/team/unsigned:1") == true, "\(status)")

        // Mutating webhook: the allowed image is pinned to its digest with a JSONPatch.
        let mutated = try #require(try await server.post("/mutate", Self.deploymentReview(uid: "u-3", image: "\(host)/team/app:1"))["response"] as? [String: Any])
        #expect(mutated["patchType"] as? String == "JSONPatch")
        let patch = try #require((mutated["patch"] as? String).flatMap { Data(base64Encoded: $0) })
        let operations = try #require(try JSONSerialization.jsonObject(with: patch) as? [[String: String]])
        #expect(operations.first?["op"] == "replace")
        #expect(operations.first?["path"] == "/spec/template/spec/containers/0/image")
        #expect(operations.first?["value"] == "\(host)/team/app:1@\(digest)", "\(operations)")

        // Registry down: a tag never resolved cannot be, and the decision fails closed within the deadline.
        await registry.stop()
        let started = Date()
        let down = try #require(try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/later:2"]))["status"] as? [String: Any])
        #expect(down["allowed"] as? Bool == false, "fail-closed: \(down)")
        #expect(Date().timeIntervalSince(started) < 8, "decided within the deadline")
        // Warm facts keep working without the registry.
        let warm = try #require(try await server.post("/imagepolicy", Self.imageReview(["\(host)/team/app:1"]))["status"] as? [String: Any])
        #expect(warm["allowed"] as? Bool == true, "cached facts: \(warm)")

        let metrics = try await server.get("/metrics")
        #expect(metrics.standardOutputText.contains("moat_admission_decisions_total"))
        #expect(metrics.standardOutputText.contains("moat_admission_fact_cache_total{fact=\"digest\",result=\"hit\"}"), "the cache-hit ratio is exported")
        #expect(metrics.standardOutputText.contains("moat_admission_denials_total{rule=\"allowedRegistries\"}"))
        // Audit lines are written in batches every 50 ms.
        var audit: [Substring] = []
        for _ in 0..<100 where audit.count < 10 {
            audit = try String(contentsOfFile: work + "/audit.jsonl", encoding: .utf8).split(separator: "\n")
            if audit.count < 10 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(audit.count >= 10, "one audit line per decision")
        #expect(audit.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        #expect(!audit.joined().contains("INC-42"), "annotation values are not audited")
    }

    @Test func policyCheckDecidesBeforeDeploying() async throws {
        let images = try MoatCLI.images()
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let (registry, work, insecure) = (workspace.registry, workspace.work, workspace.insecure)
        let host = registry.host
        for target in ["team/app:1", "team/unsigned:1"] {
            try await MoatCLI.copy("oci:" + images + "/scratch.oci", "docker://\(host)/\(target)", insecure)
        }
        // The same content under two names: only team/app is signed (the signature names its repository).
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/k"], environment: ["MOAT_PASSWORD": ""])
        let sign = try await MoatCLI.run(["sign", "--key", work + "/k.key", "\(host)/team/app:1"] + insecure, environment: ["MOAT_PASSWORD": ""])
        #expect(sign.status == 0, "\(sign.stderr)")
        let policy = """
        apiVersion: moat.dev/v1alpha1
        kind: ImagePolicy
        rules:
          allowedRegistries:
            patterns: ["\(host)/team/**"]
          requireSignature:
            - keys: ["k.pub"]
        """
        try Data(policy.utf8).write(to: URL(fileURLWithPath: work + "/policy.yaml"))
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: good}
        spec:
          selector: {matchLabels: {app: good}}
          template:
            metadata: {labels: {app: good}}
            spec:
              containers: [{name: app, image: "\(host)/team/app:1"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: bad}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: unsigned, image: "\(host)/team/unsigned:1"}, {name: foreign, image: "docker.io/library/nginx:1.27"}]
        """
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: work + "/app.yaml"))

        let good = try await MoatCLI.run(["policy", "check", "--policy", work + "/policy.yaml", "\(host)/team/app:1"] + insecure)
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout.contains("ALLOWED"))
        let checked = try await MoatCLI.run(["policy", "check", "--policy", work + "/policy.yaml", "-f", work + "/app.yaml"] + insecure)
        #expect(checked.status == 1, "a denied container fails the check: \(checked.stdout) \(checked.stderr)")
        #expect(checked.stdout.contains("Deployment/good (namespace default): ALLOWED"), "\(checked.stdout)")
        #expect(checked.stdout.contains("Job/bad (namespace default): DENIED"))
        #expect(checked.stdout.contains("container unsigned"))
        #expect(checked.stdout.contains("DENY  requireSignature"), "\(checked.stdout)")
        #expect(checked.stdout.contains("DENY  allowedRegistries"), "nginx comes from Docker Hub: \(checked.stdout)")
        let json = try await MoatCLI.run(["policy", "check", "--policy", work + "/policy.yaml", "-f", work + "/app.yaml", "--output", "json"] + insecure)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["allowed"] as? Bool } == [true, false])
        let broken = try await MoatCLI.run(["policy", "check", "--policy", work + "/app.yaml", "\(host)/team/app:1"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("app.yaml"), "a bad policy names the file: \(broken.stderr)")
    }

    @Test func vulnerabilityAndFootprintRulesOnRealAlpineImages() async throws {
        let cache = try await VulnerabilityScanTests.alpineCache()
        let vulnerable = try VulnerabilityScanTests.oldAlpineImage()
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        let images = try MoatCLI.images()
        let registry = try await RegistryServer.start(.plain)
        defer {
            Task { await registry.stop() }
            try? FileManager.default.removeItem(atPath: cache)
            try? FileManager.default.removeItem(atPath: vulnerable)
        }
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let insecure = ["--insecure-registry", registry.host]
        let host = registry.host
        // moat copy reads blobs one by one, which a gzip of the whole archive does not allow.
        let unpacked = try await CommandRunner.run("/bin/sh", ["-c", "gzip -dc \"$0\" > \"$1\"", shared + "/images/alpine-3.10.docker.tar.gz",
                                                               work + "/alpine-3.10.tar"], displayName: "gzip -dc alpine-3.10")
        #expect(unpacked.succeeded, "\(unpacked.standardError)")
        for (source, target) in [("docker-archive:" + vulnerable, "apps/old-apk:3.10"),
                                 ("docker-archive:" + work + "/alpine-3.10.tar", "apps/alpine:3.10"),
                                 ("oci:" + images + "/scratch.oci", "apps/scratch:1")] {
            try await MoatCLI.copy(source, "docker://\(host)/\(target)", insecure, cacheDirectory: cache)
        }
        let policy = """
        apiVersion: moat.dev/v1alpha1
        kind: ImagePolicy
        rules:
          vulnerabilities:
            blockSeverities: [UNKNOWN, HIGH, CRITICAL]
            allow:
              - {id: CVE-2019-14697, expires: 2000-01-01, reason: "expired long ago"}
          footprint:
            deny: [shell, package-manager]
        """
        try Data(policy.utf8).write(to: URL(fileURLWithPath: work + "/policy.yaml"))
        func check(_ image: String) async throws -> MoatRun {
            try await MoatCLI.run(["policy", "check", "--policy", work + "/policy.yaml", "\(host)/apps/\(image)"] + insecure, cacheDirectory: cache)
        }
        let old = try await check("old-apk:3.10")
        #expect(old.status == 1)
        #expect(old.stdout.contains("DENY  vulnerabilities"), "24 known CVEs in the old apk database: \(old.stdout)")
        #expect(old.stdout.contains("CVE-2019-14697"), "the expired allowance does not excuse it: \(old.stdout)")
        let alpine = try await check("alpine:3.10")
        #expect(alpine.status == 1)
        #expect(alpine.stdout.contains("pass  vulnerabilities"), "the real Alpine 3.10 image has no known CVE: \(alpine.stdout)")
        #expect(alpine.stdout.contains("DENY  footprint"), "busybox and apk are a shell and a package manager: \(alpine.stdout)")
        let scratch = try await check("scratch:1")
        #expect(scratch.status == 0, "a clean, minimal image passes: \(scratch.stdout) \(scratch.stderr)")
    }

    @Test func webhooksNeedTLSUnlessInsecureDev() async throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data("apiVersion: moat.dev/v1alpha1\nkind: ImagePolicy\nrules: {}\n".utf8).write(to: URL(fileURLWithPath: work + "/p.yaml"))
        let refused = try await MoatCLI.run(["serve", "--policy", work + "/p.yaml"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("need TLS"), "\(refused.stderr)")
        let warned = try await MoatCLI.run(["policy", "check", "--policy", work + "/p.yaml", "scratch"])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("warning: \(work)/p.yaml:3:1: the policy has no rules"), "load warnings are shown: \(warned.stderr)")
    }
}
