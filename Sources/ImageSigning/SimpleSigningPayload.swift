public import Foundation
public import OCIModel

/// The claims a cosign signature covers: which image (by manifest digest) under which name, plus optional
/// annotations. `bytes` are exactly what cosign signs for the same claims.
public struct SimpleSigningPayload: Sendable, Equatable {
    /// The repository the signer named (cosign: without tag; containers/image: with it).
    public var dockerReference: String
    public var manifestDigest: Digest
    public var type: String
    /// `optional`: cosign's `-a key=value` annotations (scalars are kept as their text, objects as JSON).
    public var optional: [String: String]?

    public init(dockerReference: String, manifestDigest: Digest, optional: [String: String]? = nil) {
        self.dockerReference = dockerReference
        self.manifestDigest = manifestDigest
        self.type = CosignFormat.signatureType
        self.optional = optional
    }

    /// Go `json.Marshal` of cosign's payload struct: fixed field order, no whitespace, no trailing newline.
    public var bytes: Data {
        let optionalText = optional.map { $0.isEmpty ? "{}" : GoJSON.object($0) } ?? "null"
        let text = "{\"critical\":{\"identity\":{\"docker-reference\":\(GoJSON.quote(dockerReference))},"
            + "\"image\":{\"docker-manifest-digest\":\(GoJSON.quote(manifestDigest.description))},"
            + "\"type\":\(GoJSON.quote(type))},\"optional\":\(optionalText)}"
        return Data(text.utf8)
    }

    /// Parses a payload strictly: every `critical` field must be present, a string, and known (a signer's critical claim
    /// that moat does not understand must not be ignored).
    public init(parsing data: Data) throws(SigningError) {
        guard let root = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] else {
            throw SigningError(.invalidPayload, "the payload is not a JSON object")
        }
        guard let critical = root["critical"] as? [String: Any] else {
            throw SigningError(.invalidPayload, "the payload has no \"critical\" object")
        }
        try Self.requireOnly(["identity", "image", "type"], in: critical, at: "critical")
        guard let identity = critical["identity"] as? [String: Any], let image = critical["image"] as? [String: Any] else {
            throw SigningError(.invalidPayload, "the payload's critical.identity or critical.image is missing or not an object")
        }
        try Self.requireOnly(["docker-reference"], in: identity, at: "critical.identity")
        try Self.requireOnly(["docker-manifest-digest"], in: image, at: "critical.image")
        guard let reference = identity["docker-reference"] as? String else {
            throw SigningError(.invalidPayload, "the payload's critical.identity.docker-reference is missing or not a string")
        }
        guard let digestText = image["docker-manifest-digest"] as? String else {
            throw SigningError(.invalidPayload, "the payload's critical.image.docker-manifest-digest is missing or not a string")
        }
        guard let digest = try? Digest(parsing: digestText) else {
            throw SigningError(.invalidPayload, "the payload's docker-manifest-digest \"\(digestText)\" is not a digest")
        }
        guard let type = critical["type"] as? String else {
            throw SigningError(.invalidPayload, "the payload's critical.type is missing or not a string")
        }
        self.dockerReference = reference
        self.manifestDigest = digest
        self.type = type
        switch root["optional"] {
        case nil, is NSNull:
            self.optional = nil
        case let fields as [String: Any]:
            self.optional = fields.mapValues(Self.text)
        default:
            throw SigningError(.invalidPayload, "the payload's \"optional\" is neither null nor an object")
        }
    }

    private static func requireOnly(_ known: Set<String>, in object: [String: Any], at path: String) throws(SigningError) {
        let unknown = Set(object.keys).subtracting(known)
        guard unknown.isEmpty else {
            throw SigningError(.invalidPayload, "the payload's \(path) has fields moat does not know: \(unknown.sorted().joined(separator: ", ")); a critical claim that is not understood is refused")
        }
    }

    private static func text(_ value: Any) -> String {
        switch value {
        case let string as String: return string
        case let number as NSNumber:
            // JSON booleans arrive as NSNumber too; their Objective-C type is `c` (char).
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case is NSNull: return "null"
        default:
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
