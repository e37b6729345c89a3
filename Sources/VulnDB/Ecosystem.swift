import Foundation
import Inventory

/// Normalised ecosystem names, the first half of the lookup key (ecosystem, package name).
///
/// Operating systems are `<family>:<release>` in lower case, with the release as the matcher keys it
/// (trivy §4 "Keys used per OS"): `debian:12` (major only), `ubuntu:22.04` (`ubuntu:18.04-esm` for Ubuntu Pro,
/// `ubuntu:22.04-fips…` for FIPS streams), `alpine:v3.10` (major.minor with a `v`, or `alpine:edge`),
/// `rocky:8`, `alma:9`, `redhat:…`, `photon:3.0`, `wolfi`, `chainguard`.
/// Language ecosystems keep OSV's spelling: `PyPI`, `npm`, `Go`, `Maven`, `crates.io`, `RubyGems`, `Packagist`,
/// `NuGet`, `Hex`, `Pub`, … (a registry suffix such as `Maven:https://repo…` is dropped).
public enum Ecosystem: Sendable {
    public static let pypi = "PyPI"
    public static let npm = "npm"
    public static let go = "Go"
    public static let maven = "Maven"
    public static let cratesIO = "crates.io"
    public static let rubyGems = "RubyGems"
    public static let packagist = "Packagist"
    public static let nuget = "NuGet"

    /// OSV and trivy spellings (lower case) of language ecosystems → the canonical name.
    static let languages: [String: String] = [
        "pypi": "PyPI", "pip": "PyPI", "python": "PyPI",
        "npm": "npm", "node": "npm", "yarn": "npm", "pnpm": "npm",
        "go": "Go", "golang": "Go", "gomod": "Go", "gobinary": "Go",
        "maven": "Maven", "jar": "Maven", "pom": "Maven", "gradle": "Maven",
        "crates.io": "crates.io", "cargo": "crates.io", "rust": "crates.io", "rustbinary": "crates.io",
        "rubygems": "RubyGems", "gem": "RubyGems", "bundler": "RubyGems", "gemspec": "RubyGems",
        "packagist": "Packagist", "composer": "Packagist",
        "nuget": "NuGet", "hex": "Hex", "pub": "Pub", "conancenter": "ConanCenter", "conan": "ConanCenter",
        "cran": "CRAN", "bioconductor": "Bioconductor", "swifturl": "SwiftURL", "swift": "SwiftURL",
        "github actions": "GitHub Actions", "hackage": "Hackage", "ghc": "GHC", "bitnami": "Bitnami",
        "linux": "Linux", "android": "Android", "oss-fuzz": "OSS-Fuzz", "julia": "Julia", "opam": "opam",
        "haskell": "Hackage",
    ]

    /// OS families (lower case, as OSV or os-release spell them) → the normalised family.
    static let families: [String: String] = [
        "debian": "debian", "ubuntu": "ubuntu", "alpine": "alpine",
        "rocky linux": "rocky", "rocky": "rocky", "almalinux": "alma", "alma": "alma",
        "red hat": "redhat", "redhat": "redhat", "rhel": "redhat", "centos": "redhat",
        "suse": "suse", "sles": "suse", "opensuse": "opensuse", "opensuse-leap": "opensuse",
        "photon os": "photon", "photon": "photon", "wolfi": "wolfi", "chainguard": "chainguard",
        "minimos": "minimos", "mageia": "mageia", "openeuler": "openeuler",
        "azure linux": "azurelinux", "azurelinux": "azurelinux", "cbl-mariner": "azurelinux", "mariner": "azurelinux",
        "echo": "echo", "amazon": "amazon", "amazon linux": "amazon", "amzn": "amazon", "oracle linux": "oracle", "ol": "oracle",
    ]

    /// Normalises an OSV ecosystem (`Debian:12`, `Alpine:v3.18`, `Ubuntu:22.04:LTS`, `Ubuntu:Pro:18.04:LTS`, `PyPI`)
    /// or an already normalised one (idempotent). Unknown ecosystems are returned trimmed, unchanged.
    public static func normalize(_ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty else { return text }
        let base = first.lowercased()
        if let language = languages[base] { return language }
        guard let family = families[base] else { return text }
        let rest = Array(parts.dropFirst()).filter { !$0.isEmpty }
        switch family {
        case "debian":
            guard let release = rest.first else { return family }
            return "debian:" + (release.split(separator: ".").first.map(String.init) ?? release).lowercased()
        case "ubuntu":
            return ubuntu(rest)
        case "alpine":
            guard let release = rest.first else { return family }
            return "alpine:" + alpineBranch(release)
        case "wolfi", "chainguard", "minimos", "echo":
            return family
        default:
            guard !rest.isEmpty else { return family }
            return family + ":" + rest.joined(separator: ":").lowercased()
        }
    }

