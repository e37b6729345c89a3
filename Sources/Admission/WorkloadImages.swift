import Foundation

/// The kinds of object that carry a pod spec, and where it is (wire-formats §6 "Pod spec paths").
public enum WorkloadKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case pod = "Pod"
    case replicationController = "ReplicationController"
    case podTemplate = "PodTemplate"
    case deployment = "Deployment"
    case replicaSet = "ReplicaSet"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case job = "Job"
    case cronJob = "CronJob"

    /// The workload kind of API group `group` and kind `kind`, or nil for any other kind. Any version is
    /// accepted: the pod spec sits at the same path in every version (`extensions/v1beta1` Deployments,
    /// `batch/v1beta1` CronJobs).
    public init?(group: String, kind: String) {
        switch (group, kind) {
        case ("", "Pod"): self = .pod
        case ("", "ReplicationController"): self = .replicationController
        case ("", "PodTemplate"): self = .podTemplate
        case ("apps", "Deployment"), ("extensions", "Deployment"): self = .deployment
        case ("apps", "ReplicaSet"), ("extensions", "ReplicaSet"): self = .replicaSet
        case ("apps", "StatefulSet"): self = .statefulSet
        case ("apps", "DaemonSet"), ("extensions", "DaemonSet"): self = .daemonSet
        case ("batch", "Job"): self = .job
        case ("batch", "CronJob"): self = .cronJob
        default: return nil
        }
    }

    /// The path of the pod template (the object holding `metadata` and `spec`), as JSON keys.
    /// A Pod is its own template: [].
    public var templatePath: [String] {
        switch self {
        case .pod: return []
        case .podTemplate: return ["template"]
        case .replicationController, .deployment, .replicaSet, .statefulSet, .daemonSet, .job: return ["spec", "template"]
        case .cronJob: return ["spec", "jobTemplate", "spec", "template"]
        }
    }

    /// The path of the pod spec: Pod `spec`; PodTemplate `template.spec`; ReplicationController, Deployment,
    /// ReplicaSet, StatefulSet, DaemonSet and Job `spec.template.spec`; CronJob
    /// `spec.jobTemplate.spec.template.spec`.
    public var podSpecPath: [String] { templatePath + ["spec"] }

    public var description: String { rawValue }
}

/// Which list of a pod spec a container is in.
public enum ContainerRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case container = "containers"
    case initContainer = "initContainers"
    case ephemeralContainer = "ephemeralContainers"

    /// The field name in the pod spec.
    public var field: String { rawValue }
    public var description: String { rawValue }
}

/// One container image of a pod spec and where it is.
public struct PodImage: Sendable, Hashable {
    /// The `image` string as written (unnormalised). "" when the field is absent or null, which workload
    /// templates allow (a controller or policy may fill it in) and Pods do not; `pointer` then names a field
    /// that does not exist, so a `replace` there would fail.
    public var image: String
    /// The container's `name` ("" if absent).
    public var container: String
    public var role: ContainerRole
    /// The container's position in its list.
    public var index: Int
    /// The RFC 6901 pointer of the `image` field within the object, e.g.
    /// `/spec/template/spec/containers/0/image`, ready for `JSONPatchOperation.replace`.
    public var pointer: String

    public init(image: String, container: String, role: ContainerRole, index: Int, pointer: String) {
        self.image = image
        self.container = container
        self.role = role
        self.index = index
        self.pointer = pointer
    }
}

/// The images of one object's pod spec, with what a policy needs to judge them.
public struct PodImages: Sendable, Hashable {
    public var kind: WorkloadKind
    /// The request's namespace when it has one, else the object's `metadata.namespace`; nil if neither.
    public var namespace: String?
    /// The pod's annotations: a Pod's `metadata.annotations`; for every other kind the **pod template's**
    /// `metadata.annotations` (e.g. `spec.template.metadata.annotations`), which the pods created from it get.
    /// Whoever writes the object writes these: they are untrusted input.
    public var annotations: [String: String]
    /// The object's own `metadata.annotations` (for a Pod the same as `annotations`). Equally untrusted.
    public var objectAnnotations: [String: String]
    /// Every image: `containers`, then `initContainers`, then `ephemeralContainers`, each in order.
    public var images: [PodImage]
    /// The RFC 6901 pointer of the pod spec, e.g. `/spec/template/spec`.
    public var podSpecPointer: String
    /// True for the `pods/ephemeralcontainers` subresource, where only `ephemeralContainers` can change and so
    /// only they are listed (as ImagePolicyWebhook does).
    public var onlyEphemeralContainers: Bool

    public init(
        kind: WorkloadKind, namespace: String?, annotations: [String: String], objectAnnotations: [String: String],
        images: [PodImage], podSpecPointer: String, onlyEphemeralContainers: Bool
    ) {
        self.kind = kind
        self.namespace = namespace
        self.annotations = annotations
        self.objectAnnotations = objectAnnotations
        self.images = images
        self.podSpecPointer = podSpecPointer
        self.onlyEphemeralContainers = onlyEphemeralContainers
    }
}

/// The outcome of looking for images in an admission request.
public enum WorkloadExtraction: Sendable, Hashable {
    /// The object carries a pod spec; these are its images.
    case workload(PodImages)
    /// Not something moat checks (another kind, a subresource other than `pods/ephemeralcontainers`, a DELETE
    /// or CONNECT, or no object); the reason says which, for logs. Admit it.
    case notChecked(reason: String)

    /// The images, or nil when not checked.
    public var podImages: PodImages? {
        if case .workload(let images) = self { return images }
        return nil
    }
}

