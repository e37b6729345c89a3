import Foundation
import MoatTesting
import Testing

/// `moat scan` validates documents against the Kubernetes schemas before scoring them, like kubesec.
@Suite("moat scan: Kubernetes schema validation")
struct ScanSchemaTests {
    static let schemaURL = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.37.0-standalone-strict/"

    /// A deployment kubesec refuses: no selector, replicas as a string.
    static let invalidDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: "3"
          template:
            spec:
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  readOnlyRootFilesystem: true

        """

    static let certificate = """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: site
        spec:
          dnsNames: [example.com]

        """

    static func write(_ text: String) throws -> String {
        try temporaryFile(Array(text.utf8), suffix: ".yaml")
    }

    static func reports(_ run: MoatRun) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")
    }

    @Test("an invalid manifest exits 2 with valid:false, score 0 and kubeconform's message")
    func invalidManifest() async throws {
        let file = try Self.write(Self.invalidDeployment)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try await MoatCLI.run(["scan", file])
        #expect(run.status == 2, "\(run.stderr)")
        let message = "problem validating schema. Check JSON formatting: jsonschema validation failed with '" + Self.schemaURL
            + "deployment-apps-v1.json#' - at '/spec': missing property 'selector' - at '/spec/replicas': got string, want null or integer\\n"
        #expect(run.stdout == """
            [
              {
                "object": "Deployment/web.default",
                "valid": false,
                "fileName": "\(file)",
                "message": "\(message)",
                "score": 0,
                "scoring": {}
              }
            ]

            """)
    }

    @Test("--skip-schema-validation scores the same manifest")
    func skipValidation() async throws {
        let file = try Self.write(Self.invalidDeployment)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try await MoatCLI.run(["scan", "--skip-schema-validation", file])
        #expect(run.status == 0, "\(run.stdout)")
        let report = try #require(try Self.reports(run).first)
        #expect(report["valid"] as? Bool == true)
        #expect(report["score"] as? Int == 1)
        #expect(report["message"] as? String == "Passed with a score of 1 points")
    }

    @Test("custom resources have no bundled schema; --schema-dir supplies one")
    func customResources() async throws {
        let file = try Self.write(Self.certificate)
        let directory = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let missing = try await MoatCLI.run(["scan", file])
        #expect(missing.status == 2)
        #expect(try Self.reports(missing).first?["message"] as? String == "could not find schema for Certificate")

        let schema = #"{"type":"object","additionalProperties":false,"properties":{"apiVersion":{"type":"string"},"# +
            #""kind":{"type":"string"},"metadata":{"type":"object"},"spec":{"type":"object","required":["secretName"]}}}"#
        let schemaFile = directory + "/certificate-cert-manager-v1.json"
        try Data(schema.utf8).write(to: URL(fileURLWithPath: schemaFile))
        let run = try await MoatCLI.run(["scan", "--schema-dir", directory, file])
        #expect(run.status == 2)
        let location = "file://" + URL(fileURLWithPath: schemaFile).standardizedFileURL.path + "#"
        #expect(try Self.reports(run).first?["message"] as? String
            == "problem validating schema. Check JSON formatting: jsonschema validation failed with '\(location)' - at '/spec': missing property 'secretName'\n")

        let fixed = try Self.write(Self.certificate.replacingOccurrences(of: "  dnsNames:", with: "  secretName: site-tls\n  dnsNames:"))
        defer { try? FileManager.default.removeItem(atPath: fixed) }
        let valid = try await MoatCLI.run(["scan", "--schema-dir", directory, fixed])
        #expect(try Self.reports(valid).first?["valid"] as? Bool == true)
        #expect(try Self.reports(valid).first?["message"] as? String == "This resource kind is not supported by kubesec")
    }

    @Test("another Kubernetes version needs local schemas, in kubeconform's layout")
    func otherVersions() async throws {
        let file = try Self.write(Self.invalidDeployment)
        let directory = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let refused = try await MoatCLI.run(["scan", "--kubernetes-version", "1.30.0", file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no schemas for Kubernetes 1.30.0: moat bundles Kubernetes 1.37.0 only"), "\(refused.stderr)")

        let versioned = directory + "/v1.30.0-standalone-strict"
        try FileManager.default.createDirectory(atPath: versioned, withIntermediateDirectories: true)
        try Data(#"{"type":"object","properties":{"spec":{"type":"object","required":["paused"]}}}"#.utf8)
            .write(to: URL(fileURLWithPath: versioned + "/deployment-apps-v1.json"))
        let run = try await MoatCLI.run(["scan", "--kubernetes-version", "v1.30.0", "--schema-dir", directory, file])
        let message = try #require(try Self.reports(run).first?["message"] as? String)
        #expect(message.hasSuffix("v1.30.0-standalone-strict/deployment-apps-v1.json#' - at '/spec': missing property 'paused'\n"), "\(message)")
    }

    @Test("kubesec's --schema-location: local directories work, remote ones are refused")
    func schemaLocation() async throws {
        let file = try Self.write(Self.invalidDeployment)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let remote = try await MoatCLI.run(["scan", "--schema-location", "https://example.com/schemas", file])
        #expect(remote.status == 1)
        #expect(remote.stderr.contains("is remote, and moat validates offline"), "\(remote.stderr)")
        let bundled = try await MoatCLI.run(["scan", "--schema-location", "default", file])
        #expect(try Self.reports(bundled).first?["valid"] as? Bool == false)
        // `moat serve` takes the same options and refuses the same settings before listening.
        let serve = try await MoatCLI.run(["serve", "--listen", "127.0.0.1:0", "--schema-location", "https://example.com/schemas"])
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("is remote, and moat validates offline"), "\(serve.stderr)")
    }

    @Test("a List is validated item by item")
    func listItems() async throws {
        let list = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: a, image: nginx}]}}
            - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}
            """
        let file = try Self.write(list)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try await MoatCLI.run(["scan", file])
        #expect(run.status == 2)
        let report = try #require(try Self.reports(run).first)
        #expect(report["object"] as? String == "List/undefined.default")
        #expect(report["valid"] as? Bool == false)
        #expect(report["message"] as? String == "could not find schema for Widget")
    }
}
