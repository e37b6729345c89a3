import Foundation
import ImageAnalysis
import Inventory
import OCIModel
import OCIImage
import Scanner
import VulnDB
import VulnMatch

/// The JSON report when vulnerability or secret scanning is on: Trivy's SchemaVersion 2 shape (trivy.md §6), so CI
/// parsers written for `trivy image --format json` keep working, plus moat's footprint report under `Footprint`.
struct TrivyJSON {
    struct Report: Encodable {
        var SchemaVersion = 2
        var CreatedAt: String
        var ArtifactName: String
        var ArtifactType = "container_image"
        var Metadata: Metadata
        var Results: [Result]
        var Footprint: FootprintReport?
    }

    struct Metadata: Encodable {
        struct OS: Encodable { var Family: String; var Name: String }
        struct LayerInfo: Encodable { var Size: Int64; var Digest: String?; var DiffID: String }
        var Size: Int64
        var OS: OS?
        var ImageID: String
        var DiffIDs: [String]
        var RepoTags: [String]
        var ImageConfig: ImageConfig
        var Layers: [LayerInfo]
    }

    struct LayerRef: Encodable { var Digest: String?; var DiffID: String? }
    struct Identifier: Encodable { var PURL: String?; var UID: String }

    struct PackageEntry: Encodable {
        var ID: String
        var Name: String
        var Identifier: Identifier
        var Version: String
        var Release: String?
        var Epoch: Int?
        var Arch: String?
        var SrcName: String?
        var SrcVersion: String?
        var SrcRelease: String?
        var SrcEpoch: Int?
        var Licenses: [String]?
        var Maintainer: String?
        var Layer: LayerRef?
        var FilePath: String?
    }

    struct CVSSEntry: Encodable {
        var V2Vector: String?
        var V3Vector: String?
        var V40Vector: String?
        var V2Score: Double?
        var V3Score: Double?
        var V40Score: Double?
    }

    struct DataSource: Encodable { var ID: String; var Name: String; var URL: String }

    struct Vulnerability: Encodable {
        var VulnerabilityID: String
        var VendorIDs: [String]?
        var PkgID: String
        var PkgName: String
        var PkgPath: String?
        var PkgIdentifier: Identifier
        var InstalledVersion: String
        var FixedVersion: String?
        var Status: String
        var Layer: LayerRef?
        var SeveritySource: String?
        var PrimaryURL: String?
        var DataSource: DataSource?
        var Fingerprint: String
        var Title: String?
        var Description: String?
        var Severity: String
        var CweIDs: [String]?
        var CVSS: [String: CVSSEntry]?
        var References: [String]?
        var PublishedDate: String?
        var LastModifiedDate: String?
    }

    struct Secret: Encodable {
        var RuleID: String
        var Category: String
        var Severity: String
        var Title: String
        var StartLine: Int
        var EndLine: Int
        var Match: String
        var Layer: LayerRef?
    }

    struct Result: Encodable {
        var Target: String
        var Class: String
        var `Type`: String?
        var Packages: [PackageEntry]?
        var Vulnerabilities: [Vulnerability]?
        var Secrets: [Secret]?
    }

    let result: ScanResult
    let artifactName: String
    let listAllPackages: Bool
    let now: Date

    func layerRef(_ index: Int?) -> LayerRef? {
        guard let index, index < result.image.layers.count else { return nil }
        let layer = result.image.layers[index]
        return LayerRef(Digest: layer.digest?.description, DiffID: layer.diffID?.description)
    }

    func packageUID(_ package: Package) -> String {
        String(Digest.sha256(of: Array("\(package.type.rawValue)|\(package.name)|\(package.fullVersion)|\(package.filePath)".utf8)).hex.prefix(16))
    }

    func identifier(_ package: Package) -> Identifier { Identifier(PURL: package.purl, UID: packageUID(package)) }

    /// Trivy splits Debian versions at the last `-` into Version and Release (upstream and revision).
    static func debianSplit(_ version: String?) -> (version: String?, release: String?) {
        guard let version, let dash = version.lastIndex(of: "-") else { return (version, nil) }
        return (String(version[..<dash]), String(version[version.index(after: dash)...]))
    }

    func entry(_ package: Package) -> PackageEntry {
        let os = package.type.isOSPackage
        var version: String? = package.version
        var release = package.release
        var sourceVersion = package.sourceVersion
        var sourceRelease = package.sourceRelease
        if package.type == .dpkg {
            (version, release) = Self.debianSplit(package.version)
            (sourceVersion, sourceRelease) = Self.debianSplit(package.sourceVersion)
        }
        return PackageEntry(
            ID: "\(package.name)@\(package.fullVersion)", Name: package.name, Identifier: identifier(package), Version: version ?? "",
            Release: release, Epoch: package.epoch, Arch: package.arch, SrcName: package.sourceName, SrcVersion: sourceVersion,
            SrcRelease: sourceRelease, SrcEpoch: package.sourceEpoch, Licenses: package.licenses.isEmpty ? nil : package.licenses,
            Maintainer: package.maintainer, Layer: layerRef(package.layer), FilePath: os ? nil : package.filePath)
    }

