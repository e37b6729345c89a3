import Foundation
import Hummingbird
import ManifestLint
import ScanServer
import ServiceLifecycle
import MoatTesting
import Testing

/// Runs the real server on 127.0.0.1 (ephemeral port) with a throwaway self-signed certificate and talks to it with curl.
@Suite("HTTPS on a live socket", .enabled(if: LiveTLS.toolsAvailable, "needs the openssl and curl command-line tools"))
struct TLSLiveTests {
    @Test("curl --cacert verifies the certificate and gets the kubesec JSON; without the CA it fails")
    func httpsScan() async throws {
        let directory = try LiveTLS.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let manifest = directory.appendingPathComponent("pod.yaml").path
        try Data(Fixtures.pod.utf8).write(to: URL(fileURLWithPath: manifest))
        let openssl = try await LiveTLS.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert,
        ])
        try #require(openssl.status == 0, "openssl failed: \(openssl.output)")

        let (group, server, port) = try await LiveTLS.serve(cert: cert, key: key)
        defer { server.cancel() }
        let base = "https://127.0.0.1:\(port)"

        let scan = try await LiveTLS.run("curl", [
            "-sS", "--cacert", cert, "-X", "POST", "--data-binary", "@" + manifest, "-w", "\n%{http_code}", base + "/scan",
        ])
        #expect(scan.status == 0, "curl failed: \(scan.output)")
        let expected = try Fixtures.expectedJSON(Fixtures.pod)
        #expect(scan.output == expected + "\n200")

        let health = try await LiveTLS.run("curl", ["-sS", "--cacert", cert, base + "/healthz"])
        #expect(health.status == 0)
        #expect(health.output == "OK\n")

        // Verification is really on: without the CA file curl rejects the self-signed certificate (exit 60).
        let unverified = try await LiveTLS.run("curl", ["-sS", base + "/healthz"])
        #expect(unverified.status == 60, "curl: \(unverified.output)")

        // Plain HTTP to the TLS port does not get a scan answer.
        let plain = try await LiveTLS.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"])
        #expect(plain.output != "200")

        // Graceful shutdown (what SIGTERM/SIGINT trigger through runService) ends the server without an error.
        await group.triggerGracefulShutdown()
        let outcome = await server.result
        #expect((try? outcome.get()) != nil, "server ended with \(outcome)")
        let after = try await LiveTLS.run("curl", ["-sS", "--cacert", cert, base + "/healthz"])
        #expect(after.status != 0)
    }

    @Test("a renewed certificate is served to new connections without a restart; a broken one keeps the old")
    func certificateReload() async throws {
        let directory = try LiveTLS.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        func issue(_ name: String) async throws {
            let openssl = try await LiveTLS.run("openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(name)",
                "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key + ".new", "-out", cert + ".new",
            ])
            try #require(openssl.status == 0, "openssl failed: \(openssl.output)")
            // Replace both files by rename, as a Secret volume update does.
            _ = rename(key + ".new", key)
            _ = rename(cert + ".new", cert)
        }
        try await issue("first")
        let (group, server, port) = try await LiveTLS.serve(cert: cert, key: key)
        defer { server.cancel() }
        func subject() async throws -> String {
            try await LiveTLS.run("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -subject"]).output
        }
        #expect(try await subject().contains("CN = first"))
        try await issue("second")
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await subject().contains("CN = second"), "the renewed certificate is served")
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: cert))
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await subject().contains("CN = second"), "a broken file keeps the previous certificate in service")
        await group.triggerGracefulShutdown()
        _ = await server.result
    }

    @Test("unreadable certificate or key files are reported")
    func badFiles() throws {
        let configuration = ScanServerConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0),
            tls: TLSFiles(certificateChainPath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")
        )
        do {
            _ = try ScanServer.buildApplication(configuration: configuration)
            Issue.record("expected a TLS error")
        } catch {
            guard case .tls(let message) = error else { Issue.record("unexpected \(error)"); return }
            #expect(message.contains("/nonexistent/cert.pem"))
        }
    }
}

enum LiveTLS {
    static let toolsAvailable = path(of: "openssl") != nil && path(of: "curl") != nil

    /// The real server over HTTPS on an ephemeral 127.0.0.1 port; stop it with the group's graceful shutdown.
    static func serve(cert: String, key: String) async throws -> (group: ServiceGroup, server: Task<Void, any Error>, port: Int) {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let configuration = ScanServerConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0),
            tls: TLSFiles(certificateChainPath: cert, privateKeyPath: key),
            onServerRunning: { port in portContinuation.yield(port) }
        )
        let app = try ScanServer.buildApplication(configuration: configuration)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: configuration.logger))
        let server = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            server.cancel()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the server never reported its port"])
        }
        return (group, server, port)
    }

    static func path(of tool: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("moat-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct Outcome: Sendable {
        var status: Int32
        var output: String
    }

    /// Runs a tool without blocking a concurrency thread; stdout and stderr are read together.
    static func run(_ tool: String, _ arguments: [String]) async throws -> Outcome {
        guard let executable = path(of: tool) else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        // Read on a thread of its own: a blocked concurrency thread is one fewer for the server under test.
        let output = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
                Thread { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }.start()
            }
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.runWithDefaultSignals()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? pipe.fileHandleForWriting.close()
        let data = await output.value
        return Outcome(status: status, output: String(decoding: data, as: UTF8.self))
    }
}
