import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The event loops every registry client in the process shares, one thread per core, at a lower scheduling priority.
///
/// A pull overlaps the download with the analysis of what has arrived, and the analysis (inflating and reading the
/// layer) is the slower side: the download only has to stay ahead of it, which the bounded chunk buffer lets it do in
/// bursts. The event loops read the sockets and also hash and cache each blob chunk (`streamDirect`), so on a busy
/// machine that work should not take a core from the analysis when both want one. One thread per core, because the
/// layers of one image download at once and each loop hashes what it reads. A process-wide group is never shut down,
/// like NIO's singleton.
enum RegistryEventLoop {
    /// Niceness added to the loop's thread (Linux: per thread; lowering a priority needs no privilege).
    static let niceness: Int32 = 10

    static let group: MultiThreadedEventLoopGroup = {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: ProcessInfo.processInfo.activeProcessorCount)
        #if os(Linux)
        // PRIO_PROCESS with id 0 is the calling thread on Linux; relative to what moat was started with.
        for loop in group.makeIterator() {
            loop.execute {
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                _ = setpriority(which, 0, min(19, getpriority(which, 0) + niceness))
            }
        }
        #endif
        return group
    }()
}
