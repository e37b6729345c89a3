import Foundation
import Testing
@testable import ManifestLint

struct KubesecScoringTests {
    static let barePod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n"

    @Test func barePodAdviseOrderMatchesKubesec() throws {
        let result = try Fixture.single(Self.barePod)
        #expect(Fixture.ids(result.scoring.advise) == [
            "ApparmorAny", "ServiceAccountName", "AutomountServiceAccountToken", "HostUsers", "SeccompAny", "RunAsGroup",
            "RunAsNonRoot", "RunAsUser", "LimitsCPU", "LimitsMemory", "RequestsCPU", "RequestsMemory", "CapDropAny",
            "CapDropAll", "ReadOnlyRootFilesystem",
        ])
        #expect(result.scoring.passed.isEmpty && result.scoring.critical.isEmpty)
        #expect(result.message == "Passed with a score of 0 points")
        #expect(result.object == "Pod/p.default")
        #expect(result.valid)
    }

    @Test func pointsAreAddedOncePerObject() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: a
                securityContext: {readOnlyRootFilesystem: true, runAsNonRoot: true}
              - name: b
                securityContext: {readOnlyRootFilesystem: true, runAsNonRoot: true}
            """
        let result = try Fixture.single(yaml, options: KubesecScanOptions(ruleIDs: ["ReadOnlyRootFilesystem", "RunAsNonRoot"]))
        #expect(result.score == 2)
        #expect(result.message == "Passed with a score of 2 points")
    }

    struct MessageCase: Sendable, CustomStringConvertible {
        let body: String
        let score: Int
        let message: String
        let critical: [String]
        var description: String { message }
    }

    static let messageCases: [MessageCase] = [
        MessageCase(body: "  serviceAccountName: x\n  hostNetwork: true\n  containers: [{name: a}]\n", score: -6,
                    message: "Failed with a score of -6 points", critical: ["HostNetwork"]),
        MessageCase(body: "  automountServiceAccountToken: false\n  containers: [{name: a}]\n", score: 1,
                    message: "Passed with a score of 1 points", critical: []),
        // -9 plus 10 positive points passes: a critical finding does not force failure.
        MessageCase(body: "  hostPID: true\n  serviceAccountName: a\n  automountServiceAccountToken: false\n  hostUsers: false\n"
                    + "  securityContext: {runAsNonRoot: true, runAsUser: 20000, runAsGroup: 20000, seccompProfile: {type: RuntimeDefault}}\n"
                    + "  containers:\n  - name: a\n    securityContext: {readOnlyRootFilesystem: true}\n",
                    score: 1, message: "Passed with a score of 1 points", critical: ["HostPID"]),
        MessageCase(body: "  hostAliases: []\n  hostIPC: true\n  containers:\n  - {name: a, securityContext: {privileged: true}}\n",
                    score: -42, message: "Failed with a score of -42 points", critical: ["Privileged", "HostIPC", "HostAliases"]),
    ]

    @Test(arguments: messageCases)
    func scoreMessageAndCriticalOrder(_ test: MessageCase) throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" + test.body
        let result = try Fixture.single(yaml)
        #expect(result.score == test.score)
        #expect(result.message == test.message)
        #expect(Fixture.ids(result.scoring.critical) == test.critical)
    }

    @Test func passedListIsOrderedByPointsThenSelector() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              serviceAccountName: s
              automountServiceAccountToken: false
              containers:
              - name: a
                securityContext: {readOnlyRootFilesystem: true, appArmorProfile: {type: RuntimeDefault}}
                resources: {limits: {cpu: 1}}
            """
        let result = try Fixture.single(yaml)
        #expect(Fixture.ids(result.scoring.passed) == [
            "ApparmorAny", "ServiceAccountName", "AutomountServiceAccountToken", "LimitsCPU", "ReadOnlyRootFilesystem",
        ])
        #expect(result.score == 9)
    }

    @Test func unmatchedNegativeRulesAreNotListed() throws {
        let result = try Fixture.single(Self.barePod)
        let listed = Set(Fixture.ids(result.scoring.advise + result.scoring.passed + result.scoring.critical))
        #expect(!listed.contains("HostNetwork") && !listed.contains("Privileged"))
    }

    @Test(arguments: [
        ("ReplicaSet", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec: {selector: {}, template: {spec: {containers: [{name: a}]}}}\n"),
        ("Job", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: a}]}}}\n"),
    ])
    func secretOnlyKindsPassWithZeroAndEmptyScoring(_ kind: String, _ yaml: String) throws {
        let result = try Fixture.single(yaml)
        #expect(result.message == "Passed with a score of 0 points")
        #expect(result.scoring == KubesecScoring())
        #expect(KubesecScanner.exitCode(for: [result]) == 2)
    }

    @Test(arguments: ["Service", "ConfigMap", "ReplicationController", "PodTemplate", "List"])
    func unsupportedKinds(_ kind: String) throws {
        let result = try Fixture.single("apiVersion: v1\nkind: \(kind)\nmetadata:\n  name: n\n")
        #expect(result.message == "This resource kind is not supported by kubesec")
        #expect(result.valid && result.score == 0 && result.scoring == KubesecScoring())
    }

    /// Kind matching is case-sensitive for the rules, but kubeconform finds `pod-v1.json` for `pod` and its
    /// `kind` enum rejects the document, so kubesec reports it invalid rather than unsupported.
    @Test func lowerCaseKindIsInvalid() throws {
        let result = try Fixture.single("apiVersion: v1\nkind: pod\nmetadata:\n  name: n\n")
        #expect(!result.valid && result.score == 0 && result.scoring == KubesecScoring())
        #expect(result.message.hasSuffix("pod-v1.json#' - at '/kind': value must be 'Pod'\n"))
        let unvalidated = try Fixture.single("apiVersion: v1\nkind: pod\nmetadata:\n  name: n\n", options: KubesecScanOptions(schemaValidator: nil))
        #expect(unvalidated.valid && unvalidated.message == KubesecScanner.notSupportedMessage)
    }

    @Test func rulesFilterWithNoApplicableRuleIsNotSupported() throws {
        let result = try Fixture.single(Self.barePod, options: KubesecScanOptions(ruleIDs: ["BindingsToSystemAnonymous"]))
        #expect(result.message == KubesecScanner.notSupportedMessage)
    }

    @Test func unknownRuleIDsAreRejectedInRequestOrder() {
        #expect(throws: ManifestInputError.invalidRuleIDs(["Foo", "Bar"])) {
            try Fixture.scan(Self.barePod, options: KubesecScanOptions(ruleIDs: ["Foo", "HostPID", "Bar"]))
        }
        #expect(ManifestInputError.invalidRuleIDs(["Foo", "Bar"]).description == "invalid rule IDs requested: Foo, Bar")
    }

    @Test func duplicatedRuleIDCountsTwice() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, containers: [{name: a}]}\n"
        let result = try Fixture.single(yaml, options: KubesecScanOptions(ruleIDs: ["HostPID", "HostPID"]))
        #expect(result.score == -18)
    }

    @Test(arguments: [([1, 5], Int32(0)), ([1, 0], Int32(2)), ([-3], Int32(2)), ([], Int32(2))])
    func exitCodes(_ scores: [Int], _ expected: Int32) {
        let results = scores.map {
            KubesecResult(object: "o", valid: true, fileName: "f", message: "m", score: $0, scoring: KubesecScoring())
        }
        #expect(KubesecScanner.exitCode(for: results) == expected)
    }

    @Test(arguments: [
        ("kind: Pod\napiVersion: v1\n", "Pod/undefined.default"),
        ("kind: ConfigMap\napiVersion: v1\nmetadata: {name: 1, namespace: 2}\n", "ConfigMap/1.2"),
        ("kind: Deployment\napiVersion: apps/v1\nmetadata: {name: carts-db, namespace: sock-shop}\n", "Deployment/carts-db.sock-shop"),
        ("kind: Pod\napiVersion: v1\nmetadata: {generateName: g-, name: null}\n", "Pod/undefined.default"),
        ("kind: ConfigMap\napiVersion: v1\nmetadata: {name: 1000000}\n", "ConfigMap/1e+06.default"),
    ])
    func objectNames(_ yaml: String, _ expected: String) throws {
        #expect(try Fixture.single(yaml).object == expected)
    }
}
