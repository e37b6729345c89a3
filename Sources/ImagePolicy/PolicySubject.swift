/// What is being admitted: a pod's images (or a manifest's, in CI) with the namespace and annotations.
public struct PolicySubject: Sendable {
    /// The namespace; nil in CI checks, which puts the subject in scope of every rule.
    public var namespace: String?
    /// Pod annotations (from an ImageReview, only the `*.image-policy.k8s.io/*` ones the apiserver forwards).
    public var annotations: [String: String]
    public var images: [SubjectImage]

    public init(namespace: String? = nil, annotations: [String: String] = [:], images: [SubjectImage]) {
        self.namespace = namespace
        self.annotations = annotations
        self.images = images
    }
}

/// One image of the subject, as written.
public struct SubjectImage: Sendable, Hashable {
    /// Raw and unnormalised, as written in the pod (`nginx`, `ghcr.io/acme/app:1.2`).
    public var image: String
    /// The container's name when known (ImageReviews carry none).
    public var container: String?
    public var role: ContainerRole
    /// The caller's JSON pointer for patches (e.g. `/spec/containers/0/image`), carried through untouched.
    public var location: String?

    public init(image: String, container: String? = nil, role: ContainerRole = .container, location: String? = nil) {
        self.image = image
        self.container = container
        self.role = role
        self.location = location
    }
}

/// Which list of the pod spec an image comes from.
public enum ContainerRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case container
    case initContainer
    case ephemeralContainer

    /// `container`, `init container`, `ephemeral container`: used in messages.
    public var description: String {
        switch self {
        case .container: "container"
        case .initContainer: "init container"
        case .ephemeralContainer: "ephemeral container"
        }
    }
}
