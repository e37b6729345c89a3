import Foundation

/// Severity levels, ordered UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL (trivy's scale).
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case unknown = "UNKNOWN"
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"
    case critical = "CRITICAL"

    var rank: Int {
        switch self {
        case .unknown: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// Parses a vendor's severity word: GHSA (`MODERATE`), Red Hat (`Important`), Debian urgency (`unimportant`,
    /// `low**`), Ubuntu priority (`negligible`), NVD/CVSS bands. Words meaning "not rated yet" (`not yet assigned`,
    /// `untriaged`, `unknown`, `none`) and anything unrecognised give nil, so a real rating can take over.
    public init?(vendorText text: String) {
        var word = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while word.hasSuffix("*") { word.removeLast() }
        switch word {
        case "critical": self = .critical
        case "high", "important": self = .high
        case "medium", "moderate": self = .medium
        case "low", "negligible", "unimportant": self = .low
        default: return nil
        }
    }
}

/// Fix status of an affected package (trivy's enum, same spelling as its JSON output).
public enum AdvisoryStatus: String, Codable, Sendable, CaseIterable {
    case unknown
    case notAffected = "not_affected"
    case affected
    case fixed
    case underInvestigation = "under_investigation"
    case willNotFix = "will_not_fix"
    case fixDeferred = "fix_deferred"
    case endOfLife = "end_of_life"
}

/// One OSV range event.
public struct RangeEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case introduced
        case fixed
        case lastAffected = "last_affected"
        case limit
    }

    public var kind: Kind
    public var version: String

    public init(_ kind: Kind, _ version: String) {
        self.kind = kind
        self.version = version
    }

    /// Encoded as OSV does: `{"introduced": "0"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        for kind in Kind.allCases {
            if let version = try container.decodeIfPresent(String.self, forKey: DynamicKey(kind.rawValue)) {
                self.init(kind, version)
                return
            }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                debugDescription: "range event without introduced, fixed, last_affected or limit"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(version, forKey: DynamicKey(kind.rawValue))
    }
}

/// An OSV range: `SEMVER`, `ECOSYSTEM` or `GIT` (any other type is kept as spelled), with its events in order.
public struct AffectedRange: Sendable, Hashable, Codable {
    public var type: String
    public var repo: String?
    public var events: [RangeEvent]

    public init(type: String, repo: String? = nil, events: [RangeEvent]) {
        self.type = type
        self.repo = repo
        self.events = events
    }
}

public struct Reference: Sendable, Hashable, Codable {
    public var type: String
    public var url: String

    public init(type: String, url: String) {
        self.type = type
        self.url = url
    }
}

/// A CVSS vector as the advisory gave it, with its score as computed by `CVSS.parse` (importers store
/// `Vector.baseScore`: v2, v3.x base scores; the v4.0 CVSS-B/BT/BE/BTE score).
public struct CVSSScore: Sendable, Hashable, Codable {
    public var vector: String
    public var score: Double?

    public init(vector: String, score: Double?) {
        self.vector = vector
        self.score = score
    }

    /// The stored score, or, when none was stored (a record written before v4 scores were computed), the score
    /// computed from the vector; nil when neither exists.
    public var effectiveScore: Double? {
        if let score { return score }
        return (try? CVSS.parse(vector))?.baseScore
    }

    /// The severity band of `effectiveScore` (CVSS v3/v4 bands; NVD's LOW/MEDIUM/HIGH for v2). A v3/v4 score of
    /// 0.0 (band NONE) gives nil, so the severity falls through to UNKNOWN.
    public var severity: Severity? {
        guard let score = effectiveScore else { return nil }
        return vector.hasPrefix("CVSS:3") || vector.hasPrefix("CVSS:4") ? CVSS.severityV3(score: score) : CVSS.severityV2(score: score)
    }
}

/// One package an advisory affects, with everything the matcher compares.
public struct AffectedPackage: Sendable, Hashable, Codable {
    /// Normalised ecosystem (`debian:12`, `alpine:v3.10`, `PyPI`, …; see `Ecosystem.normalize`).
    public var ecosystem: String
    /// Normalised package name (see `PackageName.normalize`).
    public var name: String
    /// The name as the advisory spells it.
    public var originalName: String
    public var purl: String?
    public var ranges: [AffectedRange]
    /// Explicitly listed affected versions (OSV `versions`).
    public var versions: [String]
    /// Every fixed version named by the advisory, in the order given (OSV `fixed` events; Alpine secfixes keys).
    /// When several are listed for one package (backports), installed < every one of them means vulnerable.
    public var fixedVersions: [String]
    public var status: AdvisoryStatus
    /// Per-package vendor severity (Debian urgency, `ecosystem_specific.severity`), parsed.
    public var severity: Severity?
    /// The per-package vendor severity as written (`unimportant`, `not yet assigned`).
    public var severityText: String?

    public init(ecosystem: String, name: String, originalName: String? = nil, purl: String? = nil,
                ranges: [AffectedRange] = [], versions: [String] = [], fixedVersions: [String] = [],
                status: AdvisoryStatus, severity: Severity? = nil, severityText: String? = nil) {
        self.ecosystem = ecosystem
        self.name = name
        self.originalName = originalName ?? name
        self.purl = purl
        self.ranges = ranges
        self.versions = versions
        self.fixedVersions = fixedVersions
        self.status = status
        self.severity = severity
        self.severityText = severityText
    }
}

