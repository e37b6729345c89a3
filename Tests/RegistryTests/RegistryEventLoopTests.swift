import Foundation
import NIOCore
import NIOPosix
@testable import Registry
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct RegistryEventLoopTests {
    #if os(Linux)
    @Test func theRegistryLoopRunsBelowTheAnalysisPriority() async throws {
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let loop = RegistryEventLoop.group.next()
        // The niceness is set by a task queued when the group was made; this one runs after it.
        let niceness = try await loop.submit { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }.get()
        #expect(niceness == min(19, base + RegistryEventLoop.niceness))
    }
    #endif
}
