import Foundation

/// The independent Python implementations under `scripts/testing/` that interoperability tests compare moat with.
public enum ReferenceScripts {
    /// Runs `scripts/testing/<script> <arguments>` with python3; fails with how to install what it needs.
    public static func run(_ script: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        guard let python = TestEnvironment.findExecutable("python3") else {
            throw RegistryHarnessError(.toolMissing, "python3 is not installed; the interoperability tests need it with `pip install pynacl cryptography`")
        }
        let path = TestEnvironment.packageRoot + "/scripts/testing/" + script
        guard FileManager.default.fileExists(atPath: path) else {
            throw RegistryHarnessError(.toolMissing, "\(path) is missing")
        }
        let check = try await CommandRunner.run(python, ["-c", "import nacl.secret, cryptography"], displayName: "python3 import check")
        guard check.succeeded else {
            throw RegistryHarnessError(.toolMissing, "python3 lacks pynacl or cryptography: run scripts/test.sh or `pip install pynacl cryptography`")
        }
        return try await CommandRunner.run("/usr/bin/env", environment.map { "\($0.key)=\($0.value)" } + [python, path] + arguments,
                                           displayName: "\(script) \(arguments.first ?? "")")
    }
}
