import Foundation

/// The outcome of a finished child process.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: Data
    public let standardError: String

    public var succeeded: Bool { status == 0 }
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// Runs short-lived tools (`htpasswd`, `skopeo`, `curl`) and collects their output. Public so tests
/// can run `curl` against the servers the same way the harness does.
///
/// Both pipes are drained on their own threads while the process runs: a tool that writes more
/// than a pipe buffer (64 KiB) to stderr would otherwise block forever.
public enum CommandRunner {
    /// Runs `executable` and returns its status and output; throws only if it cannot start or times out.
    ///
    /// `displayName` is what error messages show instead of the argument list, which may hold
    /// passwords (`htpasswd -Bbn`, `skopeo --creds`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        displayName: String,
        timeout: Duration = .seconds(120)
    ) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do {
            try process.runWithDefaultSignals()
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot start \(displayName): \(error)")
        }
        let timedOut = LockedState(false)
        let timer = Task {
            try await Task.sleep(for: timeout)
            timedOut.withLock { $0 = true }
            // SIGKILL: a tool that ignores or blocks SIGTERM must not outlive its deadline.
            kill(process.processIdentifier, SIGKILL)
        }
        defer { timer.cancel() }
        async let standardOutput = readToEnd(output.fileHandleForReading)
        async let standardError = readToEnd(error.fileHandleForReading)
        let (outputData, errorData) = await (standardOutput, standardError)
        await waitForExit(process)
        if timedOut.withLock({ $0 }) {
            throw RegistryHarnessError(.processFailed, "\(displayName) did not finish within \(timeout)")
        }
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: outputData,
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    private static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: handle.readDataToEndOfFile())
            }
        }
    }

    static func waitForExit(_ process: Process) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }
}
