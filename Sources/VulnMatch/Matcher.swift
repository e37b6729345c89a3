public import Inventory
public import VulnDB
import Versioning

/// What matching an inventory against the database found.
public struct MatchResult: Sendable {
    public var vulnerabilities: [DetectedVulnerability]
    /// Things the user should know (unsupported OS, unparsable versions, GIT-only ranges), deduplicated.
    public var warnings: [String]
}

/// Matches installed packages against advisories with each ecosystem's rules (trivy.md §4):
/// Debian/Ubuntu by source package and source version, Alpine by origin, rpm distributions by binary name with
/// epoch:version-release, language packages by their normalised names; OSV ranges and version lists decide.
public struct Matcher {
    let database: VulnDatabase

    public init(database: VulnDatabase) {
        self.database = database
    }

    /// The lookup key and the version to compare for one package.
    struct Query {
        var key: PackageKey
        var installed: String
        var scheme: VersionScheme
    }

    static func query(for package: Package, os: DetectedOS?) -> Query? {
        if package.type.isOSPackage {
            guard let os, let ecosystem = Ecosystem.forOperatingSystem(family: os.family, version: os.name),
                  let scheme = VersionScheme(osFamily: os.family) else { return nil }
            switch package.type {
            case .dpkg:
                // Debian and Ubuntu publish advisories per source package, against the source version.
                let version = package.sourceVersion.map { v in package.sourceEpoch.map { "\($0):\(v)" } ?? v } ?? package.fullVersion
                return Query(key: PackageKey(ecosystem: ecosystem, name: package.sourceName ?? package.name), installed: version, scheme: scheme)
            case .apk:
                return Query(key: PackageKey(ecosystem: ecosystem, name: package.sourceName ?? package.name),
                             installed: package.sourceVersion ?? package.version, scheme: scheme)
            default:
                return Query(key: PackageKey(ecosystem: ecosystem, name: package.name), installed: package.fullVersion, scheme: scheme)
            }
        }
        guard let ecosystem = Ecosystem.forPackageType(package.type), let scheme = VersionScheme(osvEcosystem: ecosystem) else { return nil }
        var version = package.version
        if package.type == .gobinary, !version.isEmpty, !version.hasPrefix("v") { version = "v" + version }
        return Query(key: PackageKey(ecosystem: ecosystem, name: package.name), installed: version, scheme: scheme)
    }

    public func match(os: DetectedOS?, packages: [Package]) throws -> MatchResult {
        var warnings = Set<String>()
        var queries: [(Package, Query)] = []
        for package in packages {
            guard !package.version.isEmpty else { continue }
            guard let query = Self.query(for: package, os: os) else {
                if package.type.isOSPackage {
                    warnings.insert(os == nil ? "no operating system detected: OS packages were not checked for vulnerabilities"
                                              : "\(os?.family ?? "") \(os?.name ?? "") is not supported for vulnerability matching")
                }
                continue
            }
            queries.append((package, query))
        }
        let found = try database.advisories(for: Array(Set(queries.map(\.1.key))))
        var detected: [String: DetectedVulnerability] = [:]
        for (package, query) in queries {
            for advisory in found[query.key] ?? [] {
                for affected in advisory.affected {
                    guard let verdict = Self.evaluate(affected, installed: query.installed, scheme: query.scheme, warnings: &warnings) else { continue }
                    let vulnerability = Self.detected(advisory, affected: affected, package: package, installed: query.installed,
                                                      fixedVersion: verdict.fixedVersion, status: verdict.status)
                    let key = [vulnerability.vulnerabilityID, vulnerability.packageID, package.name, query.installed, package.filePath].joined(separator: "|")
                    // Trivy's dedup: on collision keep the larger fixed version (as a string).
                    if let existing = detected[key], (existing.fixedVersion ?? "") >= (vulnerability.fixedVersion ?? "") { continue }
                    detected[key] = vulnerability
                }
            }
        }
        let ordered = detected.values.sorted {
            ($0.package.name, $0.packageID, $0.installedVersion, -$0.severity.rankValue, $0.vulnerabilityID, $0.package.filePath)
                < ($1.package.name, $1.packageID, $1.installedVersion, -$1.severity.rankValue, $1.vulnerabilityID, $1.package.filePath)
        }
        return MatchResult(vulnerabilities: ordered, warnings: warnings.sorted())
    }

    struct Verdict {
        var fixedVersion: String?
        var status: AdvisoryStatus
    }

