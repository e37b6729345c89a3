import ArgumentParser
import Foundation

@main
struct Moat: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "moat",
        abstract: "Keep container images small, scanned, signed and from registries you trust.",
        discussion: """
        moat reads container images (docker-archive, OCI layout, OCI archive) without a daemon and reports \
        what they hold layer by layer: size and waste, base image, shells, package managers, network tools, \
        secrets (even in deleted files) and risky configuration, with a verdict on whether the image holds only \
        the application and its runtime dependencies.
        """,
        version: version,
        subcommands: [ImageCommand.self, SBOMCommand.self, DBCommand.self, ScanCommand.self, LintCommand.self, ServeCommand.self, SecretCommand.self, CopyCommand.self, PolicyCommand.self, GenerateKeyPairCommand.self, SignCommand.self, VerifyCommand.self, CacheCommand.self, RulesCommand.self]
    )

    /// Errors exit 1, as trivy and kubesec do; help and --version exit 0; a failing policy exits with its own code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as RuntimeError {
            FileHandle.standardError.write(Data(("moat: " + error.message + "\n").utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data(("moat: " + message + "\n").utf8)) }
            Foundation.exit(1)
        }
    }
}
