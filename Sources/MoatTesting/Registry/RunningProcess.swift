import Foundation

/// A long-running server child process with its output in a log file and a watchdog.
final class RunningProcess: Sendable {
    let process: Process
    let port: Int
    private let watchdog: ProcessWatchdog

    private init(process: Process, port: Int, watchdog: ProcessWatchdog) {
        self.process = process
        self.port = port
        self.watchdog = watchdog
    }

    /// Starts `executable` with stdout and stderr appended to `log`.
    static func launch(_ executable: String, _ arguments: [String], port: Int, log: String, directory: String) throws -> RunningProcess {
        if !FileManager.default.fileExists(atPath: log), !FileManager.default.createFile(atPath: log, contents: nil) {
            throw RegistryHarnessError(.processFailed, "cannot create \(log)")
        }
        guard let output = FileHandle(forWritingAtPath: log) else {
            throw RegistryHarnessError(.processFailed, "cannot open \(log) for writing")
        }
        defer { try? output.close() }
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        do {
            try process.runWithDefaultSignals()
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot start \(executable): \(error)")
        }
        do {
            return RunningProcess(process: process, port: port, watchdog: try ProcessWatchdog(guarding: process.processIdentifier, removing: directory))
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw error
        }
    }

    /// SIGKILL now, and wait for the exit (which is immediate).
    func killNow() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        watchdog.disarm()
    }

    /// SIGTERM, then SIGKILL if the process is still there after `grace`. The watchdog stays armed
    /// until the process is gone, in case the test process exits in the meantime.
    func terminate(grace: Duration) async {
        defer { watchdog.disarm() }
        guard process.isRunning else { return }
        if grace > .zero {
            process.terminate()
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        await CommandRunner.waitForExit(process)
    }
}
