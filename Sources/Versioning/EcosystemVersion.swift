/// The result of a three-way version comparison.
public enum VersionComparison: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case less = -1
    case equal = 0
    case greater = 1

    /// Maps any negative / zero / positive integer to a comparison.
    public init(sign: Int) {
        self = sign < 0 ? .less : (sign > 0 ? .greater : .equal)
    }

    /// The comparison seen from the other side (`a < b` ⇔ `b > a`).
    public var reversed: VersionComparison {
        switch self {
        case .less: .greater
        case .equal: .equal
        case .greater: .less
        }
    }

    public var description: String {
        switch self {
        case .less: "<"
        case .equal: "=="
        case .greater: ">"
        }
    }
}

/// A parsed version of one ecosystem. Parsing validates the text with the ecosystem's own rules;
/// comparison never fails.
///
/// `==` means "orders equal" (e.g. dpkg `1.0 == 1.00`, PEP 440 `1.0 == 1.0.0`), not "same text";
/// ``CustomStringConvertible/description`` returns the text as given (trimmed where the scheme trims).
public protocol EcosystemVersion: Comparable, Sendable, CustomStringConvertible {
    /// The scheme this type implements.
    static var scheme: VersionScheme { get }
    /// Parses and validates `text`; the error names the text and what is wrong.
    init(parsing text: String) throws(VersionError)
    /// Three-way comparison with the ecosystem's ordering.
    func compare(to other: Self) -> VersionComparison
}

extension EcosystemVersion {
    /// Whether `text` parses under this scheme.
    public static func isValid(_ text: String) -> Bool {
        do {
            _ = try Self(parsing: text)
            return true
        } catch {
            return false
        }
    }
}

/// String-level entry points for callers that only know the scheme at run time.
public enum VersionComparator {
    /// Compares two version strings under `scheme`. Throws if either does not parse; the error names it.
    public static func compare(_ a: String, _ b: String, scheme: VersionScheme) throws(VersionError) -> VersionComparison {
        switch scheme {
        case .dpkg: try compare(a, b, as: DpkgVersion.self)
        case .apk: try compare(a, b, as: ApkVersion.self)
        case .rpm: try compare(a, b, as: RpmVersion.self)
        case .pep440: try compare(a, b, as: PEP440Version.self)
        case .semver: try compare(a, b, as: SemVer.self)
        case .go: try compare(a, b, as: GoVersion.self)
        case .maven: try compare(a, b, as: MavenVersion.self)
        }
    }

    /// Compares two version strings with a concrete version type.
    public static func compare<V: EcosystemVersion>(_ a: String, _ b: String, as type: V.Type) throws(VersionError) -> VersionComparison {
        let left = try V(parsing: a)
        let right = try V(parsing: b)
        return left.compare(to: right)
    }

    /// Throws the scheme's parse error for `text`, or returns if it is a valid version.
    public static func validate(_ text: String, scheme: VersionScheme) throws(VersionError) {
        switch scheme {
        case .dpkg: _ = try DpkgVersion(parsing: text)
        case .apk: _ = try ApkVersion(parsing: text)
        case .rpm: _ = try RpmVersion(parsing: text)
        case .pep440: _ = try PEP440Version(parsing: text)
        case .semver: _ = try SemVer(parsing: text)
        case .go: _ = try GoVersion(parsing: text)
        case .maven: _ = try MavenVersion(parsing: text)
        }
    }

    /// Whether `text` is a valid version under `scheme`.
    public static func isValid(_ text: String, scheme: VersionScheme) -> Bool {
        do {
            try validate(text, scheme: scheme)
            return true
        } catch {
            return false
        }
    }

    /// trivy's OS-advisory rule (research notes §3/§4, `pkg/detector/ospkg/*`):
    ///
    /// * an `affectedVersion` lower bound, when given, must be `<=` the installed version;
    /// * an empty `fixedVersion` means the advisory is unfixed and always matches (no comparison);
    /// * otherwise the installed version is vulnerable iff it is `<` the fixed version.
    ///
    /// Any unparsable input throws (naming it); trivy skips such advisories with a warning.
    public static func isVulnerable(
        installed: String,
        fixedVersion: String,
        affectedVersion: String? = nil,
        scheme: VersionScheme
    ) throws(VersionError) -> Bool {
        try validate(installed, scheme: scheme)
        if let affectedVersion, !affectedVersion.isEmpty {
            if try compare(affectedVersion, installed, scheme: scheme) == .greater {
                return false
            }
        }
        if fixedVersion.isEmpty {
            return true
        }
        return try compare(installed, fixedVersion, scheme: scheme) == .less
    }
}
