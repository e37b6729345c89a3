import Foundation
import Testing
@testable import ManifestLint

struct ManifestDocumentTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: []"
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns"

    @Test func multiDocumentYAMLKeepsDocumentOrder() throws {
        let results = try Fixture.scan("---\n" + Self.pod + "\n---\n\n---\n" + Self.configMap + "\n---\n")
        #expect(results.map(\.object) == ["Pod/a.default", "ConfigMap/c.ns"])
    }

    @Test(arguments: [
        ("a: 1\n---\r\nb: 2\n", 1),  // `---\r\n` does not split on Linux
        ("kind: A\n--- # c\nkind: B\n", 1),  // `--- # comment` does not split
        ("kind: A\n---\nkind: B\n---\nkind: C\n", 3),
    ])
    func splitsOnlyOnExactSeparator(_ yaml: String, _ count: Int) throws {
        #expect(try ManifestDocuments.decode(Data(yaml.utf8)).count == count)
    }

    @Test(arguments: ["", "   \n\t", "---", "\n---\n", "---\n"])
    func emptyInputIsInvalidInput(_ input: String) {
        #expect(throws: ManifestInputError.invalidInput) { try Fixture.scan(input) }
    }

    @Test func trailingEmptyDocumentAfterAReportIsFine() throws {
        #expect(try Fixture.scan(Self.pod + "\n---\n").count == 1)
    }

    @Test func commentOnlyDocumentEvaluatesAllRulesWithZeroMatches() throws {
        let result = try Fixture.single("# Source: chart/templates/empty.yaml\n")
        #expect(result.object == "Unknown")
        #expect(result.valid)
        #expect(result.message == "Passed with a score of 0 points")
        #expect(result.scoring.advise.count == KubesecRules.all.filter { $0.points >= 0 }.count)
        #expect(result.scoring.advise.contains { $0.id == "VolumeClaimRequestsStorage" })
    }

    @Test func listKindIsOneUnsupportedReport() throws {
        let yaml = "apiVersion: v1\nkind: List\nitems:\n- " + "apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
        let result = try Fixture.single(yaml)
        #expect(result.object == "List/undefined.default")
        #expect(result.message == KubesecScanner.notSupportedMessage)
    }

    @Test func listWithInvalidItemsIsInvalid() throws {
        let result = try Fixture.single("apiVersion: v1\nkind: List\nitems:\n- {}\n- {kind: Pod}\n")
        #expect(!result.valid)
        #expect(result.message == "error while parsing: missing 'kind' keyerror while parsing: missing 'apiVersion' key")
    }

    @Test func wholeInputJSONIsOneDocument() throws {
        let json = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"hostNetwork":true,"containers":[{"name":"a"}]}}"#
        let result = try Fixture.single(json)
        #expect(result.object == "Pod/j.default")
        #expect(result.score == -9)
    }

    @Test func jsonWithSeparatorInsideStringIsNotSplit() throws {
        let json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"m\"},\"data\":{\"k\":\"a\\n---\\nb\"}}\n"
        #expect(try Fixture.scan(json).count == 1)
    }

    @Test(arguments: [
        ("[]", "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        ("{}", "error while parsing: missing 'kind' key"),
        ("kind: Pod\napi_version: v1\n", "error while parsing: missing 'apiVersion' key"),
        ("just a string", "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"),
    ])
    func structurallyInvalidDocuments(_ input: String, _ message: String) throws {
        let result = try Fixture.single(input)
        #expect(!result.valid)
        #expect(result.message == message)
        #expect(result.score == 0 && result.scoring == KubesecScoring())
    }

    @Test func yaml11BooleansAndMergeKeys() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            base: &base
              hostNetwork: yes
            spec:
              <<: *base
              hostPID: on
              containers: []
            """
        // The `base` anchor lives at the top level, which the strict schema rejects: rules only.
        let result = try Fixture.single(yaml, options: Fixture.rulesOnly(["HostNetwork", "HostPID"]))
        #expect(result.score == -18)
    }

    @Test func yamlSyntaxErrorIsReportedPerDocumentByDefault() throws {
        let results = try Fixture.scan("a: b: c\n---\n" + Self.pod)
        #expect(results.count == 2)
        #expect(results[0].object == "Unknown" && !results[0].valid)
        #expect(results[0].message.hasPrefix("yaml: line 1:"))
        #expect(results[1].object == "Pod/a.default")
    }

    @Test func yamlSyntaxErrorTextMatchesGoYAML() throws {
        let result = try Fixture.single("apiVersion: v1\nkind: Pod: x\n")
        #expect(result.message == "yaml: line 2: mapping values are not allowed in this context")
    }

    @Test func yamlSyntaxErrorAbortsInKubesecMode() {
        let options = KubesecScanOptions(yamlErrors: .abortRun)
        #expect(throws: ManifestInputError.self) { try Fixture.scan("a: b: c\n---\n" + Self.pod, options: options) }
    }

    @Test func onlyFirstDocumentOfAPieceIsRead() throws {
        let results = try Fixture.scan(Self.configMap + "\n--- \n" + Self.pod)
        #expect(results.map(\.object) == ["ConfigMap/c.ns"])
    }
}
