import Foundation
import Testing
@testable import ManifestLint

/// Each rule, evaluated alone (`--rules ID`), on a positive and a negative manifest. Schema validation is off
/// here (`Fixture.rulesOnly`): several fixtures are deliberately partial or wrongly typed to pin down how a rule
/// reads them, and kubesec would reject them as invalid before any rule ran.
struct KubesecRuleTests {
    struct Case: Sendable, CustomStringConvertible {
        let id: String
        let kind: String
        let matching: String
        let notMatching: String
        var description: String { id }
    }

    static func manifest(_ kind: String, _ body: String) -> String {
        let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        switch kind {
        case "Pod":
            return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" + indented + "\n"
        case "CronJob":
            let deep = body.split(separator: "\n", omittingEmptySubsequences: false).map { "          " + $0 }.joined(separator: "\n")
            return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n" + deep + "\n"
        case "RoleBinding", "ClusterRoleBinding":
            return "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(kind)\nmetadata:\n  name: b\n" + body + "\n"
        case "StatefulSet":
            return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\n" + body + "\n"
        default:
            let deep = body.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
            return "apiVersion: apps/v1\nkind: \(kind)\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n" + deep + "\n"
        }
    }

    static let c = "containers:\n- name: a\n  image: nginx\n"

    static let cases: [Case] = [
        Case(id: "HostNetwork", kind: "Pod", matching: "hostNetwork: true\n" + c, notMatching: "hostNetwork: false\n" + c),
        Case(id: "HostPID", kind: "Deployment", matching: "hostPID: true\n" + c, notMatching: "hostPID: \"true\"\n" + c),
        Case(id: "HostIPC", kind: "DaemonSet", matching: "hostIPC: true\n" + c, notMatching: c),
        Case(id: "ReadOnlyRootFilesystem", kind: "Pod",
             matching: c + "  securityContext:\n    readOnlyRootFilesystem: true",
             notMatching: "securityContext:\n  readOnlyRootFilesystem: true\n" + c),
        Case(id: "RunAsNonRoot", kind: "Pod",
             matching: "securityContext:\n  runAsNonRoot: true\n" + c,
             notMatching: "securityContext:\n  runAsNonRoot: true\n" + c + "  securityContext:\n    runAsNonRoot: false"),
        Case(id: "RunAsUser", kind: "Pod",
             matching: c + "  securityContext:\n    runAsUser: 10001",
             notMatching: "securityContext:\n  runAsUser: 20000\n" + c + "  securityContext:\n    runAsUser: 10000"),
        Case(id: "RunAsGroup", kind: "Pod",
             matching: "securityContext:\n  runAsGroup: 20000\n" + c + "  securityContext:\n    runAsGroup: \"x\"",
             notMatching: c + "  securityContext:\n    runAsGroup: 10000"),
        Case(id: "Privileged", kind: "Pod",
             matching: "initContainers:\n- name: i\n  securityContext:\n    privileged: true\n" + c,
             notMatching: c + "  securityContext:\n    privileged: false"),
        Case(id: "CapSysAdmin", kind: "Pod",
             matching: c + "  securityContext:\n    capabilities:\n      add: [CAP_SYS_ADMIN]",
             notMatching: c + "  securityContext:\n    capabilities:\n      add: [sys_admin]"),
        Case(id: "CapDropAny", kind: "Pod",
             matching: c + "  securityContext:\n    capabilities:\n      drop: [NET_RAW]",
             notMatching: c + "  securityContext:\n    capabilities:\n      drop: []"),
        Case(id: "CapDropAll", kind: "Pod",
             matching: c + "  securityContext:\n    capabilities:\n      drop: [NET_RAW, all]",
             notMatching: c + "  securityContext:\n    capabilities:\n      drop: [NET_RAW]"),
        Case(id: "DockerSock", kind: "Pod",
             matching: c + "volumes:\n- name: v\n  hostPath:\n    path: /var/run/docker.sock.x",
             notMatching: c + "volumes:\n- name: v\n  hostPath:\n    path: /run/docker.sock"),
        Case(id: "ProcMount", kind: "Pod",
             matching: c + "volumes:\n- name: v\n  hostPath:\n    path: /host/procfs",
             notMatching: c + "volumes:\n- name: v\n  hostPath:\n    path: /pro"),
        Case(id: "RequestsCPU", kind: "Pod",
             matching: c + "  resources:\n    requests:\n      cpu: null",
             notMatching: "initContainers:\n- name: i\n  resources:\n    requests:\n      cpu: 1\n" + c),
        Case(id: "LimitsCPU", kind: "Pod", matching: c + "  resources:\n    limits:\n      cpu: 1",
             notMatching: c + "  resources:\n    requests:\n      cpu: 1"),
        Case(id: "RequestsMemory", kind: "Pod", matching: c + "  resources:\n    requests:\n      memory: 1Gi",
             notMatching: c + "  resources:\n    limits:\n      memory: 1Gi"),
        Case(id: "LimitsMemory", kind: "Pod", matching: c + "  resources:\n    limits:\n      memory: 1Gi",
             notMatching: c + "  resources:\n    requests:\n      memory: 1Gi"),
        Case(id: "ServiceAccountName", kind: "Pod", matching: "serviceAccountName: \"\"\n" + c,
             notMatching: "serviceAccount: sa\nserviceAccountName: null\n" + c),
        Case(id: "HostAliases", kind: "Pod", matching: "hostAliases: []\n" + c, notMatching: "hostAliases: null\n" + c),
        Case(id: "SeccompAny", kind: "Pod",
             matching: "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\n" + c,
             notMatching: "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\n" + c
                + "  securityContext:\n    seccompProfile:\n      type: Unconfined"),
        Case(id: "SeccompUnconfined", kind: "Pod",
             matching: "securityContext:\n  seccompProfile:\n    type: Unconfined\n" + c,
             notMatching: "securityContext:\n  seccompProfile:\n    type: Unconfined\n"),
        Case(id: "ApparmorAny", kind: "Pod",
             matching: c + "  securityContext:\n    appArmorProfile:\n      type: \"\"",
             notMatching: c + "  securityContext:\n    appArmorProfile:\n      type: Unconfined"),
        Case(id: "ApparmorUnconfined", kind: "Pod",
             matching: c + "  securityContext:\n    appArmorProfile:\n      type: Unconfined",
             notMatching: c + "  securityContext:\n    appArmorProfile:\n      type: Localhost"),
        Case(id: "VolumeClaimAccessModeReadWriteOnce", kind: "StatefulSet",
             matching: "spec:\n  volumeClaimTemplates:\n  - metadata:\n      name: x",
             notMatching: "spec:\n  volumeClaimTemplates:\n  - spec:\n      accessModes: [ReadWriteOnce, ReadOnlyMany]"),
        Case(id: "VolumeClaimRequestsStorage", kind: "StatefulSet",
             matching: "spec:\n  volumeClaimTemplates:\n  - spec:\n      resources:\n        requests:\n          storage: 1Gi",
             notMatching: "spec:\n  volumeClaimTemplates:\n  - spec:\n      accessModes: [ReadWriteOnce]"),
        Case(id: "AllowPrivilegeEscalation", kind: "Pod",
             matching: "ephemeralContainers:\n- name: e\n  securityContext:\n    allowPrivilegeEscalation: true",
             notMatching: "securityContext:\n  allowPrivilegeEscalation: true\n" + c),
        Case(id: "AutomountServiceAccountToken", kind: "Pod", matching: "automountServiceAccountToken: false\n" + c,
             notMatching: "automountServiceAccountToken: true\n" + c),
        Case(id: "HostUsers", kind: "Pod", matching: "hostUsers: false\n" + c, notMatching: "hostUsers: \"false\"\n" + c),
        Case(id: "SecretsAsEnvironmentVariables", kind: "CronJob",
             matching: c + "  envFrom:\n  - secretRef: {}",
             notMatching: c + "  env:\n  - name: A\n    valueFrom:\n      secretKeyRef: null"),
        Case(id: "BindingsToSystemAnonymous", kind: "ClusterRoleBinding",
             matching: "subjects:\n- kind: Group\n  name: system:anonymous",
             notMatching: "subjects:\n- kind: Group\n  name: system:unauthenticated"),
    ]

