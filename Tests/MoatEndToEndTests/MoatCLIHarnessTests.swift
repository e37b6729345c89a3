import Foundation
import MoatTesting
import Testing

@Suite("MoatCLI: the harness that runs the moat binary")
struct MoatCLIHarnessTests {
    @Test("a moat that outlives its deadline is killed and fails its test with every thread's stack")
    func hungMoatIsReported() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/never-written.fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        // Opening a FIFO nobody writes to blocks for ever: a deterministic hang.
        let started = ContinuousClock.now
        var run: MoatRun?
        try await withKnownIssue {
            run = try await MoatCLI.run(["image", "--input", fifo], deadline: .seconds(2))
        } matching: { issue in
            let text = issue.comments.map(\.rawValue).joined()
            return text.contains("did not finish within 2") && (text.contains("#0") || text.contains("no thread dump"))
        }
        #expect(ContinuousClock.now - started < .seconds(90))
        #expect(run?.status == SIGKILL || run?.status == 128 + SIGKILL, "killed, not finished: \(String(describing: run?.status))")
    }
}
