import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Starts the process with no signal blocked, as a shell would.
    ///
    /// `posix_spawn` hands the calling thread's signal mask to the child, and tests call this from the concurrency
    /// pool's worker threads, which block nearly every signal (SIGTERM, SIGINT, SIGCHLD, SIGPIPE among them). A child
    /// started plainly ignores `terminate()`, and one that waits for SIGCHLD (gdb) waits for ever. The mask is cleared
    /// only on this thread and only while the child is spawned.
    public func runWithDefaultSignals() throws {
        var none = sigset_t()
        sigemptyset(&none)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try run()
    }
}
