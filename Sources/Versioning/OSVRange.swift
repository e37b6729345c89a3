/// The `type` of an OSV `affected[].ranges[]` entry.
public enum OSVRangeType: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Versions are SemVer 2.0 (no `v` prefix) and ordered by SemVer precedence.
    case semver
    /// Versions are ordered by the package ecosystem's own rules (the caller's ``VersionScheme``).
    case ecosystem
    /// Versions are Git commit hashes; evaluating needs the repository's commit graph.
    case git
    /// A type this evaluator does not know.
    case other(String)

    public init(rawValue: String) {
        switch rawValue {
        case "SEMVER": self = .semver
        case "ECOSYSTEM": self = .ecosystem
        case "GIT": self = .git
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .semver: "SEMVER"
        case .ecosystem: "ECOSYSTEM"
        case .git: "GIT"
        case .other(let s): s
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One entry of an OSV range's `events` array. Exactly one key per JSON object.
public enum OSVEvent: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `{"introduced": v}`; `"0"` means "before every version".
    case introduced(String)
    /// `{"fixed": v}`: `v` and later are not affected.
    case fixed(String)
    /// `{"last_affected": v}`: versions after `v` are not affected.
    case lastAffected(String)
    /// `{"limit": v}`: only versions below some limit are in range; `"*"` is infinity.
    case limit(String)

    private enum Key: String, CodingKey {
        case introduced, fixed, lastAffected = "last_affected", limit
    }

    public var version: String {
        switch self {
        case .introduced(let v), .fixed(let v), .lastAffected(let v), .limit(let v): v
        }
    }

    public var description: String {
        switch self {
        case .introduced(let v): "introduced: \(v)"
        case .fixed(let v): "fixed: \(v)"
        case .lastAffected(let v): "last_affected: \(v)"
        case .limit(let v): "limit: \(v)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let present = container.allKeys
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath,
                debugDescription: "an OSV event must have exactly one of introduced, fixed, last_affected, limit (found \(present.map(\.stringValue)))"
            ))
        }
        let value = try container.decode(String.self, forKey: key)
        switch key {
        case .introduced: self = .introduced(value)
        case .fixed: self = .fixed(value)
        case .lastAffected: self = .lastAffected(value)
        case .limit: self = .limit(value)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .introduced(let v): try container.encode(v, forKey: .introduced)
        case .fixed(let v): try container.encode(v, forKey: .fixed)
        case .lastAffected(let v): try container.encode(v, forKey: .lastAffected)
        case .limit(let v): try container.encode(v, forKey: .limit)
        }
    }
}

/// The outcome of checking a version against OSV data.
public enum OSVMatch: Sendable, Hashable, CustomStringConvertible {
    case affected
    case notAffected
    /// The range cannot be evaluated from versions alone (GIT ranges, unknown types); the caller should
    /// note it rather than treat the package as clean or vulnerable.
    case unsupported(OSVRangeType)

    /// `true` only for ``affected``.
    public var isAffected: Bool { self == .affected }

    public var description: String {
        switch self {
        case .affected: "affected"
        case .notAffected: "not affected"
        case .unsupported(let type): "unsupported range type \(type)"
        }
    }
}

/// An OSV `affected[].ranges[]` entry, evaluated with the algorithm of the OSV schema's "Evaluation"
/// section:
///
/// ```text
/// in range  ⇔  before some limit (an implicit "*" limit when none is given)
///              and, walking the non-limit events sorted by version (introduced "0" first),
///              the last event that applies is an introduced one, where
///              introduced X applies when v >= X, fixed X when v >= X, last_affected X when v > X.
/// ```
///
/// `ECOSYSTEM` ranges are ordered by the caller's scheme. `SEMVER` ranges are SemVer 2.0 by
/// definition: they use ``GoVersion`` when the scheme is ``VersionScheme/go`` and ``SemVer`` otherwise.
/// `GIT` and unknown types give ``OSVMatch/unsupported(_:)``.
public struct OSVRange: Sendable, Hashable, Codable {
    public var type: OSVRangeType
    /// The repository URL (GIT ranges).
    public var repo: String?
    public var events: [OSVEvent]

    public init(type: OSVRangeType, repo: String? = nil, events: [OSVEvent]) {
        self.type = type
        self.repo = repo
        self.events = events
    }

    private enum CodingKeys: String, CodingKey { case type, repo, events }

