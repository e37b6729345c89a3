import Foundation

/// Every thread's stack of a running process, taken with gdb, for the message of a test that gave up waiting on it: a
/// hang found by CI is then diagnosed from the log instead of from a timeout alone.
public enum ThreadDump {
    /// The stacks of `pid`, at most `limit` characters, or a line saying why there are none (no gdb, no ptrace).
    public static func of(_ pid: Int32, limit: Int = 60_000) async -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/gdb" }
        guard let gdb = path.first(where: FileManager.default.isExecutableFile) else {
            return "(no thread dump: gdb is not installed; scripts/test.sh installs it)"
        }
        let result = try? await CommandRunner.run(gdb, ["-p", String(pid), "-batch", "-nx", "-ex", "thread apply all bt 40"],
                                                  displayName: "gdb -p \(pid)", timeout: .seconds(60))
        guard let result else { return "(no thread dump: gdb did not finish)" }
        let stacks = result.standardOutputText.split(separator: "\n")
            .filter { $0.hasPrefix("Thread ") || $0.hasPrefix("#") }
            .joined(separator: "\n")
        if stacks.isEmpty { return "(no thread dump: \(result.standardError.prefix(500)))" }
        return String(stacks.prefix(limit))
    }
}
