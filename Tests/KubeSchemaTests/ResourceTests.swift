import Testing
@testable import KubeSchema

/// kubeconform's handling of whole resources: signatures, Lists, unknown kinds.
struct ResourceTests {
    static let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx"}]}}"#
    static let deploymentWithoutSelector =
        #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{}}}"#

    @Test func listItemsAreValidatedOneByOne() throws {
        let list = #"{"apiVersion":"v1","kind":"List","items":["# + Self.pod + "," + Self.deploymentWithoutSelector
            + #",null,{"apiVersion":"example.com/v1","kind":"Widget"},{"kind":"Pod"},7]}"#
        #expect(try Documents.validate(list) == [
            .valid,
            Documents.invalid("deployment-apps-v1.json", "- at '/spec': missing property 'selector'"),
            .empty,
            .error("could not find schema for Widget"),
            .error("error while parsing: missing 'apiVersion' key"),
            .error("error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type map[string]interface {}"),
        ])
    }

    @Test(arguments: ["List", "list", "LIST"])
    func listKindIsMatchedCaseInsensitively(_ kind: String) throws {
        let list = #"{"apiVersion":"v1","kind":"\#(kind)","items":["# + Self.deploymentWithoutSelector + "]}"
        #expect(try Documents.validate(list) == [Documents.invalid("deployment-apps-v1.json", "- at '/spec': missing property 'selector'")])
    }

    @Test func emptyListHasNothingToValidate() throws {
        #expect(try Documents.validate(#"{"apiVersion":"v1","kind":"List"}"#).isEmpty)
        #expect(try Documents.validate(#"{"apiVersion":"v1","kind":"List","items":"nope"}"#).isEmpty)
    }

    @Test func customResourceHasNoSchema() throws {
        let crd = #"{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"c"},"spec":{}}"#
        #expect(try Documents.validate(crd) == [.error("could not find schema for Certificate")])
    }

    @Test(arguments: [
        #"{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"d"},"spec":{}}"#,
        #"{"apiVersion":"policy/v1beta1","kind":"PodSecurityPolicy","metadata":{"name":"p"},"spec":{}}"#,
        #"{"apiVersion":"apps/v1","kind":"Deployment2","metadata":{"name":"d"}}"#,
    ])
    func removedOrMisspelledAPIsHaveNoSchema(_ document: String) throws {
        let outcomes = try Documents.validate(document)
        #expect(outcomes.count == 1)
        guard case .error(let message) = outcomes.first else {
            Issue.record("expected an error, got \(outcomes)")
            return
        }
        #expect(message.hasPrefix("could not find schema for "))
    }

    @Test(arguments: [
        ("{}", "error while parsing: missing 'kind' key"),
        (#"{"kind":"Pod"}"#, "error while parsing: missing 'apiVersion' key"),
        (#"{"kind":"","apiVersion":"v1"}"#, "error while parsing: missing 'kind' key"),
        (#"{"kind":5,"apiVersion":"v1"}"#,
         "error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field .Kind of type string"),
        (#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":7}}"#,
         "error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field .Metadata.Name of type string"),
        (#"{"kind":"Pod","apiVersion":"v1","metadata":[]}"#,
         #"error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .Metadata of type struct { Name string "yaml:\"name\""; Namespace string "yaml:\"namespace\""; GenerateName string "yaml:\"generateName\"" }"#),
        ("[]", "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ])
    func signatureProblems(_ document: String, _ message: String) throws {
        #expect(try Documents.validate(document) == [.error(message)])
    }

    @Test func nullDocumentIsEmpty() throws {
        #expect(try Documents.validate("null") == [.empty])
    }

    @Test func everyBundledKindCompiles() {
        let library = BundledSchemaLibrary.shared
        #expect(library.fileNames.count == 203)
        for file in library.fileNames {
            let result = library.schema(fileName: file, displayLocation: Documents.url(file))
            guard case .success = result else {
                Issue.record("\(file) did not compile: \(String(describing: result))")
                continue
            }
        }
    }

    @Test func kindSuffixFollowsKubeconform() {
        #expect(SchemaPathVariables(kind: "Deployment", apiVersion: "apps/v1", kubernetesVersion: "1.37.0").fileName
            == "deployment-apps-v1.json")
        #expect(SchemaPathVariables(kind: "RoleBinding", apiVersion: "rbac.authorization.k8s.io/v1", kubernetesVersion: "1.37.0").fileName
            == "rolebinding-rbac-v1.json")
        #expect(SchemaPathVariables(kind: "Pod", apiVersion: "v1", kubernetesVersion: "master").fileName == "pod-v1.json")
        #expect(SchemaPathVariables(kind: "Pod", apiVersion: "v1", kubernetesVersion: "master").normalizedKubernetesVersion == "master")
        #expect(SchemaPathVariables(kind: "CronJob", apiVersion: "Batch/V1", kubernetesVersion: "1.30.0").fileName
            == "cronjob-batch-v1.json")
    }
}
