import ArgumentParser
import DockerfileLint
import Foundation

extension LintSeverity: ExpressibleByArgument {}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint Dockerfiles for minimal, secure images (hadolint-compatible ids where rules overlap).",
        discussion: """
        Parses stages, ARG scoping, continuations and the escape directive, heredocs, JSON and shell forms. Inline \
        `# moat ignore=ID` (and `# hadolint ignore=DL…`) comments and a `.moat.yaml` config (ignored ids, trusted \
        registries, failure threshold) are honoured.

        EXAMPLES:
          moat lint Dockerfile
          moat lint --trusted-registries docker.io,registry.example.com --format json Dockerfile

        EXIT STATUS:
          0 when no finding is at or above the failure threshold (default info), --exit-code (default 1) otherwise; \
        1 on parse errors.
        """
    )

    @Argument(help: ArgumentHelp("Dockerfiles to lint.", valueName: "dockerfile"))
    var files: [String] = []

    @Option(name: [.short, .long], help: "table or json.")
    var format: String = "table"

    @Option(name: .shortAndLong, help: ArgumentHelp("Config file (default: ./.moat.yaml when present).", valueName: "file"))
    var config: String?

    @Option(parsing: .singleValue, help: ArgumentHelp("Registries FROM images may come from (repeatable or comma-separated).", valueName: "registry"))
    var trustedRegistries: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Rule ids to ignore (moat or hadolint ids).", valueName: "id"))
    var ignore: [String] = []

    @Option(help: "Lowest severity that fails: error, warning, info or style.")
    var failureThreshold: LintSeverity?

    @Option(help: ArgumentHelp("Exit code when a finding is at or above the threshold.", valueName: "code"))
    var exitCode: Int32 = 1

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file.", valueName: "file"))
    var output: String?

    @Flag(help: "Print the rule catalogue as Markdown (docs/lint-rules.md) and exit.")
    var listRules = false

    func validate() throws {
        guard listRules || !files.isEmpty else { throw ValidationError("give at least one Dockerfile") }
        guard format == "table" || format == "json" else { throw ValidationError("--format must be table or json") }
    }

    func run() throws {
        if listRules {
            print(LintRule.markdownCatalogue())
            return
        }
        var settings = LintConfig()
        let path = config ?? (FileManager.default.fileExists(atPath: ".moat.yaml") ? ".moat.yaml" : nil)
        if let path {
            do { settings = try LintConfig.load(from: URL(fileURLWithPath: path)) } catch { throw RuntimeError("\(error)") }
        }
        settings.trustedRegistries += trustedRegistries.flatMap { $0.split(separator: ",").map(String.init) }
        settings.ignored = settings.ignored.union(ignore.flatMap { $0.split(separator: ",").map(String.init) })
        if let failureThreshold { settings.failureThreshold = failureThreshold }
        let linter = DockerfileLinter(config: settings)
        var findings: [LintFinding] = []
        for file in files {
            do {
                let dockerfile = try DockerfileParser.parse(contentsOf: URL(fileURLWithPath: file))
                findings += linter.lint(dockerfile)
            } catch {
                throw RuntimeError("\(error)")
            }
        }
        let text = format == "json" ? try LintOutput.json(findings) + "\n" : LintOutput.text(findings)
        if let output { try ReportOutput.write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        if settings.fails(findings) { throw ExitCode(exitCode) }
    }
}
