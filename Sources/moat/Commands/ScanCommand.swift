import ArgumentParser
import Foundation
import KubeSchema
import ManifestLint

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Score Kubernetes manifests like kubesec (same rules, points, JSON and exit codes).",
        discussion: """
        Reads YAML (multi-document) or JSON manifests, or standard input with `-`, and prints kubesec's JSON report.

        Like kubesec, every document is first validated against the strict Kubernetes JSON schemas (kubeconform's \
        checks and messages); an invalid document gets valid:false, score 0 and the validation message. The \
        Kubernetes \(SchemaSettings.bundledKubernetesVersion) schemas are built in, so nothing is downloaded; \
        other versions and custom resources need local schemas (--schema-dir). See docs/kubernetes-schemas.md.

        EXAMPLES:
          moat scan pod.yaml
          cat deploy.yaml | moat scan -
          moat scan --rules RunAsNonRoot,ReadOnlyRootFilesystem pod.yaml
          moat scan --checks all --allowed-registries registry.example.com/team pod.yaml
          moat scan --schema-dir ./crd-schemas certificate.yaml
          moat scan --kubernetes-version 1.30.0 --schema-dir ./kubernetes-json-schema deploy.yaml

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

    @OptionGroup(title: "Schema validation")
    var schemas: SchemaValidationOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("file path is required") }
        guard checks == "kubesec" || checks == "all" else { throw ValidationError("--checks must be kubesec or all") }
        guard ["json", "table", "sarif"].contains(format) else { throw ValidationError("--format must be json, table or sarif") }
        _ = try schemas.validator()
    }

    func run() throws {
        var options = KubesecScanOptions()
        options.ruleIDs = rules.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.includeImageChecks = checks == "all"
        options.imagePolicy = ImageRuleSettings(allowedRegistries: allowedRegistries.flatMap { $0.split(separator: ",").map(String.init) })
        options.yamlErrors = keepGoing ? .reportDocument : .abortRun
        options.schemaValidator = try schemas.validator()
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

/// kubesec's schema flags (`--kubernetes-version`, `--schema-location` and their environment variables)
/// plus moat's `--schema-dir` and `--skip-schema-validation`; shared by `moat scan` and `moat serve`.
struct SchemaValidationOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Kubernetes version of the schemas (default \(SchemaSettings.bundledKubernetesVersion), the bundled one; env K8S_SCHEMA_VER). Other versions need --schema-dir.",
        valueName: "version"))
    var kubernetesVersion: String?

    @Option(parsing: .singleValue, help: ArgumentHelp(
        "Directory of schemas, searched before the bundled ones: kubeconform's <dir>/v<version>-standalone-strict/<kind>-<group>-<version>.json layout or flat <dir>/<kind>-<group>-<version>.json (repeatable).",
        valueName: "dir"))
    var schemaDir: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp(
        "kubesec's schema location (repeatable or comma-separated; env SCHEMA_LOCATION): a local directory, a kubeconform path template, or \"default\" for the bundled schemas. http(s) locations are refused: moat never downloads schemas.",
        valueName: "location"))
    var schemaLocation: [String] = []

    @Flag(help: "Score documents without validating them against the Kubernetes schemas first (kubesec has no such switch: it always validates).")
    var skipSchemaValidation = false

    /// nil with --skip-schema-validation; the bundled validator unless a schema flag or variable changes it.
    func validator(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubernetesSchemaValidator? {
        guard !skipSchemaValidation else { return nil }
        do {
            let settings = try SchemaSettings.resolve(
                kubernetesVersion: kubernetesVersion, schemaLocations: schemaLocation, schemaDirectories: schemaDir,
                environment: environment)
            if settings == KubernetesSchemaValidator.bundled.settings { return .bundled }
            return try KubernetesSchemaValidator(settings: settings)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
