/// A Go module version, ordered like `golang.org/x/mod/semver`:
///
/// * `vMAJOR[.MINOR[.PATCH]][-pre][+build]`; `v1` and `v1.2` are shorthands for `v1.0.0` / `v1.2.0`
///   (only without pre-release or build); numbers and numeric pre-release identifiers have no leading zeros;
/// * the `v` is optional here because OSV Go ranges and trivy's `go-version` write versions without it;
/// * build metadata, including `+incompatible`, is ignored for ordering;
/// * pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`,
///   `v1.2.3-pre.0.20191109021931-daa7c04131f5`) are ordinary pre-releases, so they sort by SemVer
///   pre-release rules: below the release they precede, in timestamp order among themselves.
public struct GoVersion: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .go }

    private let core: SemanticCore
    /// The text as given (trimmed).
    public let description: String

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .go, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        let bytes = Array(trimmed.utf8)
        let start = bytes.first == UInt8(ascii: "v") ? 1 : 0
        switch SemanticCore.parse(bytes, from: start, allowShorthand: true, maximum: nil) {
        case .success(let core): self.core = core
        case .failure(let failure): throw fail(failure.reason)
        }
        self.description = trimmed
    }

    public var major: String { core.major.description }
    public var minor: String { core.minor.description }
    public var patch: String { core.patch.description }
    public var preRelease: [String] { core.preRelease.map(\.description) }
    public var build: [String] { core.build }
    public var isPreRelease: Bool { !core.preRelease.isEmpty }
    /// Whether the build metadata is `+incompatible` (a v2+ module without a go.mod).
    public var isIncompatible: Bool { core.build == ["incompatible"] }
    /// The canonical `vX.Y.Z[-pre]` form (`semver.Canonical`: shorthand expanded, build dropped).
    public var canonical: String {
        var c = core
        c.build = []
        return "v" + c.canonical
    }

    /// Whether this is a pseudo-version (`golang.org/x/mod/module.IsPseudoVersion`).
    public var isPseudoVersion: Bool { pseudoParts != nil }
    /// The 14-digit UTC commit timestamp `yyyymmddhhmmss` of a pseudo-version.
    public var pseudoVersionTimestamp: String? { pseudoParts?.timestamp }
    /// The commit hash prefix of a pseudo-version.
    public var pseudoVersionRevision: String? { pseudoParts?.revision }

    private var pseudoParts: (timestamp: String, revision: String)? {
        // The last two pre-release pieces are `<14-digit time>-<revision>` within one identifier, e.g.
        // ["20191109021931-daa7c04131f5"] (vX.0.0 form) or [..., "0", "20191109021931-daa7c04131f5"].
        guard let last = core.preRelease.last, case .alphanumeric(let tail) = last else { return nil }
        let pieces = tail.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[0].count == 14, pieces[0].utf8.allSatisfy(ASCII.isDigit),
              !pieces[1].isEmpty, pieces[1].utf8.allSatisfy(ASCII.isAlnum) else { return nil }
        let head = Array(core.preRelease.dropLast())
        if head.isEmpty {
            // vX.0.0-yyyymmddhhmmss-abcdef
            guard core.minor.isZero, core.patch.isZero else { return nil }
        } else {
            // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef or vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef
            guard case .numeric(let zero) = head[head.count - 1], zero.isZero else { return nil }
        }
        return (String(pieces[0]), String(pieces[1]))
    }

    public func compare(to other: GoVersion) -> VersionComparison {
        VersionComparison(sign: core.compare(to: other.core))
    }

    public static func < (lhs: GoVersion, rhs: GoVersion) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: GoVersion, rhs: GoVersion) -> Bool { lhs.compare(to: rhs) == .equal }
    public func hash(into hasher: inout Hasher) { hasher.combine(core.orderingKey) }
}
