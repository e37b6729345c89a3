/// The version orderings moat knows how to compare.
///
/// Each scheme has its own ``EcosystemVersion`` type; ``VersionComparator`` dispatches on the scheme
/// when the caller only has strings.
public enum VersionScheme: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Debian policy ordering (dpkg `verrevcmp`). Debian, Ubuntu, Echo, and Amazon Linux (trivy quirk).
    case dpkg
    /// apk-tools ordering. Alpine, Wolfi, Chainguard, MinimOS.
    case apk
    /// rpm `rpmvercmp` ordering with epoch and release. Red Hat family, SUSE, Photon, Mariner, ...
    case rpm
    /// Python PEP 440 ordering.
    case pep440
    /// SemVer 2.0 as node-semver (npm) parses it.
    case semver
    /// Go module versions (golang.org/x/mod/semver), pseudo-versions, `+incompatible`.
    case go
    /// Maven `ComparableVersion` ordering.
    case maven

    public var description: String { rawValue }

    /// Human-readable name used in error messages.
    public var displayName: String {
        switch self {
        case .dpkg: "Debian (dpkg)"
        case .apk: "Alpine (apk)"
        case .rpm: "RPM"
        case .pep440: "PEP 440"
        case .semver: "npm semver"
        case .go: "Go module"
        case .maven: "Maven"
        }
    }

    /// The concrete version type implementing this scheme.
    public var versionType: any EcosystemVersion.Type {
        switch self {
        case .dpkg: DpkgVersion.self
        case .apk: ApkVersion.self
        case .rpm: RpmVersion.self
        case .pep440: PEP440Version.self
        case .semver: SemVer.self
        case .go: GoVersion.self
        case .maven: MavenVersion.self
        }
    }

    /// The scheme trivy uses to compare OS package versions for an OS family name as detected in the image
    /// (`alpine`, `debian`, `ubuntu`, `amazon`, `redhat`, ...). Case-insensitive.
    ///
    /// Amazon Linux deliberately maps to ``dpkg``: trivy compares Amazon binary versions with Debian ordering
    /// (research notes §3/§4), and moat replicates that quirk.
    public init?(osFamily: String) {
        let family = osFamily.lowercased()
        switch family {
        case "alpine", "wolfi", "chainguard", "minimos":
            self = .apk
        case "debian", "ubuntu", "echo", "amazon":
            self = .dpkg
        case "redhat", "centos", "alma", "almalinux", "rocky", "oracle", "fedora", "suse", "sles",
             "opensuse", "opensuse.leap", "opensuse.tumbleweed", "opensuse-leap", "opensuse-tumbleweed",
             "sle-micro", "slem", "photon", "azurelinux", "azure", "cbl-mariner", "mariner", "bottlerocket",
             "openeuler", "mageia":
            self = .rpm
        default:
            return nil
        }
    }

    /// The scheme for an OSV `affected[].package.ecosystem` string. Release suffixes such as
    /// `Debian:12`, `Alpine:v3.19` or `Ubuntu:Pro:22.04:LTS` are accepted; returns `nil` for ecosystems
    /// without a scheme here (RubyGems, NuGet, Packagist, ...).
    public init?(osvEcosystem: String) {
        let base = osvEcosystem.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map(String.init) ?? osvEcosystem
        switch base {
        case "Debian", "Ubuntu", "Echo":
            self = .dpkg
        case "Alpine", "Alpaquita", "BellSoft Hardened Containers", "Wolfi", "Chainguard", "MinimOS":
            self = .apk
        case "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Photon OS", "Mageia", "openEuler",
             "Azure Linux":
            self = .rpm
        case "PyPI":
            self = .pep440
        case "npm", "crates.io":
            self = .semver
        case "Go":
            self = .go
        case "Maven":
            self = .maven
        default:
            return nil
        }
    }
}
