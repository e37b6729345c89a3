/// What a rule sees: the whole object and the pod spec located for its kind.
public struct RuleContext: Sendable {
    public let object: ManifestValue
    public let kind: String?
    /// `spec` (Pod), `spec.jobTemplate.spec.template.spec` (CronJob) or `spec.template.spec` (anything else).
    public let podSpec: ManifestValue?

    /// initContainers, then containers, then ephemeralContainers (computed once: most rules walk them).
    let allContainers: [ManifestValue]

    public init(object: ManifestValue, kind: String?) {
        self.object = object
        self.kind = kind
        let podSpec = object.value(at: RuleContext.podSpecPath(forKind: kind))
        self.podSpec = podSpec
        func containers(_ list: String) -> [ManifestValue] { podSpec?[list]?.arrayValue ?? [] }
        self.allContainers = containers("initContainers") + containers("containers") + containers("ephemeralContainers")
    }

    public static func podSpecPath(forKind kind: String?) -> [String] {
        switch kind {
        case "Pod": return ["spec"]
        case "CronJob": return ["spec", "jobTemplate", "spec", "template", "spec"]
        default: return ["spec", "template", "spec"]
        }
    }

    func podField(_ key: String) -> ManifestValue? { podSpec?[key] }

    func containers(_ list: String) -> [ManifestValue] { podSpec?[list]?.arrayValue ?? [] }

    var regularContainers: [ManifestValue] { containers("containers") }

    /// Number of containers (all three lists) satisfying `predicate` on their own `securityContext`.
    func countContainers(where predicate: (ManifestValue?) -> Bool) -> Int {
        allContainers.filter { predicate($0["securityContext"]) }.count
    }

    /// Containers whose effective typed value (own, else inherited from the pod-level securityContext)
    /// satisfies `predicate`. A wrong-typed or null value counts as unset; a set container value wins.
    func countInherited<T>(_ path: [String], typed: (ManifestValue) -> T?, _ predicate: (T) -> Bool) -> Int {
        let podValue = podSpec?.value(at: ["securityContext"] + path).flatMap(typed)
        return allContainers.filter { container in
            if let own = container.value(at: ["securityContext"] + path).flatMap(typed) { return predicate(own) }
            if let podValue { return predicate(podValue) }
            return false
        }.count
    }
}

/// One kubesec rule: a row of the declarative table.
public struct KubesecRule: Sendable {
    public let id: String
    public let selector: String
    public let reason: String
    public let points: Int
    public let kinds: Set<String>
    let count: @Sendable (RuleContext) -> Int

    public init(
        id: String, selector: String, reason: String, points: Int, kinds: Set<String>,
        count: @escaping @Sendable (RuleContext) -> Int
    ) {
        self.id = id
        self.selector = selector
        self.reason = reason
        self.points = points
        self.kinds = kinds
        self.count = count
    }

    /// Match count for the object (only `> 0` matters for scoring).
    public func matches(_ context: RuleContext) -> Int { count(context) }
}

private let workloads: Set<String> = ["Pod", "Deployment", "StatefulSet", "DaemonSet"]

private func flag(_ value: ManifestValue?, equals expected: Bool) -> Int {
    value?.boolValue == expected ? 1 : 0
}

private func securityBool(_ attribute: String) -> @Sendable (RuleContext) -> Int {
    { context in context.countContainers { $0?[attribute]?.boolValue == true } }
}

private func resourceKey(_ section: String, _ resource: String) -> @Sendable (RuleContext) -> Int {
    { context in context.regularContainers.filter { $0.hasPath(["resources", section, resource]) }.count }
}

/// Go text of every `volumes[].hostPath.path`, as kubesec's substring checks see it.
private func hostPathText(_ context: RuleContext) -> String {
    let paths = (context.podField("volumes")?.arrayValue ?? []).compactMap { $0.value(at: ["hostPath", "path"]) }
    return ManifestValue.array(paths).goText
}

