import ArgumentParser
import Foundation
import ImageAnalysis
import Inventory
import LayerFS
import OCIImage
import Registry
import Reporting
import Scanner
import VulnDB
import VulnMatch

extension ImageAnalysis.Severity: ExpressibleByArgument {}
extension ScanFormat: ExpressibleByArgument {}

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Scan an image: vulnerabilities, secrets and footprint (what it holds, layer by layer, and how far it is from minimal).",
        discussion: """
        Reads a docker-archive (`docker save`, plain or gzip/zstd-compressed), an OCI archive or an OCI image \
        layout directory in one pass, verifying every blob and diff_id while streaming. Nothing is extracted to disk \
        and nothing is downloaded: vulnerabilities come from the local database (`moat db update` or `moat db import`).

        EXAMPLES:
          moat image --input app.tar
          moat image --input alpine.tar --severity CRITICAL,HIGH --ignore-unfixed --output scan.txt
          moat image --layout ./app-oci --format json --output report.json
          moat image --input app.tar --scanners footprint --exit-code 2 --fail-on high
          moat image --input app.tar --format cyclonedx --output sbom.json

        EXIT STATUS:
          0 unless --exit-code is set; then --exit-code when, after every filter, a vulnerability or a secret \
        remains or a footprint finding is at or above --fail-on; 1 on errors.
        """
    )

    @OptionGroup var source: ImageSourceOptions

    @Option(help: ArgumentHelp("Comma-separated scanners: vuln, secret, footprint.", valueName: "list"))
    var scanners: String?

    @Option(name: [.short, .long], help: "Output format: table, json, sarif, cyclonedx or spdx-json.")
    var format: ScanFormat = .table

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Report only these severities (a set, as Trivy's: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL; INFO for footprint).", valueName: "list"))
    var severity: String?

    @Flag(help: "Report only vulnerabilities that have a fixed version.")
    var ignoreUnfixed = false

    @Option(help: ArgumentHelp("Drop vulnerabilities with these statuses (e.g. will_not_fix,end_of_life).", valueName: "list"))
    var ignoreStatus: String?

    @Flag(inversion: .prefixedNo, help: "List every package in the JSON report, not only vulnerable ones.")
    var listAllPkgs = true

    @Option(parsing: .singleValue, help: ArgumentHelp("Directories to skip (glob, repeatable or comma-separated).", valueName: "dir"))
    var skipDirs: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Files to skip (glob, repeatable or comma-separated).", valueName: "file"))
    var skipFiles: [String] = []

    @Option(help: ArgumentHelp("Cache directory holding the vulnerability database (default: $MOAT_CACHE_DIR, $XDG_CACHE_HOME/moat, ~/.cache/moat).", valueName: "dir"))
    var cacheDir: String?

    @Flag(help: "Accepted for Trivy compatibility: moat image never uses the network.")
    var offline = false

    @Option(help: ArgumentHelp("Exit with this code when, after filtering, a vulnerability or secret remains or a footprint finding is at or above --fail-on.", valueName: "code"))
    var exitCode: Int32 = 0

    @Option(help: "Lowest footprint severity that makes --exit-code apply: info, low, medium, high or critical.")
    var failOn: ImageAnalysis.Severity = .high

    @Option(help: ArgumentHelp("Ids (rules, CVEs, GHSAs) or fingerprints to suppress, one per line, optional exp:YYYY-MM-DD; .trivyignore files work (default: ./.moatignore, else ./.trivyignore).", valueName: "file"))
    var ignoreFile: String?

    @Flag(name: [.short, .long], help: "Print nothing but the report (no progress, no warnings).")
    var quiet = false

    @Flag(help: "Never colour the table output (colour is used only on a terminal, and never when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        _ = try selectedScanners()
        _ = try severityFilter()
    }

    /// Explicit `--scanners`, or the default: all three (an SBOM format alone scans nothing, as with Trivy).
    func selectedScanners() throws -> (kinds: Set<ScannerKind>, explicit: Bool) {
        guard let scanners else {
            return (format == .cyclonedx || format == .spdxJSON ? [] : Set(ScannerKind.allCases), false)
        }
        var kinds = Set<ScannerKind>()
        for word in scanners.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            switch word {
            case "vuln": kinds.insert(.vuln)
            case "secret": kinds.insert(.secret)
            case "footprint", "misconfig": kinds.insert(.footprint)
            default: throw ValidationError("unknown scanner \"\(word)\" in --scanners; use vuln, secret, footprint")
            }
        }
        return (kinds, true)
    }

    /// The `--severity` set, on both scales: Trivy's words for vulnerabilities, moat's for footprint findings.
    func severityFilter() throws -> (vulnerabilities: Set<VulnDB.Severity>, findings: Set<ImageAnalysis.Severity>)? {
        guard let severity else { return nil }
        var vulnerabilities = Set<VulnDB.Severity>()
        var findings = Set<ImageAnalysis.Severity>()
        for word in severity.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !word.isEmpty {
            switch word {
            case "UNKNOWN", "INFO":
                vulnerabilities.insert(.unknown)
                findings.insert(.info)
            case "LOW", "MEDIUM", "HIGH", "CRITICAL":
                if let value = VulnDB.Severity(rawValue: word) { vulnerabilities.insert(value) }
                if let value = ImageAnalysis.Severity(rawValue: word.lowercased()) { findings.insert(value) }
            default:
                throw ValidationError("unknown severity \"\(word)\" in --severity; use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL (or INFO)")
            }
        }
        return (vulnerabilities, findings)
    }

    func run() async throws {
        let opened = try await source.open(cacheDirectory: cacheDir)
        let ignoreList = try loadIgnoreList()
        let (kinds, explicit) = try selectedScanners()
        let warn: (String) -> Void = { message in
            if !quiet { FileHandle.standardError.write(Data("moat: warning: \(message)\n".utf8)) }
        }

        var database: VulnDatabase?
        if kinds.contains(.vuln) {
            let cache = try CacheDirectory.resolve(explicit: cacheDir)
            if FileManager.default.fileExists(atPath: cache.databasePath) {
                do {
                    database = try VulnDatabase.open(at: cache.databasePath)
                    if let status = try? DatabaseStatus.load(path: cache.databasePath), status.isStale {
                        warn("the vulnerability database was last updated \(Int((status.age ?? 0) / 86_400)) days ago; run `moat db update`")
                    }
                } catch {
                    throw RuntimeError("cannot open the vulnerability database \(cache.databasePath): \(error)")
                }
            } else if explicit {
                throw RuntimeError("no vulnerability database at \(cache.databasePath); run `moat db update` (or `moat db import FILE` offline), or drop vuln from --scanners")
            } else {
                // The report keeps the shape the scanners ask for; it just has no vulnerabilities.
                warn("no vulnerability database at \(cache.databasePath): vulnerabilities were not scanned; run `moat db update` or `moat db import`")
            }
        }

        var analyzer = FootprintAnalyzer(toolVersion: Moat.version)
        analyzer.ignoreList = ignoreList
        var reader = LayerReader()
        reader.limits = source.readLimits
        let scanner = ImageScanner(reader: reader, footprint: analyzer, scanners: kinds,
                                   skip: SkipRules(directories: skipDirs.flatMap { $0.split(separator: ",").map(String.init) },
                                                   files: skipFiles.flatMap { $0.split(separator: ",").map(String.init) }),
                                   collectsInventory: format == .cyclonedx || format == .spdxJSON)
        let progress = Progress(total: opened.layers.count, enabled: !quiet && isatty(STDERR_FILENO) != 0)
        var result: ScanResult
        do {
            result = try await scanner.read(opened) { layer in progress.layerDone(layer) }
            progress.clear()
            await source.close(opened)
            if let database { try ImageScanner.match(&result, database: database) }
        } catch let error as ImageError {
            progress.clear()
            await source.close(opened)
            throw RuntimeError("\(opened.source): \(error.description)")
        } catch let error as RegistryError {
            progress.clear()
            await source.close(opened)
            throw RuntimeError("\(opened.source): \(error.description)")
        }
        for message in result.warnings { warn(message) }

        try applyFilters(&result, ignoreList: ignoreList)
        let useColor = !noColor && output == nil && format == .table && isatty(STDOUT_FILENO) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let writer = ScanReport(artifactName: source.artifactName, listAllPackages: listAllPkgs, color: useColor, toolVersion: Moat.version)
        let text = try writer.render(result, format: format)
        if let output {
            try ReportOutput.write(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if exitCode != 0, shouldFail(result) { throw ExitCode(exitCode) }
    }

    func applyFilters(_ result: inout ScanResult, ignoreList: IgnoreList) throws {
        let ignoredStatuses = Set((ignoreStatus ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        result.vulnerabilities = result.vulnerabilities.filter { found in
            if ignoreUnfixed && found.status != .fixed { return false }
            if ignoredStatuses.contains(found.status.rawValue) { return false }
            return !([found.vulnerabilityID] + found.aliases).contains { ignoreList.ignores(id: $0) }
        }
        if let filter = try severityFilter() {
            result.vulnerabilities = result.vulnerabilities.filter { filter.vulnerabilities.contains($0.severity) }
            result.footprint.restrict(to: filter.findings)
        }
    }

    /// Trivy's rule (any remaining vulnerability or secret) plus moat's footprint threshold.
    func shouldFail(_ result: ScanResult) -> Bool {
        if !result.vulnerabilities.isEmpty { return true }
        return result.footprint.findings.contains { finding in
            finding.category == .secret || (finding.category != .secret && finding.severity >= failOn)
        }
    }

    func loadIgnoreList() throws -> IgnoreList {
        let candidates = [".moatignore", ".trivyignore"]
        let path = ignoreFile ?? candidates.first { FileManager.default.fileExists(atPath: $0) }
        guard let path else { return IgnoreList() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError("cannot read ignore file \(path)")
        }
        do {
            return try IgnoreList(parsing: text, source: path)
        } catch let error as IgnoreFileError {
            throw RuntimeError(error.message)
        }
    }
}

/// Layer progress on stderr, only on a terminal.
final class Progress: @unchecked Sendable {
    // Guarded by the lock; layers finish on different threads.
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let enabled: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func layerDone(_ layer: Layer) {
        guard enabled else { return }
        lock.lock()
        done += 1
        let line = "\r\u{1B}[2Kreading layers \(done)/\(total) (\(layer.label))"
        lock.unlock()
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