    /// Whether `version` falls in this range. Throws (naming the text) when `version` or any event version
    /// does not parse under the scheme; `introduced: "0"` and `limit: "*"` are never parsed.
    public func affects(_ version: String, scheme: VersionScheme) throws(VersionError) -> OSVMatch {
        let ordering: VersionScheme
        switch type {
        case .ecosystem: ordering = scheme
        case .semver: ordering = scheme == .go ? .go : .semver
        case .git, .other: return .unsupported(type)
        }
        let inRange: Bool = switch ordering {
        case .dpkg: try evaluate(version, as: DpkgVersion.self)
        case .apk: try evaluate(version, as: ApkVersion.self)
        case .rpm: try evaluate(version, as: RpmVersion.self)
        case .pep440: try evaluate(version, as: PEP440Version.self)
        case .semver: try evaluate(version, as: SemVer.self)
        case .go: try evaluate(version, as: GoVersion.self)
        case .maven: try evaluate(version, as: MavenVersion.self)
        }
        return inRange ? .affected : .notAffected
    }

    /// The same check with a concrete version type, for SEMVER or ECOSYSTEM ranges (the range type is
    /// not consulted).
    public func evaluate<V: EcosystemVersion>(_ version: String, as type: V.Type) throws(VersionError) -> Bool {
        let v = try V(parsing: version)

        // BeforeLimits: an implicit "*" limit when there are none.
        var limits: [String] = []
        for case .limit(let l) in events { limits.append(l) }
        if !limits.isEmpty {
            var below = false
            for limit in limits {
                if limit.contains("*") {
                    below = true
                    break
                }
                if v < (try V(parsing: limit)) {
                    below = true
                    break
                }
            }
            if !below { return false }
        }

        // Sort the other events by version; introduced "0" sorts before everything. Equal versions keep
        // their order in the record.
        // `bound == nil` is introduced "0", below every version.
        var keyed: [(offset: Int, bound: V?, event: OSVEvent)] = []
        for (offset, event) in events.enumerated() {
            switch event {
            case .limit:
                continue
            case .introduced("0"):
                keyed.append((offset, nil, event))
            default:
                keyed.append((offset, try V(parsing: event.version), event))
            }
        }
        keyed.sort { a, b in
            switch (a.bound, b.bound) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                let r = x.compare(to: y)
                return r == .equal ? a.offset < b.offset : r == .less
            }
        }

        var vulnerable = false
        for entry in keyed {
            switch (entry.event, entry.bound) {
            case (.introduced, nil):
                vulnerable = true
            case let (.introduced, x?) where v >= x:
                vulnerable = true
            case let (.fixed, x?) where v >= x:
                vulnerable = false
            case let (.lastAffected, x?) where v > x:
                vulnerable = false
            default:
                break
            }
        }
        return vulnerable
    }
}

/// The version data of one OSV `affected[]` entry: explicit `versions` plus `ranges`.
public struct OSVAffectedVersions: Sendable, Hashable, Codable {
    public var ranges: [OSVRange]
    public var versions: [String]

    public init(ranges: [OSVRange] = [], versions: [String] = []) {
        self.ranges = ranges
        self.versions = versions
    }

    private enum CodingKeys: String, CodingKey { case ranges, versions }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ranges = try container.decodeIfPresent([OSVRange].self, forKey: .ranges) ?? []
        versions = try container.decodeIfPresent([String].self, forKey: .versions) ?? []
    }

    /// Whether `version` is listed in ``versions``: the same text, or a listed entry that parses and orders
    /// equal under `scheme` (`1.0` matches `1.0.0` for PEP 440). Unparsable list entries only match by text;
    /// an unparsable `version` throws.
    public func listsVersion(_ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        if versions.contains(version) { return true }
        try VersionComparator.validate(version, scheme: scheme)
        for listed in versions {
            if (try? VersionComparator.compare(version, listed, scheme: scheme)) == .equal { return true }
        }
        return false
    }

    /// OSV `IncludedInVersions || IncludedInRanges`. When no range says "affected", an unevaluable (GIT)
    /// range yields ``OSVMatch/unsupported(_:)`` only if there is no `versions` list to rely on.
    public func affects(_ version: String, scheme: VersionScheme) throws(VersionError) -> OSVMatch {
        if try listsVersion(version, scheme: scheme) { return .affected }
        var unsupported: OSVRangeType?
        for range in ranges {
            switch try range.affects(version, scheme: scheme) {
            case .affected: return .affected
            case .notAffected: break
            case .unsupported(let type): unsupported = unsupported ?? type
            }
        }
        if let unsupported, versions.isEmpty { return .unsupported(unsupported) }
        return .notAffected
    }
}
