import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The event loop every registry client in the process shares: one thread, at a lower scheduling priority.
///
/// A pull overlaps the download with the analysis of what has arrived, and the analysis (inflating and reading the
/// layer) is the slower side: the download only has to stay ahead of it, which a bounded buffer lets it do in bursts.
/// On a busy machine, the socket reads and HTTP parsing should not take a core from the analysis when both want
/// one. One thread suffices: a pull is bound by the reader, and `moat serve`'s registry traffic is small next to the
/// admission requests its own event loops answer. A process-wide group is never shut down, like NIO's singleton.
enum RegistryEventLoop {
    /// Niceness added to the loop's thread (Linux: per thread; lowering a priority needs no privilege).
    static let niceness: Int32 = 10

    static let group: MultiThreadedEventLoopGroup = {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        #if os(Linux)
        // PRIO_PROCESS with id 0 is the calling thread on Linux; relative to what moat was started with.
        group.next().execute {
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            _ = setpriority(which, 0, min(19, getpriority(which, 0) + niceness))
        }
        #endif
        return group
    }()
}