    @Test func tableCoversAllThirtyRules() {
        #expect(Set(Self.cases.map(\.id)) == Set(KubesecRules.all.map(\.id)))
        #expect(KubesecRules.all.count == 30)
    }

    @Test(arguments: cases)
    func ruleMatches(_ test: Case) throws {
        let rule = try #require(KubesecRules.byID[test.id])
        let result = try Fixture.single(Self.manifest(test.kind, test.matching), options: Fixture.rulesOnly([test.id]))
        #expect(result.score == rule.points)
        let list = rule.points >= 0 ? result.scoring.passed : result.scoring.critical
        #expect(Fixture.ids(list) == [test.id])
        #expect(result.scoring.advise.isEmpty)
    }

    @Test(arguments: cases)
    func ruleDoesNotMatch(_ test: Case) throws {
        let rule = try #require(KubesecRules.byID[test.id])
        let result = try Fixture.single(Self.manifest(test.kind, test.notMatching), options: Fixture.rulesOnly([test.id]))
        #expect(result.score == 0)
        #expect(result.scoring.passed.isEmpty && result.scoring.critical.isEmpty)
        #expect(Fixture.ids(result.scoring.advise) == (rule.points >= 0 ? [test.id] : []))
        #expect(result.message == "Passed with a score of 0 points")
    }

    @Test func rulesMatchTheReferenceJSON() throws {
        let url = URL(fileURLWithPath: "/work/shared/specs/kubesec-rules.json")
        guard let data = try? Data(contentsOf: url) else { return }  // reference file not always present
        struct Reference: Decodable { let id, selector, reason: String; let kinds: [String]; let points: Int }
        let reference = try JSONDecoder().decode([Reference].self, from: data)
        #expect(reference.count == 30)
        for entry in reference {
            let rule = try #require(KubesecRules.byID[entry.id])
            #expect(rule.selector == entry.selector, "\(entry.id)")
            #expect(rule.reason == entry.reason, "\(entry.id)")
            #expect(rule.points == entry.points, "\(entry.id)")
            #expect(rule.kinds == Set(entry.kinds), "\(entry.id)")
        }
    }

    @Test func statefulSetWithoutClaimTemplatesGetsBothClaimPoints() throws {
        let yaml = Self.manifest("StatefulSet", "spec:\n  template:\n    spec:\n      containers:\n      - name: a")
        let result = try Fixture.single(yaml, options: Fixture.rulesOnly(["VolumeClaimAccessModeReadWriteOnce", "VolumeClaimRequestsStorage"]))
        #expect(result.score == 2)
    }

    @Test func deploymentPodSpecIsUnderTemplate() throws {
        let onTop = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  hostNetwork: true\n"
        #expect(try Fixture.single(onTop, options: Fixture.rulesOnly(["HostNetwork"])).score == 0)
        let nested = Self.manifest("Deployment", "hostNetwork: true")
        #expect(try Fixture.single(nested, options: Fixture.rulesOnly(["HostNetwork"])).score == -9)
    }
}
