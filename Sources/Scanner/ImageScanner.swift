public import OCIImage
public import LayerFS
public import ImageAnalysis
public import Inventory
public import VulnDB
public import VulnMatch
import Foundation

/// What `moat image` can look for.
public enum ScannerKind: String, CaseIterable, Sendable {
    /// Vulnerabilities of OS and language packages.
    case vuln
    /// Secrets in files and configuration (the MOAT-S rules).
    case secret
    /// Size, waste, base image, forbidden tools and configuration (every other rule).
    case footprint
}

/// Everything one pass over an image found.
public struct ScanResult: Sendable {
    public var image: Image
    public var scanners: Set<ScannerKind>
    /// The footprint report; its findings are limited to the enabled scanners (secrets, footprint or both).
    public var footprint: FootprintReport
    public var inventory: ImageInventory
    public var vulnerabilities: [DetectedVulnerability]
    /// Database age and matching notes, shown to the user on stderr.
    public var warnings: [String]
}

/// One visitor for the single pass: the footprint's content collector and the package inventory side by side,
/// with `--skip-dirs`/`--skip-files` applied to what is read.
public struct ScanVisitor: ContentVisitor {
    public private(set) var footprint: ContentCollector
    public private(set) var inventory: InventoryVisitor
    let wantsInventory: Bool
    let skip: SkipRules

    init(wantsInventory: Bool, skip: SkipRules) {
        self.footprint = ContentCollector()
        self.inventory = InventoryVisitor()
        self.wantsInventory = wantsInventory
        self.skip = skip
    }

    public func captureLimit(for entry: TarEntry) -> Int {
        if skip.skips(entry.path) { return 0 }
        return max(footprint.captureLimit(for: entry), wantsInventory ? inventory.captureLimit(for: entry) : 0)
    }

    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {
        let footprintLimit = footprint.captureLimit(for: entry)
        if footprintLimit > 0 { footprint.visit(entry, content: content.count > footprintLimit ? Array(content.prefix(footprintLimit)) : content) }
        let inventoryLimit = wantsInventory ? inventory.captureLimit(for: entry) : 0
        if inventoryLimit > 0 { inventory.visit(entry, content: content.count > inventoryLimit ? Array(content.prefix(inventoryLimit)) : content) }
    }

    public mutating func beginStream(_ entry: TarEntry) -> Bool {
        wantsInventory && !skip.skips(entry.path) && inventory.beginStream(entry)
    }

    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) { inventory.streamChunk(chunk) }
    public mutating func endStream(_ entry: TarEntry) { inventory.endStream(entry) }
}

/// `--skip-dirs` and `--skip-files`.
public struct SkipRules: Sendable {
    public var directories: [PathPattern]
    public var files: [PathPattern]

    public init(directories: [String] = [], files: [String] = []) {
        self.directories = directories.map(PathPattern.init)
        self.files = files.map(PathPattern.init)
    }

    func skips(_ path: String) -> Bool {
        (!files.isEmpty && files.contains { $0.matches(path) }) || (!directories.isEmpty && directories.contains { $0.matchesDirectoryOrBelow(path) })
    }
}

/// Reads an image once and runs the enabled scanners over what the pass collected.
public struct ImageScanner: Sendable {
    public var reader: LayerReader
    public var footprint: FootprintAnalyzer
    public var scanners: Set<ScannerKind>
    public var skip: SkipRules
    /// Whether to build the package inventory even without vulnerability scanning (SBOM output).
    public var collectsInventory: Bool

    public init(reader: LayerReader = LayerReader(), footprint: FootprintAnalyzer, scanners: Set<ScannerKind>, skip: SkipRules = SkipRules(),
                collectsInventory: Bool = false) {
        self.reader = reader
        self.footprint = footprint
        self.scanners = scanners
        self.skip = skip
        self.collectsInventory = collectsInventory || scanners.contains(.vuln)
    }

    /// Reads the layers and assembles footprint and inventory; vulnerabilities are matched by `match`.
    public func read(_ image: Image, progress: (@Sendable (Layer) -> Void)? = nil) async throws -> ScanResult {
        let wantsInventory = collectsInventory
        let skip = self.skip
        let scans = try await reader.read(image, makeVisitor: { _ in ScanVisitor(wantsInventory: wantsInventory, skip: skip) },
                                          progress: progress)
        let context = ImageContext(image: image, scans: scans.map { $0.mapVisitor(\.footprint) })
        var report = footprint.report(context)
        let keep: (Finding) -> Bool = { finding in
            finding.category == .secret ? scanners.contains(.secret) : scanners.contains(.footprint)
        }
        report.findings = report.findings.filter(keep)
        report.summary = FootprintReport.summarise(report.findings)
        let inventory = wantsInventory
            ? ImageInventory.assemble(layers: scans.map(\.visitor.inventory), tree: context.tree)
            : ImageInventory(os: nil, packages: [], warnings: [])
        return ScanResult(image: image, scanners: scanners, footprint: report, inventory: inventory, vulnerabilities: [],
                          warnings: inventory.warnings)
    }

    /// Matches the inventory against the database and fills in package purls for the detected OS.
    public static func match(_ result: inout ScanResult, database: VulnDatabase) throws {
        result.inventory.packages = result.inventory.packages.map { PackageURLs.filled($0, os: result.inventory.os) }
        let matched = try Matcher(database: database).match(os: result.inventory.os, packages: result.inventory.packages)
        result.vulnerabilities = matched.vulnerabilities
        result.warnings += matched.warnings
    }
}

/// Purls of OS packages need the OS, which is known only after the whole image was read.
public enum PackageURLs {
    public static func filled(_ package: Package, os: DetectedOS?) -> Package {
        guard package.purl == nil, let os else { return package }
        var copy = package
        switch package.type {
        case .dpkg: copy.purl = DpkgStatus.purl(for: package, distro: os.family, versionID: os.name)
        case .apk: copy.purl = ApkInstalled.purl(for: package, distro: os.family, versionID: os.name)
        case .rpm: copy.purl = RpmDatabase.purl(for: package, distro: os.family, versionID: os.name)
        default: break
        }
        return copy
    }
}
