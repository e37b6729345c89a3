import ArgumentParser
import Foundation
import Registry
import RegistryCredentials

/// `moat secret check FILE`: which registries a pull secret (or a Docker config.json) covers, with which user,
/// and whether each credential works.
struct SecretCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List the registries and users in a pull secret or Docker config.json, and test each credential.",
        discussion: """
        FILE holds Kubernetes Secrets of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg (YAML or \
        JSON, several documents or a List allowed), or is a Docker config.json (credential helpers are run). \
        Passwords, tokens and auth values are never printed.

        Each credential is tried against its registry (an authenticated GET /v2/, following the token flow) unless \
        --no-probe is given. --ca-file and --insecure-registry work as for `moat image`.

        EXIT STATUS:
          0  every credential tried works, or none was tried
          1  the file cannot be read or parsed, or a credential helper failed
          2  a registry rejected a credential
          3  a registry could not be reached (and none rejected a credential)
        """
    )


    @Argument(help: ArgumentHelp("A pull Secret file or a Docker config.json.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var format: String = "text"

    @Flag(help: "Only list the registries and users; do not contact any registry.")
    var noProbe = false

    @Option(parsing: .singleValue, help: ArgumentHelp("PEM file of a CA to trust for registries (repeatable).", valueName: "file"))
    var caFile: [String] = []

    @Option(parsing: .singleValue, help: ArgumentHelp("Reach this registry over plain HTTP or unverified TLS (repeatable).", valueName: "host[:port]"))
    var insecureRegistry: [String] = []

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() async throws {
        let probe: (any CredentialProbe)? = noProbe ? nil : RegistryProbe(configuration: RegistryConfiguration(
            insecureRegistries: Set(insecureRegistry.map { $0.lowercased() }), caFiles: caFile, connectTimeout: 10, readTimeout: 20,
            userAgent: "moat/\(Moat.version)"))
        let report = try await Self.report(path: file, probe: probe, noProbe: noProbe)
        print(format == "json" ? report.json() : report.text(), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// Reads `path` and builds the report; unreadable input becomes a `RuntimeError` (exit 1).
    static func report(path: String, probe: (any CredentialProbe)?, noProbe: Bool) async throws -> CredentialCheckReport {
        let credentialFile: CredentialFile
        do {
            credentialFile = try CredentialFile.load(path: path)
        } catch {
            throw RuntimeError(error.message)
        }
        return await CredentialCheckReport.build(for: credentialFile, probe: probe, mode: noProbe ? .disabled : .unavailable)
    }
}
