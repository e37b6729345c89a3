import ArgumentParser
import Foundation
import ManifestLint

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Score Kubernetes manifests like kubesec (same rules, points, JSON and exit codes).",
        discussion: """
        Reads YAML (multi-document) or JSON manifests, or standard input with `-`, and prints kubesec's JSON report.

        EXAMPLES:
          moat scan pod.yaml
          cat deploy.yaml | moat scan -
          moat scan --rules RunAsNonRoot,ReadOnlyRootFilesystem pod.yaml
          moat scan --checks all --allowed-registries registry.example.com/team pod.yaml

        EXIT STATUS:
          0 when every object scores above 0; --exit-code (default 2) otherwise, including unsupported kinds and \
        invalid documents; 1 on errors (printed on stdout with a capital first letter, as kubesec does).
        """
    )

    @Argument(help: ArgumentHelp("Manifest files; `-` reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Only these rule ids (comma-separated).", valueName: "ids"))
    var rules: String?

    @Option(help: ArgumentHelp("Exit code when an object scores 0 or less.", valueName: "code"))
    var exitCode: Int32 = 2

    @Option(help: "kubesec (the default, kubesec-compatible output) or all (adds moat's image rules).")
    var checks: String = "kubesec"

    @Option(parsing: .singleValue, help: ArgumentHelp("Registries (and path prefixes, by component) images may come from; repeatable or comma-separated.", valueName: "registry[/path]"))
    var allowedRegistries: [String] = []

    @Flag(help: "Print file names as absolute paths.")
    var absolutePath = false

    @Flag(help: "Report a YAML syntax error for its document and keep scanning the others (kubesec stops the run).")
    var keepGoing = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file.", valueName: "file"))
    var output: String?

    @Option(name: [.short, .long], help: "json (kubesec's, the default), table or sarif.")
    var format: String = "json"

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("file path is required") }
        guard checks == "kubesec" || checks == "all" else { throw ValidationError("--checks must be kubesec or all") }
        guard ["json", "table", "sarif"].contains(format) else { throw ValidationError("--format must be json, table or sarif") }
    }

    func run() throws {
        var options = KubesecScanOptions()
        options.ruleIDs = rules.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.includeImageChecks = checks == "all"
        options.imagePolicy = ImagePolicy(allowedRegistries: allowedRegistries.flatMap { $0.split(separator: ",").map(String.init) })
        options.yamlErrors = keepGoing ? .reportDocument : .abortRun
        var results: [KubesecResult] = []
        for file in files {
            let data: Data
            let name: String
            if file == "-" || file == "/dev/stdin" {
                data = FileHandle.standardInput.readDataToEndOfFile()
                name = "STDIN"
            } else {
                let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw Self.kubesecError("open \(absolute): no such file or directory")
                }
                data = contents
                name = absolutePath ? absolute : file
            }
            do {
                results += try KubesecScanner.scan(data: data, fileName: name, options: options)
            } catch {
                throw Self.kubesecError(error.description)
            }
        }
        let text = switch format {
        case "table": KubesecOutput.table(results)
        case "sarif": try KubesecOutput.sarif(results, toolVersion: Moat.version)
        default: KubesecJSON.encode(results) + "\n"
        }
        if let output { try ReportOutput.write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        let code = KubesecScanner.exitCode(for: results, failureCode: exitCode)
        if code != 0 { throw ExitCode(code) }
    }

    /// kubesec prints errors on stdout with the first letter upper-cased and exits 1.
    static func kubesecError(_ message: String) -> ExitCode {
        let text = message.prefix(1).uppercased() + message.dropFirst()
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        return ExitCode(1)
    }
}
