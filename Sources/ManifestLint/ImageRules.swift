public import OCIModel
/// Configuration for the optional image rules.
public struct ImageRuleSettings: Sendable, Equatable {
    /// Registries (and optional repository prefixes) images may come from. Empty disables `ImageRegistryNotAllowed`.
    public var allowedRegistries: [RegistryPattern]
    /// Registries that do not need `imagePullSecrets`; any other registry is treated as private.
    public var publicRegistries: [RegistryPattern]

    public static let defaultPublicRegistries = [
        "docker.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "ghcr.io", "quay.io", "mcr.microsoft.com", "public.ecr.aws",
    ]

    /// Entries that cannot be parsed are dropped.
    public init(allowedRegistries: [String] = [], publicRegistries: [String] = ImageRuleSettings.defaultPublicRegistries) {
        self.allowedRegistries = allowedRegistries.compactMap(RegistryPattern.init)
        self.publicRegistries = publicRegistries.compactMap(RegistryPattern.init)
    }

    public func isAllowed(_ image: ImageReference) -> Bool {
        allowedRegistries.isEmpty || allowedRegistries.contains { $0.admits(image) }
    }

    public func isPublic(_ image: ImageReference) -> Bool {
        publicRegistries.contains { $0.admits(image) }
    }
}

/// moat's image rules; not part of kubesec, enabled with `KubesecScanOptions.includeImageChecks`.
public enum ImageRules {
    public static let kinds: Set<String> = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]

    public static let ids = [
        "ImageWithoutDigest", "ImageLatestTag", "ImageRegistryNotAllowed", "ImagePullSecretsMissing", "ImagePullPolicyNotAlways",
    ]

    struct ContainerImage {
        let container: ManifestValue
        let text: String
        let reference: ImageReference?
    }

    static func images(_ context: RuleContext) -> [ContainerImage] {
        context.allContainers.compactMap { container in
            guard let text = container["image"]?.stringValue else { return nil }
            return ContainerImage(container: container, text: text, reference: try? ImageReference(parsing: text))
        }
    }

    /// Kubernetes' default pull policy: `Always` for `:latest`/untagged, else `IfNotPresent`.
    static func effectivePullPolicy(_ image: ContainerImage) -> String {
        if let explicit = image.container["imagePullPolicy"]?.stringValue, !explicit.isEmpty { return explicit }
        guard let reference = image.reference else { return "IfNotPresent" }
        return reference.tag == nil && reference.digest == nil || reference.tag == "latest" ? "Always" : "IfNotPresent"
    }

    public static func rules(policy: ImageRuleSettings) -> [KubesecRule] {
        [
            KubesecRule(
                id: "ImageWithoutDigest", selector: "containers[] .image @sha256",
                reason: "Images referenced only by tag can change under the same name; pin images by digest",
                points: -1, kinds: kinds) { context in
                    images(context).filter { $0.reference.map { !$0.isPinned } ?? false }.count
                },
            KubesecRule(
                id: "ImageLatestTag", selector: "containers[] .image :latest",
                reason: "Images with the latest tag or no tag are mutable and make deployments unreproducible",
                points: -3, kinds: kinds) { context in
                    images(context).filter { $0.reference.map { $0.tag == "latest" || ($0.tag == nil && $0.digest == nil) } ?? false }.count
                },
            KubesecRule(
                id: "ImageRegistryNotAllowed", selector: "containers[] .image registry",
                reason: "Images should only be pulled from allowed registries",
                points: -5, kinds: kinds) { context in
                    guard !policy.allowedRegistries.isEmpty else { return 0 }
                    return images(context).filter { image in image.reference.map { !policy.isAllowed($0) } ?? true }.count
                },
            KubesecRule(
                id: "ImagePullSecretsMissing", selector: ".spec .imagePullSecrets",
                reason: "Images from a private registry need imagePullSecrets to be pulled reliably",
                points: -1, kinds: kinds) { context in
                    let secrets = context.podSpec?["imagePullSecrets"]?.arrayValue ?? []
                    guard secrets.isEmpty else { return 0 }
                    return images(context).filter { image in image.reference.map { !policy.isPublic($0) } ?? false }.count
                },
            KubesecRule(
                id: "ImagePullPolicyNotAlways", selector: "containers[] .imagePullPolicy == Always",
                reason: "Images with mutable tags should use imagePullPolicy Always so nodes do not run stale cached images",
                points: -1, kinds: kinds) { context in
                    images(context).filter { image in
                        guard let reference = image.reference, !reference.isPinned else { return false }
                        return effectivePullPolicy(image) != "Always"
                    }.count
                },
        ]
    }
}
