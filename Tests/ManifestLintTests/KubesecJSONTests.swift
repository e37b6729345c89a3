import Foundation
import Testing
@testable import ManifestLint

struct KubesecJSONTests {
    static let capSysAdmin = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: security-context-demo
        spec:
          containers:
          - name: sec-ctx-demo
            image: gcr.io/google-samples/node-hello:1.0
            securityContext:
              capabilities:
                add: ["NET_ADMIN", "SYS_ADMIN"]
        """

    @Test func specExampleForCapSysAdminIsByteIdentical() throws {
        let results = try KubesecScanner.scan(
            data: Data(Self.capSysAdmin.utf8), fileName: "score-0-cap-sys-admin.yml",
            options: KubesecScanOptions(ruleIDs: ["CapSysAdmin", "ApparmorAny", "ServiceAccountName"]))
        let expected = """
            [
              {
                "object": "Pod/security-context-demo.default",
                "valid": true,
                "fileName": "score-0-cap-sys-admin.yml",
                "message": "Failed with a score of -30 points",
                "score": -30,
                "scoring": {
                  "critical": [
                    {
                      "id": "CapSysAdmin",
                      "selector": "containers[] .securityContext .capabilities .add == SYS_ADMIN",
                      "reason": "CAP_SYS_ADMIN is the most privileged capability and should always be avoided",
                      "points": -30
                    }
                  ],
                  "advise": [
                    {
                      "id": "ApparmorAny",
                      "selector": ".spec .securityContext .appArmorProfile .type | .spec .containers[] .securityContext .appArmorProfile .type | .spec .initContainers[] .securityContext .appArmorProfile .type | .spec .ephemeralContainers[] .securityContext .appArmorProfile .type",
                      "reason": "Well defined AppArmor policies may provide greater protection from unknown threats.",
                      "points": 3
                    },
                    {
                      "id": "ServiceAccountName",
                      "selector": ".spec .serviceAccountName",
                      "reason": "Service accounts restrict Kubernetes API access and should be configured with least privilege",
                      "points": 3
                    }
                  ]
                }
              }
            ]
            """
        #expect(KubesecJSON.encode(results) == expected)
    }

    @Test func unsupportedKindShape() throws {
        let results = try Fixture.scan("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n")
        #expect(KubesecJSON.encode(results) == """
            [
              {
                "object": "ConfigMap/config.default",
                "valid": true,
                "fileName": "x.yaml",
                "message": "This resource kind is not supported by kubesec",
                "score": 0,
                "scoring": {}
              }
            ]
            """)
        #expect(KubesecJSON.encodeCompact(results[0])
            == #"{"object":"ConfigMap/config.default","valid":true,"fileName":"x.yaml","message":"This resource kind is not supported by kubesec","score":0,"scoring":{}}"#)
    }

    @Test func invalidDocumentShape() throws {
        let results = try KubesecScanner.scan(data: Data("{}".utf8), fileName: "x.json")
        #expect(KubesecJSON.encodeCompact(results[0])
            == #"{"object":"Unknown","valid":false,"fileName":"x.json","message":"error while parsing: missing 'kind' key","score":0,"scoring":{}}"#)
    }

    @Test func passedListIsRenderedBetweenCriticalAndAdvise() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, hostUsers: false, containers: [{name: a}]}\n"
        let results = try Fixture.scan(yaml, options: KubesecScanOptions(ruleIDs: ["HostPID", "HostUsers", "SeccompAny"]))
        let json = KubesecJSON.encode(results)
        let critical = try #require(json.range(of: "\"critical\""))
        let passed = try #require(json.range(of: "\"passed\""))
        let advise = try #require(json.range(of: "\"advise\""))
        #expect(critical.lowerBound < passed.lowerBound && passed.lowerBound < advise.lowerBound)
    }

    @Test func emptyArray() {
        #expect(KubesecJSON.encode([]) == "[]")
    }

    @Test func codableUsesKubesecFieldNamesAndOmitsEmptyLists() throws {
        let result = KubesecResult(object: "Pod/p.default", valid: true, fileName: "f", message: "m", score: 1,
                                   scoring: KubesecScoring(passed: [KubesecRuleResult(id: "A", selector: "s", reason: "r", points: 1)]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(text == #"{"fileName":"f","message":"m","object":"Pod\/p.default","score":1,"scoring":{"passed":[{"id":"A","points":1,"reason":"r","selector":"s"}]},"valid":true}"#)
        #expect(try JSONDecoder().decode(KubesecResult.self, from: Data(text.utf8)) == result)
    }
}