/// Finds the container images of every workload kind in an admission request.
///
/// Only the fields needed are read: `metadata.namespace`, `metadata.annotations`, the template's annotations,
/// and `name` and `image` of each container. A wrong type in any of them is an error naming its path; anything
/// else in the object is ignored.
public enum WorkloadImages {
    /// The images of `request.object`.
    ///
    /// - The `pods/ephemeralcontainers` subresource (an UPDATE whose object is the whole Pod) yields only the
    ///   Pod's `ephemeralContainers`.
    /// - Any other subresource, any kind without a pod spec, and requests without an object (DELETE) give
    ///   `.notChecked`.
    /// - Throws: `AdmissionError` when a field read has the wrong type.
    public static func extract(from request: AdmissionRequest) throws(AdmissionError) -> WorkloadExtraction {
        if let subResource = request.subResource {
            guard request.resource.group.isEmpty && request.resource.resource == "pods" && subResource == "ephemeralcontainers" else {
                let resource = request.resource.resource.isEmpty ? request.kind.kind : request.resource.resource
                return .notChecked(reason: "subresource \(resource)/\(subResource) cannot change images")
            }
            guard let object = request.objectIndex else {
                return .notChecked(reason: "\(request.operation) of pods/ephemeralcontainers has no object")
            }
            return .workload(
                try read(request.document, object: object, kind: .pod, namespace: request.namespace, onlyEphemeral: true)
            )
        }
        guard let kind = WorkloadKind(group: request.kind.group, kind: request.kind.kind) else {
            return .notChecked(reason: "\(request.kind) is not a workload kind moat checks")
        }
        guard let object = request.objectIndex else {
            return .notChecked(reason: "\(request.operation) of \(request.kind) has no object")
        }
        return .workload(try read(request.document, object: object, kind: kind, namespace: request.namespace, onlyEphemeral: false))
    }

    /// The images of a Kubernetes object given as JSON (a manifest, or `AdmissionRequest.object`), for the main
    /// resource: `.notChecked` when `kind` has no pod spec. Error paths are relative to the object.
    public static func extract(
        object: Data, kind: GroupVersionKind, namespace: String? = nil, limits: AdmissionLimits = .default
    ) throws(AdmissionError) -> WorkloadExtraction {
        guard let workload = WorkloadKind(group: kind.group, kind: kind.kind) else {
            return .notChecked(reason: "\(kind) is not a workload kind moat checks")
        }
        guard object.count <= limits.maxBytes else { throw AdmissionError.tooLarge(object.count, limits) }
        let document = try JSONDocument(bytes: [UInt8](object), limits: limits)
        try document.requireObject(JSONDocument.root, what: "the object")
        return .workload(try read(document, object: JSONDocument.root, kind: workload, namespace: namespace, onlyEphemeral: false))
    }

    // MARK: - Reading

    private static func read(
        _ document: JSONDocument, object: Int, kind: WorkloadKind, namespace requestNamespace: String?, onlyEphemeral: Bool
    ) throws(AdmissionError) -> PodImages {
        var namespace = requestNamespace
        var objectAnnotations: [String: String] = [:]
        if let metadata = try document.objectMember(object, "metadata") {
            if namespace == nil { namespace = try document.stringMember(metadata, "namespace").nonEmpty }
            if let map = try document.objectMember(metadata, "annotations") { objectAnnotations = try document.stringMap(map) }
        }

        // Walk to the pod template; a missing or null step means an object without a template (an RC may omit it).
        var template: Int? = object
        for step in kind.templatePath {
            guard let current = template else { break }
            template = try objectStep(document, current, step)
        }
        var annotations = objectAnnotations
        var spec: Int?
        if let template {
            if kind != .pod {
                annotations = [:]
                if let metadata = try document.objectMember(template, "metadata"),
                    let map = try document.objectMember(metadata, "annotations")
                {
                    annotations = try document.stringMap(map)
                }
            }
            spec = try document.objectMember(template, "spec")
        }

        let specTokens = kind.podSpecPath
        let specPointer = JSONPointer.make(specTokens)
        var images: [PodImage] = []
        if let spec {
            let roles: [ContainerRole] = onlyEphemeral ? [.ephemeralContainer] : [.container, .initContainer, .ephemeralContainer]
            for role in roles {
                guard let list = try containerList(document, spec, role) else { continue }
                try document.forEachElement(list) { (index, container) throws(AdmissionError) in
                    var name = ""
                    var image = ""
                    switch document.kind(container) {
                    case .null: break
                    case .object:
                        name = try document.stringMember(container, "name") ?? ""
                        image = try document.stringMember(container, "image") ?? ""
                    default: throw document.typeError(container, expected: "an object (a container)")
                    }
                    images.append(
                        PodImage(
                            image: image, container: name, role: role, index: index,
                            pointer: specPointer + "/" + role.field + "/" + String(index) + "/image"
                        )
                    )
                }
            }
        }
        return PodImages(
            kind: kind, namespace: namespace, annotations: annotations, objectAnnotations: objectAnnotations,
            images: images, podSpecPointer: specPointer, onlyEphemeralContainers: onlyEphemeral
        )
    }

    private static func objectStep(_ document: JSONDocument, _ object: Int, _ key: String) throws(AdmissionError) -> Int? {
        switch key {
        case "spec": return try document.objectMember(object, "spec")
        case "template": return try document.objectMember(object, "template")
        case "jobTemplate": return try document.objectMember(object, "jobTemplate")
        default: return nil
        }
    }

    private static func containerList(_ document: JSONDocument, _ spec: Int, _ role: ContainerRole) throws(AdmissionError) -> Int? {
        switch role {
        case .container: return try document.arrayMember(spec, "containers")
        case .initContainer: return try document.arrayMember(spec, "initContainers")
        case .ephemeralContainer: return try document.arrayMember(spec, "ephemeralContainers")
        }
    }
}