    /// Whether `installed` is affected, and by which fix. Nil when not affected (or not decidable).
    static func evaluate(_ affected: AffectedPackage, installed: String, scheme: VersionScheme, warnings: inout Set<String>) -> Verdict? {
        if affected.status == .notAffected { return nil }
        let ranges = affected.ranges.map { range in
            OSVRange(type: OSVRangeType(rawValue: range.type.uppercased()), repo: range.repo,
                     events: range.events.map { event in
                         switch event.kind {
                         case .introduced: .introduced(event.version)
                         case .fixed: .fixed(event.version)
                         case .lastAffected: .lastAffected(event.version)
                         case .limit: .limit(event.version)
                         }
                     })
        }
        if ranges.isEmpty && affected.versions.isEmpty {
            // No version information: trivy reports it whatever the version (an unfixed advisory).
            return Verdict(fixedVersion: nil, status: affected.status == .unknown ? .affected : affected.status)
        }
        let match: OSVMatch
        do {
            match = try OSVAffectedVersions(ranges: ranges, versions: affected.versions).affects(installed, scheme: scheme)
        } catch {
            warnings.insert("version \(installed) could not be compared (\(scheme.displayName)): \(error)")
            return nil
        }
        switch match {
        case .affected:
            let fixed = fixedVersion(after: installed, ranges: ranges, scheme: scheme)
            return Verdict(fixedVersion: fixed, status: fixed != nil ? .fixed : (affected.status == .unknown || affected.status == .fixed ? .affected : affected.status))
        case .notAffected:
            return nil
        case .unsupported:
            return nil
        }
    }

    /// The smallest `fixed` event above the installed version.
    static func fixedVersion(after installed: String, ranges: [OSVRange], scheme: VersionScheme) -> String? {
        var candidates: [String] = []
        for range in ranges {
            for event in range.events {
                if case .fixed(let version) = event,
                   (try? VersionComparator.compare(installed, version, scheme: scheme)) == .less {
                    candidates.append(version)
                }
            }
        }
        return candidates.min { (try? VersionComparator.compare($0, $1, scheme: scheme)) == .less }
    }

    static func detected(_ advisory: Advisory, affected: AffectedPackage, package: Package, installed: String,
                         fixedVersion: String?, status: AdvisoryStatus) -> DetectedVulnerability {
        // Trivy reports distro and GHSA records under their CVE when there is exactly one.
        let cves = Array(Set((advisory.upstream + advisory.aliases).filter { $0.hasPrefix("CVE-") })).sorted()
        let id = advisory.id.hasPrefix("CVE-") || cves.count != 1 ? advisory.id : cves[0]
        let vendorIDs = id == advisory.id ? [] : [advisory.id]
        let decision = advisory.effectiveSeverity(for: affected)
        let severitySource: String? = switch decision.source {
        case .vendor(let name): name
        case .cvssV3, .cvssV2, .cvssV4: "nvd"
        case .none: nil
        }
        var cvss: [String: DetectedVulnerability.CVSS] = [:]
        if advisory.cvssV2 != nil || advisory.cvssV3 != nil || advisory.cvssV4 != nil {
            cvss[Advisory.vendorName(forID: advisory.id)] = DetectedVulnerability.CVSS(
                v2Vector: advisory.cvssV2?.vector, v3Vector: advisory.cvssV3?.vector, v40Vector: advisory.cvssV4?.vector,
                v2Score: advisory.cvssV2?.score, v3Score: advisory.cvssV3?.score, v40Score: advisory.cvssV4?.score)
        }
        return DetectedVulnerability(
            vulnerabilityID: id, aliases: vendorIDs + advisory.aliases.filter { $0 != id }, package: package, installedVersion: installed,
            fixedVersion: fixedVersion, status: status, severity: decision.severity, severitySource: severitySource,
            title: advisory.summary, description: advisory.details, references: advisory.references.map(\.url), cweIDs: advisory.cwes,
            cvss: cvss, publishedDate: advisory.published, lastModifiedDate: advisory.modified,
            dataSource: DataSources.describe(advisory.source))
    }
}

extension Severity {
    var rankValue: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
}

/// Names and URLs of the feeds advisories come from, as Trivy's `DataSource` shows them.
enum DataSources {
    static func describe(_ source: String) -> DetectedVulnerability.DataSource {
        if source.hasPrefix("alpine") { return .init(id: "alpine", name: "Alpine Secdb", url: "https://secdb.alpinelinux.org/") }
        if source.hasPrefix("osv/") {
            let ecosystem = String(source.dropFirst(4))
            return .init(id: "osv", name: "OSV \(ecosystem)", url: "https://osv.dev/list?ecosystem=\(ecosystem)")
        }
        return .init(id: source, name: source, url: "")
    }
}
