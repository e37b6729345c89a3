/// An npm package version: SemVer 2.0 as node-semver parses it.
///
/// * `MAJOR.MINOR.PATCH`, numbers without leading zeros and at most `Number.MAX_SAFE_INTEGER`;
/// * optional `-pre.release` identifiers (`[0-9A-Za-z-]`, numeric ones without leading zeros) and
///   `+build` metadata, which is ignored for ordering (`1.0.0+a == 1.0.0+b`);
/// * surrounding whitespace and a leading run of `v` / `=` are tolerated as npm does
///   (`semver.clean`, range comparators): `v1.2.3`, `=1.2.3`, `=v1.2.3`;
/// * at most 256 characters (node-semver's `MAX_LENGTH`).
///
/// Ordering follows SemVer §11: `1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta <
/// 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0`.
public struct SemVer: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .semver }

    /// node-semver's `MAX_SAFE_INTEGER` limit for major/minor/patch.
    public static let maximumComponent: UInt64 = 9_007_199_254_740_991
    /// node-semver's `MAX_LENGTH`.
    public static let maximumLength = 256

    private let core: SemanticCore
    /// The text as given (trimmed).
    public let description: String

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .semver, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > Self.maximumLength {
            throw fail("version is longer than \(Self.maximumLength) characters")
        }
        let bytes = Array(trimmed.utf8)
        var start = 0
        while start < bytes.count && (bytes[start] == UInt8(ascii: "v") || bytes[start] == UInt8(ascii: "=")) {
            start += 1
        }
        switch SemanticCore.parse(bytes, from: start, allowShorthand: false, maximum: Self.maximumComponent) {
        case .success(let core): self.core = core
        case .failure(let failure): throw fail(failure.reason)
        }
        self.description = trimmed
    }

    public var major: String { core.major.description }
    public var minor: String { core.minor.description }
    public var patch: String { core.patch.description }
    /// Pre-release identifiers (`["alpha", "1"]`), empty for a release.
    public var preRelease: [String] { core.preRelease.map(\.description) }
    /// Build metadata identifiers, ignored for ordering.
    public var build: [String] { core.build }
    public var isPreRelease: Bool { !core.preRelease.isEmpty }
    /// `MAJOR.MINOR.PATCH[-pre][+build]` without the `v` / `=` prefix.
    public var normalized: String { core.canonical }

    public func compare(to other: SemVer) -> VersionComparison {
        VersionComparison(sign: core.compare(to: other.core))
    }

    public static func < (lhs: SemVer, rhs: SemVer) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: SemVer, rhs: SemVer) -> Bool { lhs.compare(to: rhs) == .equal }
    public func hash(into hasher: inout Hasher) { hasher.combine(core.orderingKey) }
}
