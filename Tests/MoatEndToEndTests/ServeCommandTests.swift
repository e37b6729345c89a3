import Foundation
import MoatTesting
import Testing

/// `moat serve` as a process: it answers, then stops cleanly on SIGTERM (what Kubernetes sends).
@Suite struct ServeCommandTests {
    @Test func answersThenStopsCleanlyOnSIGTERM() async throws {
        let port = try LoopbackSocket.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try MoatCLI.binary())
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.runWithDefaultSignals()
        defer { if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) } }

        let curl = try TestEnvironment.curl()
        var healthy = false
        for _ in 0..<100 where !healthy {
            let probe = try await CommandRunner.run(curl, ["-fsS", "http://127.0.0.1:\(port)/healthz"], displayName: "curl /healthz")
            healthy = probe.succeeded
            if !healthy { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        #expect(healthy, "moat serve never answered /healthz")
        let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}"#
        let scan = try await CommandRunner.run(curl, ["-fsS", "--data-binary", pod, "http://127.0.0.1:\(port)/scan"], displayName: "curl /scan")
        #expect(scan.standardOutputText.contains("\"object\": \"Pod/p.default\""), "\(scan.standardOutputText)")

        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(!process.isRunning, "moat serve did not stop within 10 s of SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "graceful shutdown exits 0")
    }
}
