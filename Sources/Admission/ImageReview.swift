import Foundation

/// An `imagepolicy.k8s.io/v1alpha1` `ImageReview` request, as the apiserver's ImagePolicyWebhook admission
/// plugin sends it:
///
/// ```json
/// {"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview",
///  "spec":{"containers":[{"image":"myrepo/myimage:v1"}],
///          "annotations":{"x.image-policy.k8s.io/ticket":"break-glass"},"namespace":"ns"}}
/// ```
///
/// What the plugin sends, and so what this holds:
/// * **Images only**: no request uid, no container names, no pod name. One verdict covers the whole pod.
/// * `images` are the containers' images, then the init containers', as raw unnormalised strings. A request
///   for the `pods/ephemeralcontainers` subresource (sent since the CVE-2023-2727 fix) holds only the
///   ephemeral containers' images, and nothing in the request says so.
/// * A container whose `image` is absent or null reads as "" (Go omits an empty image).
public struct ImageReviewRequest: Sendable, Hashable {
    /// The only `apiVersion` accepted.
    public static let apiVersion = "imagepolicy.k8s.io/v1alpha1"
    /// The plugin forwards only pod annotations whose key contains this; so does this reader.
    public static let annotationKeyMarker = ".image-policy.k8s.io/"

    /// Every container image of the pod, in the order sent: containers, then init containers.
    public var images: [String]
    /// The pod's annotations whose key contains `.image-policy.k8s.io/`.
    ///
    /// - Important: These are **untrusted**. Whoever creates the pod writes them; they can request an
    ///   exception (a "break-glass" ticket) but must never grant one on their own.
    public var annotations: [String: String]
    /// The pod's namespace; nil when absent or empty.
    public var namespace: String?

    /// A request with the given contents (for servers composing tests and for tests).
    public init(images: [String], annotations: [String: String] = [:], namespace: String? = nil) {
        self.images = images
        self.annotations = annotations
        self.namespace = namespace
    }

    /// Decodes an `ImageReview` request body.
    ///
    /// - Throws: `AdmissionError`: `.wrongAPIVersion`/`.wrongKind` for another document, `.missingField`
    ///   without `spec`, `.wrongType` naming the field, `.malformedJSON`/`.limitExceeded` for hostile bodies.
    public init(json: Data, limits: AdmissionLimits = .default) throws(AdmissionError) {
        guard json.count <= limits.maxBytes else { throw AdmissionError.tooLarge(json.count, limits) }
        try self.init(json: [UInt8](json), limits: limits)
    }

    /// Decodes an `ImageReview` request body held as bytes.
    public init(json: [UInt8], limits: AdmissionLimits = .default) throws(AdmissionError) {
        let document = try JSONDocument(bytes: json, limits: limits)
        try ReviewEnvelope.check(document, apiVersion: Self.apiVersion, kind: "ImageReview", hint: "")
        guard let spec = try document.objectMember(JSONDocument.root, "spec") else {
            throw document.missing(JSONDocument.root, "spec", expected: "an object")
        }
        var images: [String] = []
        if let containers = try document.arrayMember(spec, "containers") {
            images.reserveCapacity(document.count(containers))
            try document.forEachElement(containers) { (_, container) throws(AdmissionError) in
                switch document.kind(container) {
                case .null: images.append("")
                case .object: images.append(try document.stringMember(container, "image") ?? "")
                default: throw document.typeError(container, expected: "an object")
                }
            }
        }
        var annotations: [String: String] = [:]
        if let map = try document.objectMember(spec, "annotations") {
            annotations = try document.stringMap(map) { $0.contains(Self.annotationKeyMarker) }
        }
        let namespace = try document.stringMember(spec, "namespace")
        self.init(images: images, annotations: annotations, namespace: namespace?.isEmpty == false ? namespace : nil)
    }
}

/// The answer to an `ImageReview`:
///
/// ```json
/// {"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview",
///  "status":{"allowed":false,"reason":"registry not allowed","auditAnnotations":{"rule":"allowlist"}}}
/// ```
///
/// `reason` is omitted when nil or empty and `auditAnnotations` when empty, as Go's `omitempty` does. The
/// apiserver prefixes each audit annotation key with `imagepolicywebhook.image-policy.k8s.io/`, so keys should
/// be short names (`rule`, `image`); it drops keys that do not form a valid qualified name.
public struct ImageReviewResponse: Sendable, Hashable {
    /// Whether every image of the pod is allowed.
    public var allowed: Bool
    /// Why, for people; shown to the user in the apiserver's rejection message.
    public var reason: String?
    /// Added to the audit event (keys prefixed by the apiserver, see above).
    public var auditAnnotations: [String: String]

    public init(allowed: Bool, reason: String? = nil, auditAnnotations: [String: String] = [:]) {
        self.allowed = allowed
        self.reason = reason
        self.auditAnnotations = auditAnnotations
    }

    /// The response body.
    public func json() -> Data { Data(jsonBytes()) }

    /// The response body as bytes, for servers that write into their own buffers.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 160 + (reason?.utf8.count ?? 0))
        writer.raw(#"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","status":{"allowed":"#)
        writer.bool(allowed)
        if let reason, !reason.isEmpty {
            writer.raw(#","reason":"#)
            writer.string(reason)
        }
        if !auditAnnotations.isEmpty {
            writer.raw(#","auditAnnotations":"#)
            writer.stringMap(auditAnnotations)
        }
        writer.raw("}}")
        return writer.bytes
    }
}

extension AdmissionError {
    static func tooLarge(_ count: Int, _ limits: AdmissionLimits) -> AdmissionError {
        AdmissionError(.limitExceeded, "the document is \(count) bytes, more than the limit of \(limits.maxBytes)")
    }
}
