import ArgumentParser
import Foundation
import ImageAnalysis
import LayerFS
import OCIImage
import OCIModel
import Compression
import Reporting

extension Severity: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Report what an image holds, layer by layer, and how far it is from a minimal production image.",
        discussion: """
        Reads a docker-archive (`docker save`, plain or gzip/zstd-compressed), an OCI archive or an OCI image \
        layout directory, verifying every blob and diff_id while streaming. Nothing is extracted to disk.

        EXAMPLES:
          moat image --input app.tar
          moat image --layout ./app-oci --platform linux/arm64 --format json --output report.json
          moat image --input app.tar --exit-code 2 --fail-on high --ignore-file .moatignore

        EXIT STATUS:
          0 when no reported finding is at or above --fail-on (or --exit-code is 0), the --exit-code value when \
        one is, 1 on errors.
        """
    )

    @Argument(help: ArgumentHelp("An image reference (registry pulls arrive with registry support; use --input or --layout today).", valueName: "image"))
    var reference: String?

    @Option(name: [.short, .long], help: ArgumentHelp("A docker-archive or OCI archive (.tar, .tar.gz, .tar.zst), or an image directory.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("An OCI image layout directory.", valueName: "dir"))
    var layout: String?

    @Option(help: ArgumentHelp("Which image of a multi-image archive (NAME:TAG, or the layout's ref name).", valueName: "name:tag"))
    var image: String?

    @Option(help: ArgumentHelp("Platform to pick from a multi-platform index (default: the host's, or the only one).", valueName: "os/arch[/variant]"))
    var platform: String?

    @Option(name: [.short, .long], help: "Output format: table, json or sarif.")
    var format: ReportFormat = .table

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Only report findings of these severities (comma-separated).", valueName: "list"))
    var severity: String?

    @Option(help: ArgumentHelp("Exit with this code when a finding is at or above --fail-on.", valueName: "code"))
    var exitCode: Int32 = 0

    @Option(help: "Lowest severity that makes --exit-code apply: info, low, medium, high or critical.")
    var failOn: Severity = .high

    @Option(help: ArgumentHelp("Rule ids or finding fingerprints to suppress, one per line, optional exp:YYYY-MM-DD (default: ./.moatignore if present).", valueName: "file"))
    var ignoreFile: String?

    @Flag(name: [.short, .long], help: "Print nothing but the report (no progress, no warnings).")
    var quiet = false

    @Flag(help: "Never colour the table output (colour is used only on a terminal, and never when NO_COLOR is set).")
    var noColor = false

    @Option(help: ArgumentHelp("Largest uncompressed size of one layer, in bytes.", valueName: "bytes"))
    var maxLayerSize: Int64 = ExpansionLimits.default.maxLayerBytes

    @Option(help: ArgumentHelp("Largest compression ratio of a layer before it is treated as a decompression bomb.", valueName: "ratio"))
    var maxExpansionRatio: Double = ExpansionLimits.default.maxRatio

    @Option(help: ArgumentHelp("Most entries accepted in one layer.", valueName: "count"))
    var maxEntries: Int = TarLimits().maxEntries

    func validate() throws {
        let sources = [reference, input, layout].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError(sources.isEmpty ? "give an image: --input FILE or --layout DIR" : "give only one of IMAGE, --input and --layout")
        }
        if reference != nil {
            throw ValidationError("pulling \(reference ?? "") from a registry is not supported yet; save it first (docker save IMAGE -o image.tar, or skopeo copy docker://IMAGE oci:dir) and use --input or --layout")
        }
        if let platform { _ = try Platform(parsing: platform) }
        guard maxLayerSize > 0, maxExpansionRatio > 1, maxEntries > 0 else {
            throw ValidationError("--max-layer-size, --max-expansion-ratio and --max-entries must be positive")
        }
    }

    func run() async throws {
        let opener = ImageOpener(imageName: image, platform: try platform.map { try Platform(parsing: $0) })
        let opened: Image
        do {
            if let layout {
                opened = try opener.openDirectory(layout)
            } else {
                opened = try opener.open(path: input ?? "")
            }
        } catch let error as ImageError {
            throw RuntimeError(error.description)
        }
        var analyzer = FootprintAnalyzer(toolVersion: Moat.version)
        analyzer.reader.limits = ReadLimits(
            expansion: ExpansionLimits(maxLayerBytes: maxLayerSize, maxRatio: maxExpansionRatio),
            tar: TarLimits(maxEntries: maxEntries))
        analyzer.ignoreList = try loadIgnoreList()

        let progress = Progress(total: opened.layers.count, enabled: !quiet && isatty(STDERR_FILENO) != 0)
        var report: FootprintReport
        do {
            report = try await analyzer.analyze(opened) { layer in progress.layerDone(layer) }
        } catch let error as ImageError {
            progress.clear()
            throw RuntimeError("\(opened.source): \(error.description)")
        }
        progress.clear()
        if let severity {
            let wanted = try Set(severity.split(separator: ",").map { text -> Severity in
                guard let value = Severity(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError("unknown severity \"\(text)\" in --severity; use info, low, medium, high, critical")
                }
                return value
            })
            report.restrict(to: wanted)
        }
        let useColor = !noColor && output == nil && format == .table && isatty(STDOUT_FILENO) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let text = try format.writer(color: useColor).render(report)
        if let output {
            try ReportOutput.write(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if exitCode != 0, report.findings.contains(where: { $0.severity >= failOn }) {
            throw ExitCode(exitCode)
        }
    }

    func loadIgnoreList() throws -> IgnoreList {
        let path = ignoreFile ?? (FileManager.default.fileExists(atPath: ".moatignore") ? ".moatignore" : nil)
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
