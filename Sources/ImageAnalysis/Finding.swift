import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// How bad a finding is; ordered so `>=` compares with `--fail-on`.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Which part of the image a finding lives in.
public enum Origin: String, Codable, Sendable {
    /// A layer attributed to the base image.
    case base
    /// A layer added on top of the base (your build).
    case application
    /// The image configuration (Env, User, history…), not a layer.
    case config
    /// Layers exist but the base could not be told apart.
    case unknown
}

/// One thing moat found, with enough context to act on it and a fingerprint stable enough to suppress it.
public struct Finding: Codable, Sendable, Hashable {
    public var ruleID: String
    public var severity: Severity
    public var category: RuleCategory
    public var title: String
    public var message: String
    /// Absolute path inside the image, when the finding is about a file.
    public var path: String?
    /// 0-based index of the layer holding the evidence.
    public var layer: Int?
    public var layerDigest: String?
    public var origin: Origin
    /// `sha256:` + 16 hex digits over rule, path and (for secrets) the secret's hash; never the secret itself.
    public var fingerprint: String
    /// Extra facts (names reachable, masked secret, bytes…), string-valued for stable JSON.
    public var details: [String: String]?

    public init(rule: RuleDefinition, message: String, path: String? = nil, layer: Int? = nil, layerDigest: String? = nil,
                origin: Origin, fingerprintSeed: String? = nil, severity: Severity? = nil, details: [String: String]? = nil) {
        self.ruleID = rule.id
        self.severity = severity ?? rule.severity
        self.category = rule.category
        self.title = rule.title
        self.message = message
        self.path = path
        self.layer = layer
        self.layerDigest = layerDigest
        self.origin = origin
        self.fingerprint = Fingerprint.make(rule.id, path ?? "", fingerprintSeed ?? "")
        self.details = details
    }
}
