import Foundation
import KubeSchema
import Testing
@testable import ManifestLint

/// kubesec's validation step in the scanner: invalid documents get valid:false, score 0, empty scoring and
/// kubeconform's message; the rules do not run.
struct SchemaValidationTests {
    static let schemaURL = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.37.0-standalone-strict/"

    static let deploymentWithoutSelector = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: "3"
          template:
            spec:
              hostNetwork: true
              containers:
              - name: web
                image: nginx
        """

    static func expectInvalid(_ result: KubesecResult, message: String) {
        #expect(!result.valid)
        #expect(result.score == 0)
        #expect(result.scoring == KubesecScoring())
        #expect(result.message == message)
    }

    @Test func invalidDeploymentIsNotScored() throws {
        let result = try Fixture.single(Self.deploymentWithoutSelector)
        #expect(result.object == "Deployment/web.default")
        Self.expectInvalid(result, message: "problem validating schema. Check JSON formatting: jsonschema validation failed with '"
            + Self.schemaURL + "deployment-apps-v1.json#' - at '/spec': missing property 'selector'"
            + " - at '/spec/replicas': got string, want null or integer\n")
        #expect(KubesecScanner.exitCode(for: [result]) == 2)
    }

    @Test func invalidReportJSONIsKubesecs() throws {
        let results = try KubesecScanner.scan(data: Data(Self.deploymentWithoutSelector.utf8), fileName: "d.yaml")
        #expect(KubesecJSON.encodeCompact(results[0]) == #"{"object":"Deployment/web.default","valid":false,"fileName":"d.yaml","message":"problem validating schema. Check JSON formatting: jsonschema validation failed with '"#
            + Self.schemaURL + #"deployment-apps-v1.json#' - at '/spec': missing property 'selector' - at '/spec/replicas': got string, want null or integer\n","score":0,"scoring":{}}"#)
    }

    @Test func skippingValidationScoresTheDocument() throws {
        let result = try Fixture.single(Self.deploymentWithoutSelector, options: KubesecScanOptions(schemaValidator: nil))
        #expect(result.valid)
        #expect(result.score < 0)
        #expect(Fixture.ids(result.scoring.critical) == ["HostNetwork"])
    }

    @Test func unknownFieldInAContainer() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContxt: {privileged: true}\n"
        Self.expectInvalid(try Fixture.single(yaml), message: "problem validating schema. Check JSON formatting: jsonschema validation failed with '"
            + Self.schemaURL + "pod-v1.json#' - at '/spec/containers/0': additional properties 'securityContxt' not allowed\n")
    }

    @Test func customResourceHasNoSchema() throws {
        let yaml = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: s}\n"
        let result = try Fixture.single(yaml)
        #expect(result.object == "Certificate/c.default")
        Self.expectInvalid(result, message: "could not find schema for Certificate")
    }

    @Test func yamlNumbersFollowGoDecoding() throws {
        let template = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}, replicas: REPLICAS}\n"
        for integral in ["3", "3.0", "3e2", "0x10", "12345678901234567890"] {
            #expect(try Fixture.single(template.replacingOccurrences(of: "REPLICAS", with: integral)).valid, "\(integral)")
        }
        let fractional = try Fixture.single(template.replacingOccurrences(of: "REPLICAS", with: "2.5"))
        #expect(fractional.message.hasSuffix("- at '/spec/replicas': got number, want null or integer\n"))
        let tooLarge = try Fixture.single(template.replacingOccurrences(of: "REPLICAS", with: "1e400"))
        #expect(tooLarge.message.hasSuffix("- at '/spec/replicas': got string, want null or integer\n"))
    }

    /// kubeconform expands a List: Invalid items end with a newline, Error items do not.
    @Test func listItemsAreConcatenated() throws {
        let yaml = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: apps/v1, kind: Deployment, metadata: {name: a}, spec: {template: {}}}
            - {apiVersion: example.com/v1, kind: Widget}
            - {apiVersion: v1, kind: Pod, metadata: {name: ok}}
            - {apiVersion: v1, kind: Service, spec: {ports: [{port: 80, targetPort: true}]}}
            """
        let result = try Fixture.single(yaml)
        #expect(result.object == "List/undefined.default")
        Self.expectInvalid(result, message:
            "problem validating schema. Check JSON formatting: jsonschema validation failed with '" + Self.schemaURL
                + "deployment-apps-v1.json#' - at '/spec': missing property 'selector'\n"
                + "could not find schema for Widget"
                + "problem validating schema. Check JSON formatting: jsonschema validation failed with '" + Self.schemaURL
                + "service-v1.json#' - at '/spec/ports/0/targetPort': 'oneOf' failed, none matched"
                + "   - at '/spec/ports/0/targetPort': got boolean, want null or string"
                + "   - at '/spec/ports/0/targetPort': got boolean, want null or integer\n")
    }

    @Test func repeatedJSONKeysFailStrictDecoding() throws {
        let json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"a\",\n  \"name\": \"b\"},\n \"kind\": \"ConfigMap\"}"
        let result = try Fixture.single(json)
        #expect(result.object == "ConfigMap/b.default")
        Self.expectInvalid(result, message: "error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n"
            + "  line 3: key \"name\" already set in map\n  line 4: key \"kind\" already set in map")
        #expect(try Fixture.single(json, options: KubesecScanOptions(schemaValidator: nil)).valid)
    }

    /// go-yaml decodes a member's value before it stores the member, so repeats inside come first.
    @Test func repeatedKeysInsideARepeatedMemberComeFirst() throws {
        let json = #"{"kind":"ConfigMap","apiVersion":"v1","data":{},"data":{"b":"1","b":"2"}}"#
        Self.expectInvalid(try Fixture.single(json), message: "error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n"
            + "  line 1: key \"b\" already set in map\n  line 1: key \"data\" already set in map")
    }

    @Test func repeatedKeysInsideAListAreReEncodedAway() throws {
        let json = #"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","kind":"ConfigMap","metadata":{"name":"c"}}]}"#
        let result = try Fixture.single(json)
        #expect(result.valid)
        #expect(result.message == KubesecScanner.notSupportedMessage)
    }

    @Test func commentOnlyDocumentIsStillValid() throws {
        #expect(try Fixture.single("# nothing here\n").valid)
    }

    @Test func customSchemaDirectory() throws {
        let directory = NSTemporaryDirectory() + "manifestlint-schemas-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let schema = #"{"type":"object","required":["spec"],"properties":{"spec":{"type":"object","required":["secretName"]}}}"#
        try Data(schema.utf8).write(to: URL(fileURLWithPath: directory + "/certificate-cert-manager-v1.json"))
        let settings = try SchemaSettings.resolve(kubernetesVersion: nil, schemaLocations: [], schemaDirectories: [directory], environment: [:])
        let options = KubesecScanOptions(schemaValidator: try KubernetesSchemaValidator(settings: settings))
        let good = try Fixture.single("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: s}\n", options: options)
        #expect(good.valid && good.message == KubesecScanner.notSupportedMessage)
        let bad = try Fixture.single("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {}\n", options: options)
        let file = "file://" + URL(fileURLWithPath: directory + "/certificate-cert-manager-v1.json").standardizedFileURL.path
        Self.expectInvalid(bad, message: "problem validating schema. Check JSON formatting: jsonschema validation failed with '"
            + file + "#' - at '/spec': missing property 'secretName'\n")
        // The bundled schemas still serve the built-in kinds.
        #expect(try Fixture.single(Self.deploymentWithoutSelector, options: options).valid == false)
    }

    /// A sanity figure, not a timed assertion: the cost of validating a typical Pod once its schema is compiled.
    @Test func validationCostOfATypicalPod() throws {
        let pod = try #require(try ManifestDocuments.decode(Data(Self.typicalPod.utf8)).first)
        guard case .value(let value) = pod else {
            Issue.record("expected a decoded document")
            return
        }
        let validator = KubernetesSchemaValidator.bundled
        #expect(validator.validate(value.jsonValue) == [.valid])
        let rounds = 2_000
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds { _ = validator.validate(value.jsonValue) }
        }
        print("schema validation of a typical Pod (conversion included): \(elapsed / rounds) per document")
    }

    static let typicalPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels: {app: web, tier: frontend}
        spec:
          serviceAccountName: web
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: web
              image: registry.example.com/shop/web:1.4.2
              ports: [{containerPort: 8080, name: http}]
              env: [{name: MODE, value: production}]
              securityContext:
                runAsUser: 10001
                readOnlyRootFilesystem: true
                allowPrivilegeEscalation: false
                capabilities: {drop: ["ALL"]}
              resources:
                limits: {cpu: 500m, memory: 256Mi}
                requests: {cpu: 100m, memory: 128Mi}
              readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
        """
}
