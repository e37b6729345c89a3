import Foundation

/// Kills a child process if the test process dies without stopping it.
///
/// `Process` cannot set `PR_SET_PDEATHSIG`, and `deinit` does not run when the test runner crashes,
/// is killed, or simply exits while a `Task { await server.stop() }` is still pending. (`Process`
/// also starts every child in its own process group, so killing the test's process group does not
/// reach it.) So each server gets a tiny `sh` that blocks reading a pipe whose write end only this
/// process holds (`Process` closes inherited descriptors in its children). When this process exits
/// for any reason, including SIGKILL, the kernel closes the write end, `read` sees end of file, and
/// the shell sends SIGKILL to the server and removes its directory.
///
/// Callers disarm it only after the server has exited, so there is no moment in which the server
/// runs unguarded.
final class ProcessWatchdog: Sendable {
    private let shell: Process
    private let lifeline: Pipe
    private let armed = LockedState(true)

    /// Starts guarding `pid`; when it fires it also removes `directory` (if given).
    init(guarding pid: Int32, removing directory: String? = nil) throws {
        let lifeline = Pipe()
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `while read` also survives a stray newline; only end of file ends the loop.
        var script = "while read -r _; do :; done; kill -KILL \"$1\" 2>/dev/null"
        var arguments = [String(pid)]
        if let directory {
            script += "; sleep 1; rm -rf \"$2\""
            arguments.append(directory)
        }
        shell.arguments = ["-c", script, "moat-watchdog"] + arguments
        shell.standardInput = lifeline
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        do {
            try shell.runWithDefaultSignals()
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot start the watchdog shell: \(error)")
        }
        self.shell = shell
        self.lifeline = lifeline
    }

    /// Stops guarding (call once the guarded process has exited): kills the shell before closing
    /// the pipe, so the end of file it would see cannot trigger the kill.
    func disarm() {
        guard armed.withLock({ armed in defer { armed = false }; return armed }) else { return }
        if shell.isRunning {
            kill(shell.processIdentifier, SIGKILL)
            shell.waitUntilExit()
        }
        try? lifeline.fileHandleForWriting.close()
    }
}
