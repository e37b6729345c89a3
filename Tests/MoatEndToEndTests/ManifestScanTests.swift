import Foundation
import MoatTesting
import Testing

@Suite("moat scan (kubesec-compatible)")
struct ManifestScanTests {
    static func write(_ text: String) throws -> String {
        try temporaryFile(Array(text.utf8), suffix: ".yaml")
    }

    static let goodPod = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: kubesec-demo
    spec:
      containers:
      - name: kubesec-demo
        image: gcr.io/google-samples/node-hello:1.0
        securityContext:
          readOnlyRootFilesystem: true
    """

    static let privilegedDeployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels:
          app: web
      template:
        spec:
          hostNetwork: true
          containers:
          - name: web
            image: docker.io/libraryevil/nginx:latest
            securityContext:
              privileged: true
    """

    @Test("a scoring pod exits 0 with kubesec's JSON; a privileged deployment exits 2 with critical findings")
    func scoring() async throws {
        let good = try Self.write(Self.goodPod)
        let bad = try Self.write(Self.privilegedDeployment)
        defer {
            try? FileManager.default.removeItem(atPath: good)
            try? FileManager.default.removeItem(atPath: bad)
        }
        let passed = try await MoatCLI.run(["scan", good])
        #expect(passed.status == 0, "\(passed.stdout)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(passed.stdout.utf8)) as? [[String: Any]])
        #expect(results.first?["object"] as? String == "Pod/kubesec-demo.default")
        #expect(results.first?["score"] as? Int == 1)
        #expect(passed.stdout.hasPrefix("[\n  {\n    \"object\": \"Pod/kubesec-demo.default\",\n    \"valid\": true,"))
        let failed = try await MoatCLI.run(["scan", bad])
        #expect(failed.status == 2)
        let critical = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [[String: Any]])
        let ids = ((critical.first?["scoring"] as? [String: Any])?["critical"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(ids.contains("Privileged") && ids.contains("HostNetwork"), "\(ids)")
        #expect(try await MoatCLI.run(["scan", "--exit-code", "0", bad]).status == 0)
        let table = try await MoatCLI.run(["scan", "--format", "table", bad])
        #expect(table.stdout.contains("CRITICAL  Privileged"), "\(table.stdout)")
        let sarif = try await MoatCLI.run(["scan", "--format", "sarif", bad])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        #expect(sarif.stdout.contains("\"ruleId\" : \"Privileged\""))
    }

    @Test("image rules join only with --checks all; the allow-list matches path components, not string prefixes")
    func imageRules() async throws {
        let bad = try Self.write(Self.privilegedDeployment)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let plain = try await MoatCLI.run(["scan", bad])
        #expect(!plain.stdout.contains("ImageRegistryNotAllowed"))
        let checked = try await MoatCLI.run(["scan", "--checks", "all", "--allowed-registries", "docker.io/library", bad])
        #expect(checked.stdout.contains("ImageRegistryNotAllowed"), "docker.io/library must not admit docker.io/libraryevil: \(checked.stdout)")
        #expect(checked.stdout.contains("ImageLatestTag"))
    }

    @Test("errors exit 1 with kubesec's capitalised message on stdout; standard input is read with -")
    func errors() async throws {
        let missing = try await MoatCLI.run(["scan", "/nonexistent/pod.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stdout == "Open /nonexistent/pod.yaml: no such file or directory\n")
        let broken = try Self.write("a: b: c\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let yaml = try await MoatCLI.run(["scan", broken])
        #expect(yaml.status == 1)
        #expect(yaml.stdout.hasPrefix("Yaml: line 1: mapping values are not allowed"), "\(yaml.stdout)")
        let empty = try Self.write("")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try await MoatCLI.run(["scan", empty]).stdout == "Invalid input\n")
    }
}