    private static func ubuntu(_ rest: [String]) -> String {
        // Forms: 22.04, 22.04:LTS, Pro:18.04:LTS, Pro:FIPS:18.04:LTS, Pro:FIPS-updates:22.04:LTS, and normalised 18.04-esm.
        guard let release = rest.first(where: { $0.first?.isNumber == true }) else { return "ubuntu" }
        let lower = release.lowercased()
        if lower.contains("-") { return "ubuntu:" + lower }
        if let fips = rest.first(where: { $0.lowercased().hasPrefix("fips") }) { return "ubuntu:\(lower)-\(fips.lowercased())" }
        if rest.contains(where: { $0.lowercased() == "pro" }) { return "ubuntu:\(lower)-esm" }
        return "ubuntu:" + lower
    }

    /// `v3.18`, `3.18`, `3.18.4`, `v3.18.4` → `v3.18`; `edge` → `edge`.
    static func alpineBranch(_ release: String) -> String {
        var text = release.lowercased()
        if text == "edge" { return text }
        if text.hasPrefix("v") { text.removeFirst() }
        let numbers = text.split(separator: ".")
        guard numbers.count >= 2 else { return "v" + text }
        let minor = numbers[1].prefix { $0.isNumber }
        return "v\(numbers[0]).\(minor)"
    }

    /// The normalised family of a normalised ecosystem (`debian:12` → `debian`, `PyPI` → `PyPI`).
    public static func family(of ecosystem: String) -> String {
        String(ecosystem.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The advisory ecosystem of an operating system release as os-release names it:
    /// (`debian`, `12.4`) → `debian:12`; (`ubuntu`, `22.04`) → `ubuntu:22.04`; (`alpine`, `3.10.2`) → `alpine:v3.10`.
    /// Nil for an empty family.
    public static func forOperatingSystem(family: String, version: String) -> String? {
        let name = family.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return nil }
        let release = version.trimmingCharacters(in: .whitespacesAndNewlines)
        return normalize(release.isEmpty ? name : "\(name):\(release)")
    }

    /// The language ecosystem of an inventory package type; nil for OS packages, whose ecosystem depends on the release.
    public static func forPackageType(_ type: PackageType) -> String? {
        switch type {
        case .python: pypi
        case .node: npm
        case .gobinary: go
        case .jar: maven
        case .rustbinary: cratesIO
        case .dpkg, .apk, .rpm: nil
        }
    }
}

/// Package-name normalisation per ecosystem, the second half of the lookup key. Importers and queries apply the
/// same function, so a query may pass names as the package database spells them.
public enum PackageName: Sendable {
    /// * `PyPI`: PEP 503 (lower case, runs of `-`, `_`, `.` become one `-`): `Zope.Interface` → `zope-interface`.
    /// * `crates.io`, `NuGet`, `Packagist`, `Hex`, `Pub`, `GitHub Actions`, `debian:*`, `ubuntu:*`: lower case
    ///   (those registries or package managers are case-insensitive or lower-case only).
    /// * `Maven`: `group:artifact`; a `group/artifact` spelling gets a colon.
    /// * everything else (npm, Go, RubyGems, Alpine, rpm families): trimmed only, case kept.
    public static func normalize(_ name: String, ecosystem: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let family = Ecosystem.family(of: ecosystem)
        switch family {
        case "PyPI": return pep503(trimmed)
        case "crates.io", "NuGet", "Packagist", "Hex", "Pub", "GitHub Actions", "debian", "ubuntu":
            return trimmed.lowercased()
        case "Maven":
            if !trimmed.contains(":"), let slash = trimmed.lastIndex(of: "/") {
                return String(trimmed[..<slash]) + ":" + String(trimmed[trimmed.index(after: slash)...])
            }
            return trimmed
        default:
            return trimmed
        }
    }

    /// PEP 503 normalisation: `re.sub(r"[-_.]+", "-", name).lower()`.
    public static func pep503(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        var inSeparator = false
        for character in name {
            if character == "-" || character == "_" || character == "." {
                if !inSeparator { result.append("-") }
                inSeparator = true
            } else {
                result.append(contentsOf: character.lowercased())
                inSeparator = false
            }
        }
        return result
    }
}