/// Where an effective severity came from.
public enum SeveritySource: Sendable, Hashable, Codable {
    /// A vendor or advisory rating (`debian`, `ghsa`, `ubuntu`, …).
    case vendor(String)
    case cvssV3
    case cvssV2
    case cvssV4
    case none
}

public struct SeverityDecision: Sendable, Hashable {
    public var severity: Severity
    public var source: SeveritySource

    public init(severity: Severity, source: SeveritySource) {
        self.severity = severity
        self.source = source
    }
}

/// An advisory keyed by (source, id): `source` is the configured feed it came from (`osv/PyPI`,
/// `alpine/v3.10/main`), `id` the advisory's own identifier (`GHSA-…`, `CVE-…`).
public struct Advisory: Sendable, Hashable, Codable {
    public var source: String
    public var id: String
    public var aliases: [String]
    /// OSV `upstream`: the upstream ids this record derives from (`DEBIAN-CVE-2024-1` → `CVE-2024-1`).
    public var upstream: [String]
    public var summary: String?
    public var details: String?
    /// RFC 3339 timestamps as the advisory wrote them.
    public var published: String?
    public var modified: String?
    /// The advisory's own severity (GHSA `database_specific.severity`, an OSV `Ubuntu` severity, …).
    public var severity: Severity?
    /// Which vendor `severity` is from (`ghsa`, `ubuntu`, …).
    public var severitySource: String?
    /// Every severity word seen, by vendor, as written (`{"ghsa": "MODERATE"}`).
    public var vendorSeverities: [String: String]
    public var cvssV2: CVSSScore?
    public var cvssV3: CVSSScore?
    public var cvssV4: CVSSScore?
    public var references: [Reference]
    public var cwes: [String]
    /// From a query: only the entries for the package asked about. From an importer: all of them.
    public var affected: [AffectedPackage]

    public init(source: String, id: String, aliases: [String] = [], upstream: [String] = [], summary: String? = nil, details: String? = nil,
                published: String? = nil, modified: String? = nil, severity: Severity? = nil, severitySource: String? = nil,
                vendorSeverities: [String: String] = [:], cvssV2: CVSSScore? = nil, cvssV3: CVSSScore? = nil,
                cvssV4: CVSSScore? = nil, references: [Reference] = [], cwes: [String] = [], affected: [AffectedPackage] = []) {
        self.source = source
        self.id = id
        self.aliases = aliases
        self.upstream = upstream
        self.summary = summary
        self.details = details
        self.published = published
        self.modified = modified
        self.severity = severity
        self.severitySource = severitySource
        self.vendorSeverities = vendorSeverities
        self.cvssV2 = cvssV2
        self.cvssV3 = cvssV3
        self.cvssV4 = cvssV4
        self.references = references
        self.cwes = cwes
        self.affected = affected
    }

    /// Severity precedence (after trivy, `pkg/vulnerability/vulnerability.go`):
    /// 1. the per-package vendor rating of `affected` (Debian urgency),
    /// 2. the advisory's own rating (`severity`, e.g. GHSA, Ubuntu),
    /// 3. the CVSS v3.x base score band,
    /// 4. the CVSS v2 base score band (NVD: LOW/MEDIUM/HIGH),
    /// 5. the CVSS v4.0 score band (0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10 CRITICAL): the stored score,
    ///    else the score computed from the vector (`CVSS.V4`); a v4 score of 0.0 (NONE) is not a rating and gives
    ///    UNKNOWN, as a v3 score of 0.0 does,
    /// 6. UNKNOWN.
    public func effectiveSeverity(for affected: AffectedPackage? = nil) -> SeverityDecision {
        if let affected, let severity = affected.severity {
            return SeverityDecision(severity: severity, source: .vendor(Self.vendorName(forID: id)))
        }
        if let severity { return SeverityDecision(severity: severity, source: .vendor(severitySource ?? Self.vendorName(forID: id))) }
        if let severity = cvssV3?.severity { return SeverityDecision(severity: severity, source: .cvssV3) }
        if let severity = cvssV2?.severity { return SeverityDecision(severity: severity, source: .cvssV2) }
        if let severity = cvssV4?.severity { return SeverityDecision(severity: severity, source: .cvssV4) }
        return SeverityDecision(severity: .unknown, source: .none)
    }

    /// The vendor an advisory identifier belongs to: `GHSA-` → `ghsa`, `DSA-`/`DLA-`/`DEBIAN-` → `debian`,
    /// `USN-`/`UBUNTU-` → `ubuntu`, `CVE-` → `nvd`, otherwise the prefix lowercased (`pysec`, `rustsec`, `go`, …).
    public static func vendorName(forID id: String) -> String {
        let prefix = id.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch prefix {
        case "dsa", "dla", "dtsa", "debian": return "debian"
        case "usn", "ubuntu", "lsn": return "ubuntu"
        case "cve": return "nvd"
        case "": return "unknown"
        default: return prefix
        }
    }
}

struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