private func profileSelector(_ profile: String) -> String {
    [".spec .securityContext", ".spec .containers[] .securityContext", ".spec .initContainers[] .securityContext",
     ".spec .ephemeralContainers[] .securityContext"]
        .map { "\($0) .\(profile) .type" }.joined(separator: " | ")
}

private func hasSecretEnv(_ container: ManifestValue) -> Bool {
    let env = container["env"]?.arrayValue ?? []
    if env.contains(where: { $0.nonNull(at: ["valueFrom", "secretKeyRef"]) != nil }) { return true }
    let envFrom = container["envFrom"]?.arrayValue ?? []
    return envFrom.contains { $0.nonNull(at: ["secretRef"]) != nil }
}

/// Templates of `spec.volumeClaimTemplates` that have a `spec` key.
private func claimTemplatesWithSpec(_ context: RuleContext) -> [ManifestValue] {
    (context.object.value(at: ["spec", "volumeClaimTemplates"])?.arrayValue ?? []).filter { $0.hasPath(["spec"]) }
}

public enum KubesecRules {
    /// kubesec HEAD's 30 rules, in table order (the spec's §5.3).
    public static let all: [KubesecRule] = [
        KubesecRule(
            id: "HostNetwork", selector: ".spec .hostNetwork == true",
            reason: "Sharing the host's network namespace permits processes in the pod to communicate with processes bound to the host's loopback adapter",
            points: -9, kinds: workloads) { flag($0.podField("hostNetwork"), equals: true) },
        KubesecRule(
            id: "HostPID", selector: ".spec .hostPID == true",
            reason: "Sharing the host's PID namespace allows visibility of processes on the host, potentially leaking information such as environment variables and configuration",
            points: -9, kinds: workloads) { flag($0.podField("hostPID"), equals: true) },
        KubesecRule(
            id: "HostIPC", selector: ".spec .hostIPC == true",
            reason: "Sharing the host's IPC namespace allows container processes to communicate with processes on the host",
            points: -9, kinds: workloads) { flag($0.podField("hostIPC"), equals: true) },
        KubesecRule(
            id: "ReadOnlyRootFilesystem", selector: "containers[] .securityContext .readOnlyRootFilesystem == true",
            reason: "An immutable root filesystem can prevent malicious binaries being added to PATH and increase attack cost",
            points: 1, kinds: workloads, count: securityBool("readOnlyRootFilesystem")),
        KubesecRule(
            id: "RunAsNonRoot", selector: ".spec, .spec.containers[] | .securityContext .runAsNonRoot == true",
            reason: "Force the running image to run as a non-root user to ensure least privilege",
            points: 1, kinds: workloads) { $0.countInherited(["runAsNonRoot"], typed: \.boolValue) { $0 } },
        KubesecRule(
            id: "RunAsUser", selector: ".spec, .spec.containers[] | .securityContext .runAsUser -gt 10000",
            reason: "Run as a high-UID user to avoid conflicts with the host's users",
            points: 1, kinds: workloads) { $0.countInherited(["runAsUser"], typed: \.numberValue) { $0 > 10000 } },
        KubesecRule(
            id: "RunAsGroup", selector: ".spec, .spec.containers[] | .securityContext .runAsGroup -gt 10000",
            reason: "Run as a high-UID group to avoid conflicts with the host's groups",
            points: 1, kinds: workloads) { $0.countInherited(["runAsGroup"], typed: \.numberValue) { $0 > 10000 } },
        KubesecRule(
            id: "Privileged", selector: "containers[] .securityContext .privileged == true",
            reason: "Privileged containers can allow almost completely unrestricted host access",
            points: -30, kinds: workloads, count: securityBool("privileged")),
        KubesecRule(
            id: "CapSysAdmin", selector: "containers[] .securityContext .capabilities .add == SYS_ADMIN",
            reason: "CAP_SYS_ADMIN is the most privileged capability and should always be avoided",
            points: -30, kinds: workloads) { context in
                context.countContainers { $0?.nonNull(at: ["capabilities", "add"])?.goText.contains("SYS_ADMIN") == true }
            },
        KubesecRule(
            id: "CapDropAny", selector: "containers[] .securityContext .capabilities .drop",
            reason: "Reducing kernel capabilities available to a container limits its attack surface",
            points: 1, kinds: workloads) { context in
                context.countContainers { securityContext in
                    guard let drop = securityContext?.value(at: ["capabilities", "drop"])?.arrayValue else { return false }
                    return !drop.isEmpty && !drop.contains(.null)
                }
            },
        KubesecRule(
            id: "CapDropAll", selector: "containers[] .securityContext .capabilities .drop | index(\"ALL\")",
            reason: "Drop all capabilities and add only those required to reduce syscall attack surface",
            points: 1, kinds: workloads) { context in
                context.countContainers { $0?.nonNull(at: ["capabilities", "drop"])?.goText.uppercased().contains("ALL") == true }
            },
        KubesecRule(
            id: "DockerSock", selector: "volumes[] .hostPath .path == /var/run/docker.sock",
            reason: "Mounting the docker.socket leaks information about other containers and can allow container breakout",
            points: -9, kinds: workloads) { hostPathText($0).contains("/var/run/docker.sock") ? 1 : 0 },
        KubesecRule(
            id: "ProcMount", selector: "volumes[] .hostPath .path == /proc",
            reason: "Mounting the proc directory from the host system into a container gives access to information about other containers running on the same host and can allow container breakout",
            points: -9, kinds: workloads) { hostPathText($0).contains("/proc") ? 1 : 0 },
        KubesecRule(
            id: "RequestsCPU", selector: "containers[] .resources .requests .cpu",
            reason: "Enforcing CPU requests aids a fair balancing of resources across the cluster",
            points: 1, kinds: workloads, count: resourceKey("requests", "cpu")),
        KubesecRule(
            id: "LimitsCPU", selector: "containers[] .resources .limits .cpu",
            reason: "Enforcing CPU limits prevents DOS via resource exhaustion",
            points: 1, kinds: workloads, count: resourceKey("limits", "cpu")),
        KubesecRule(
            id: "RequestsMemory", selector: "containers[] .resources .requests .memory",
            reason: "Enforcing memory requests aids a fair balancing of resources across the cluster",
            points: 1, kinds: workloads, count: resourceKey("requests", "memory")),
        KubesecRule(
            id: "LimitsMemory", selector: "containers[] .resources .limits .memory",
            reason: "Enforcing memory limits prevents DOS via resource exhaustion",
            points: 1, kinds: workloads, count: resourceKey("limits", "memory")),
        KubesecRule(
            id: "ServiceAccountName", selector: ".spec .serviceAccountName",
            reason: "Service accounts restrict Kubernetes API access and should be configured with least privilege",
            points: 3, kinds: workloads) { $0.podSpec?.nonNull(at: ["serviceAccountName"]) == nil ? 0 : 1 },
        KubesecRule(
            id: "HostAliases", selector: ".spec .hostAliases",
            reason: "Managing /etc/hosts aliases can prevent the container from modifying the file after a pod's containers have already been started. DNS should be managed by the orchestrator",
            points: -3, kinds: workloads) { $0.podSpec?.nonNull(at: ["hostAliases"]) == nil ? 0 : 1 },
        KubesecRule(
            id: "SeccompAny", selector: profileSelector("seccompProfile"),
            reason: "Seccomp profiles set minimum privilege and secure against unknown threats",
            points: 1, kinds: workloads) { $0.countInherited(["seccompProfile", "type"], typed: \.stringValue) { $0 != "Unconfined" } },
        KubesecRule(
            id: "SeccompUnconfined", selector: profileSelector("seccompProfile"),
            reason: "Unconfined Seccomp profiles have full system call access",
            points: -1, kinds: workloads) { $0.countInherited(["seccompProfile", "type"], typed: \.stringValue) { $0 == "Unconfined" } },
        KubesecRule(
            id: "ApparmorAny", selector: profileSelector("appArmorProfile"),
            reason: "Well defined AppArmor policies may provide greater protection from unknown threats.",
            points: 3, kinds: workloads) { $0.countInherited(["appArmorProfile", "type"], typed: \.stringValue) { $0 != "Unconfined" } },
        KubesecRule(
            id: "ApparmorUnconfined", selector: profileSelector("appArmorProfile"),
            reason: "Unconfined AppArmor profiles disable AppArmor enforcement on the workloads",
            points: -1, kinds: workloads) { $0.countInherited(["appArmorProfile", "type"], typed: \.stringValue) { $0 == "Unconfined" } },
        KubesecRule(
            id: "VolumeClaimAccessModeReadWriteOnce",
            selector: ".spec .volumeClaimTemplates[] .spec .accessModes | index(\"ReadWriteOnce\")",
            reason: "Setting the access mode of ReadWriteOnce on volumeClaimTemplates (if any exist) allows only one node to mount the persistentVolume",
            points: 1, kinds: ["StatefulSet"]) { context in
                let templates = claimTemplatesWithSpec(context)
                if templates.isEmpty { return 1 }
                let exact = ManifestValue.array([.string("ReadWriteOnce")])
                return templates.contains { $0.value(at: ["spec", "accessModes"]) == exact } ? 1 : 0
            },
        KubesecRule(
            id: "VolumeClaimRequestsStorage",
            selector: ".spec .volumeClaimTemplates[] .spec .resources .requests .storage",
            reason: "Setting a storage request on volumeClaimTemplates (if any exist) allows for the StatefulSet's PVCs to be bound to appropriately sized PVs.",
            points: 1, kinds: ["StatefulSet"]) { context in
                let templates = claimTemplatesWithSpec(context)
                if templates.isEmpty { return 1 }
                return templates.filter { $0.hasPath(["spec", "resources", "requests", "storage"]) }.count
            },
        KubesecRule(
            id: "AllowPrivilegeEscalation", selector: "containers[] .securityContext .allowPrivilegeEscalation == true",
            reason: "Ensure a non-root process can not gain more privileges",
            points: -7, kinds: workloads, count: securityBool("allowPrivilegeEscalation")),
        KubesecRule(
            id: "AutomountServiceAccountToken", selector: ".spec .automountServiceAccountToken == false",
            reason: "Disabling the automounting of Service Account Token reduces the attack surface of the API server",
            points: 1, kinds: workloads) { flag($0.podField("automountServiceAccountToken"), equals: false) },
        KubesecRule(
            id: "HostUsers", selector: ".spec .hostUsers == false",
            reason: "A user namespace for a Pod is enabled by setting the hostUsers field of Pod .spec, which can prevent various attacks",
            points: 1, kinds: workloads) { flag($0.podField("hostUsers"), equals: false) },
        KubesecRule(
            id: "SecretsAsEnvironmentVariables",
            selector: [".spec .containers[] .env[] .valueFrom .secretKeyRef", ".spec .initContainers[] .env[] .valueFrom .secretKeyRef",
                       ".spec .ephemeralContainers[] .env[] .valueFrom .secretKeyRef", ".spec .containers[] .envFrom[] .secretRef",
                       ".spec .initContainers[] .envFrom[] .secretRef", ".spec .ephemeralContainers[] .envFrom[] .secretRef"]
                .joined(separator: " | "),
            reason: "Secrets passed as environment variables can be easily exposed through application logs, crash dumps, and system process inspection",
            points: -5, kinds: workloads.union(["ReplicaSet", "Job", "CronJob"])) { context in
                context.allContainers.filter(hasSecretEnv).count
            },
        KubesecRule(
            id: "BindingsToSystemAnonymous", selector: ".subjects[] .name == \"system:anonymous\"",
            reason: "Binding a Role or a ClusterRole to user system:anonymous gives any unauthenticated user the permissions granted by that role",
            points: -30, kinds: ["RoleBinding", "ClusterRoleBinding"]) { context in
                let names = (context.object["subjects"]?.arrayValue ?? []).compactMap { $0["name"] }
                return ManifestValue.array(names).goText.contains("system:anonymous") ? 1 : 0
            },
    ]

    public static let byID: [String: KubesecRule] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
}
