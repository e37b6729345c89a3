import Foundation

/// The `request` of an `admission.k8s.io/v1` `AdmissionReview`, as the apiserver sends it to validating and
/// mutating webhooks.
///
/// Only the fields a webhook needs are decoded; `object` and `oldObject` stay as raw JSON (read them with
/// `WorkloadImages`, or take their bytes with `object`/`oldObject`). The body is parsed once: the index built
/// while checking it is kept, so `WorkloadImages.extract(from:)` does not parse the object again.
///
/// Accepted: `apiVersion` exactly `admission.k8s.io/v1` and `kind` `AdmissionReview` (configure webhooks with
/// `admissionReviewVersions: ["v1"]`), a `request` object with a non-empty `uid`, and `request.kind.kind`.
/// Every other field is optional; `null` reads as absent, and empty strings as nil.
public struct AdmissionRequest: Sendable {
    /// The only `apiVersion` accepted (and answered).
    public static let apiVersion = "admission.k8s.io/v1"

    /// Identifies this call; the response must echo it exactly.
    public let uid: String
    /// The kind of `object` (for a subresource, the subresource's kind, e.g. `Scale` for `deployments/scale`).
    public let kind: GroupVersionKind
    /// The resource being requested, e.g. `apps/v1 deployments`.
    public let resource: GroupVersionResource
    /// The subresource (`ephemeralcontainers`, `status`, `scale`), nil for the main resource.
    public let subResource: String?
    /// The object's name; nil when not yet known (a CREATE using `metadata.generateName`).
    public let name: String?
    /// The namespace of the request; nil for cluster-scoped resources.
    public let namespace: String?
    /// CREATE, UPDATE, DELETE or CONNECT.
    public let operation: AdmissionOperation
    /// `request.userInfo.username`, the user making the request; nil if absent.
    public let username: String?
    /// True when the request will not be persisted (`kubectl … --dry-run=server`); side effects must be skipped.
    public let dryRun: Bool

    let document: JSONDocument
    let objectIndex: Int?
    let oldObjectIndex: Int?

    /// The new object as JSON (null on DELETE), copied out of the request body.
    public var object: Data? { objectIndex.map { Data(document.rawValue($0)) } }
    /// The existing object as JSON (null on CREATE and CONNECT), copied out of the request body.
    public var oldObject: Data? { oldObjectIndex.map { Data(document.rawValue($0)) } }

    /// Decodes an `AdmissionReview` request body.
    ///
    /// - Throws: `AdmissionError`: `.wrongAPIVersion`/`.wrongKind` for another document (including
    ///   `admission.k8s.io/v1beta1`), `.missingField`/`.invalidValue` without a usable `request.uid` or
    ///   `request.kind`, `.wrongType` naming the field, `.malformedJSON`/`.limitExceeded` for hostile bodies.
    public init(reviewJSON: Data, limits: AdmissionLimits = .default) throws(AdmissionError) {
        guard reviewJSON.count <= limits.maxBytes else { throw AdmissionError.tooLarge(reviewJSON.count, limits) }
        try self.init(reviewJSON: [UInt8](reviewJSON), limits: limits)
    }

    /// Decodes an `AdmissionReview` request body held as bytes.
    public init(reviewJSON: [UInt8], limits: AdmissionLimits = .default) throws(AdmissionError) {
        let document = try JSONDocument(bytes: reviewJSON, limits: limits)
        try ReviewEnvelope.check(
            document, apiVersion: Self.apiVersion, kind: "AdmissionReview",
            hint: " (set admissionReviewVersions: [\"v1\"] in the webhook configuration)"
        )
        let root = JSONDocument.root
        guard let request = try document.objectMember(root, "request") else {
            throw document.missing(root, "request", expected: "an object")
        }
        let uid = try document.requiredString(request, "uid")
        guard !uid.isEmpty else { throw AdmissionError(.invalidValue, "request.uid: empty", path: "request.uid") }
        guard let kind = try document.objectMember(request, "kind") else {
            throw document.missing(request, "kind", expected: "an object")
        }
        let kindName = try document.requiredString(kind, "kind")
        guard !kindName.isEmpty else { throw AdmissionError(.invalidValue, "request.kind.kind: empty", path: "request.kind.kind") }
        self.kind = GroupVersionKind(
            group: try document.stringMember(kind, "group") ?? "",
            version: try document.stringMember(kind, "version") ?? "",
            kind: kindName
        )
        if let resource = try document.objectMember(request, "resource") {
            self.resource = GroupVersionResource(
                group: try document.stringMember(resource, "group") ?? "",
                version: try document.stringMember(resource, "version") ?? "",
                resource: try document.stringMember(resource, "resource") ?? ""
            )
        } else {
            self.resource = GroupVersionResource(group: "", version: "", resource: "")
        }
        self.uid = uid
        self.subResource = try document.stringMember(request, "subResource").nonEmpty
        self.name = try document.stringMember(request, "name").nonEmpty
        self.namespace = try document.stringMember(request, "namespace").nonEmpty
        self.operation = AdmissionOperation(rawValue: try document.stringMember(request, "operation") ?? "")
        if let userInfo = try document.objectMember(request, "userInfo") {
            self.username = try document.stringMember(userInfo, "username")
        } else {
            self.username = nil
        }
        self.dryRun = try document.boolMember(request, "dryRun") ?? false
        self.objectIndex = try document.objectMember(request, "object")
        self.oldObjectIndex = try document.objectMember(request, "oldObject")
        self.document = document
    }
}

/// A Kubernetes API group, version and kind, e.g. `apps`, `v1`, `Deployment` (the core group is "").
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// `apps/v1 Deployment`, or `v1 Pod` for the core group.
    public var description: String { "\(group.isEmpty ? version : group + "/" + version) \(kind)" }
}

/// A Kubernetes API group, version and resource, e.g. `apps`, `v1`, `deployments`.
public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `apps/v1 deployments`, or `v1 pods` for the core group.
    public var description: String { "\(group.isEmpty ? version : group + "/" + version) \(resource)" }
}

/// The operation of an admission request. Kept as its raw string, so a value this module does not know
/// survives instead of failing the request.
public struct AdmissionOperation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let create = AdmissionOperation(rawValue: "CREATE")
    public static let update = AdmissionOperation(rawValue: "UPDATE")
    public static let delete = AdmissionOperation(rawValue: "DELETE")
    public static let connect = AdmissionOperation(rawValue: "CONNECT")

    public var description: String { rawValue }
}

extension Optional where Wrapped == String {
    /// nil for nil and "".
    var nonEmpty: String? {
        switch self {
        case .some(let value) where !value.isEmpty: return value
        default: return nil
        }
    }
}
