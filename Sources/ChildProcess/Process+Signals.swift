public import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Starts the process with no signal blocked, as a shell would.
    ///
    /// `posix_spawn` hands the calling thread's signal mask to the child, and async code runs on the concurrency
    /// pool's worker threads, which block nearly every signal (SIGTERM, SIGINT, SIGCHLD, SIGPIPE among them). A child
    /// started plainly from there ignores `terminate()`, and one that waits for SIGCHLD (gdb) waits for ever. The mask
    /// is cleared only on this thread and only while the child is spawned.
    public func runWithDefaultSignals() throws {
        var none = sigset_t()
        sigemptyset(&none)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try run()
    }
}

extension Process {
    /// SIGTERM, then SIGKILL if the process is still running after `grace`; true when it stopped on SIGTERM. Bounded,
    /// so a server whose graceful shutdown hangs cannot hold the test (and the thread it runs on) for ever.
    @discardableResult
    public func stop(grace: TimeInterval) -> Bool {
        guard isRunning else { return true }
        kill(processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning, Date() < deadline { usleep(10_000) }
        let graceful = !isRunning
        if !graceful { kill(processIdentifier, SIGKILL) }
        waitUntilExit()
        return graceful
    }
}