    func vulnerability(_ found: DetectedVulnerability, target: String) -> Vulnerability {
        let artifactID = Digest.sha256(of: Array(result.image.configDigest.description.utf8)).description
        let fingerprint = Digest.sha256(of: Array("\(artifactID):\(target):\(found.packageID):\(found.vulnerabilityID)".utf8)).description
        let cvss = found.cvss.isEmpty ? nil : found.cvss.mapValues {
            CVSSEntry(V2Vector: $0.v2Vector, V3Vector: $0.v3Vector, V40Vector: $0.v40Vector, V2Score: $0.v2Score, V3Score: $0.v3Score, V40Score: $0.v40Score)
        }
        let vendorIDs = found.aliases.filter { !$0.hasPrefix("CVE-") }
        return Vulnerability(
            VulnerabilityID: found.vulnerabilityID, VendorIDs: vendorIDs.isEmpty ? nil : vendorIDs, PkgID: found.packageID,
            PkgName: found.package.name, PkgPath: found.package.type.isOSPackage ? nil : found.package.filePath,
            PkgIdentifier: identifier(found.package), InstalledVersion: found.installedVersion, FixedVersion: found.fixedVersion,
            Status: found.status.rawValue, Layer: layerRef(found.package.layer), SeveritySource: found.severitySource,
            PrimaryURL: found.primaryURL, DataSource: found.dataSource.map { DataSource(ID: $0.id, Name: $0.name, URL: $0.url) },
            Fingerprint: fingerprint, Title: found.title, Description: found.description, Severity: found.severity.rawValue,
            CweIDs: found.cweIDs.isEmpty ? nil : found.cweIDs, CVSS: cvss, References: found.references.isEmpty ? nil : found.references,
            PublishedDate: found.publishedDate, LastModifiedDate: found.lastModifiedDate)
    }

    /// Language results Trivy aggregates under one target name.
    static let aggregated: [PackageType: String] = [.python: "Python", .node: "Node.js", .jar: "Java"]

    func results() -> [Result] {
        var results: [Result] = []
        if result.scanners.contains(.vuln) {
            let packages = result.inventory.packages
            if let os = result.inventory.os {
                let target = "\(artifactName) (\(os.family) \(os.name))"
                let osPackages = packages.filter(\.type.isOSPackage)
                let vulnerabilities = result.vulnerabilities.filter { $0.package.type.isOSPackage }.map { vulnerability($0, target: target) }
                results.append(Result(Target: target, Class: "os-pkgs", Type: os.family,
                                      Packages: listAllPackages ? osPackages.map(entry) : nil,
                                      Vulnerabilities: vulnerabilities.isEmpty ? nil : vulnerabilities))
            }
            var groups: [String: (type: PackageType, packages: [Package])] = [:]
            for package in packages where !package.type.isOSPackage {
                let target = Self.aggregated[package.type] ?? package.filePath
                groups[target, default: (package.type, [])].packages.append(package)
            }
            for (target, group) in groups.sorted(by: { $0.key < $1.key }) {
                let identities = Set(group.packages.map(packageUID))
                let vulnerabilities = result.vulnerabilities.filter { identities.contains(packageUID($0.package)) }.map { vulnerability($0, target: target) }
                results.append(Result(Target: target, Class: "lang-pkgs", Type: group.type.rawValue,
                                      Packages: listAllPackages ? group.packages.map(entry) : nil,
                                      Vulnerabilities: vulnerabilities.isEmpty ? nil : vulnerabilities))
            }
        }
        if result.scanners.contains(.secret) {
            let secrets = result.footprint.findings.filter { $0.category == .secret && $0.path != nil }
            for (path, findings) in Dictionary(grouping: secrets, by: { $0.path ?? "" }).sorted(by: { $0.key < $1.key }) {
                results.append(Result(Target: path, Class: "secret", Type: nil, Packages: nil, Vulnerabilities: nil, Secrets: findings.map { finding in
                    let line = Int(finding.details?["line"] ?? "") ?? 0
                    return Secret(RuleID: finding.ruleID, Category: finding.details?["kind"] ?? finding.title, Severity: finding.severity.trivyName,
                                  Title: finding.title, StartLine: line, EndLine: line, Match: finding.details?["masked"] ?? "",
                                  Layer: layerRef(finding.layer))
                }))
            }
        }
        return results
    }

    func render() throws -> String {
        let image = result.image
        let formatter = ISO8601DateFormatter()
        let metadata = Metadata(
            Size: result.footprint.totals.uncompressedBytes,
            OS: result.inventory.os.map { Metadata.OS(Family: $0.family, Name: $0.name) },
            ImageID: image.configDigest.description,
            DiffIDs: image.layers.compactMap { $0.diffID?.description },
            RepoTags: image.names, ImageConfig: image.config.redactingSecrets,
            Layers: result.footprint.layers.map { Metadata.LayerInfo(Size: $0.uncompressedBytes, Digest: $0.digest, DiffID: $0.diffID) })
        let report = Report(CreatedAt: formatter.string(from: now), ArtifactName: artifactName, Metadata: metadata, Results: results(),
                            Footprint: result.scanners.contains(.footprint) ? result.footprint : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}

extension ImageAnalysis.Severity {
    /// The footprint scale on Trivy's: info findings are UNKNOWN there.
    var trivyName: String { self == .info ? "UNKNOWN" : rawValue.uppercased() }
}
