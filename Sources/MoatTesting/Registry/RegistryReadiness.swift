import Foundation

/// Waits until a freshly started registry serves `GET /v2/`.
///
/// The registry logs `listening on 127.0.0.1:PORT` only after it has bound the port, so the probe
/// waits for that line first: otherwise, when another process took the port in between, the
/// probe could be answered by that other server.
enum RegistryReadiness {
    enum Failure: Error {
        /// The registry exited because the port was in use; the caller picks another port.
        case portTaken
    }

    static func wait(for registry: RunningProcess, caFile: String?, log: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        let listening = "listening on 127.0.0.1:\(registry.port)"
        var lastStatus: Int?
        while true {
            let logText = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
            guard registry.process.isRunning else {
                if logText.contains("address already in use") { throw Failure.portTaken }
                throw RegistryHarnessError(
                    .processFailed,
                    "docker-registry exited with status \(registry.process.terminationStatus) while starting; log:\n"
                        + RegistryDirectory.tail(of: log, lines: 40)
                )
            }
            if logText.contains(listening) {
                lastStatus = try await probe(port: registry.port, caFile: caFile)
                if lastStatus == 200 || lastStatus == 401 { return }
            }
            if ContinuousClock.now >= deadline {
                throw RegistryHarnessError(
                    .startTimeout,
                    "docker-registry on port \(registry.port) did not answer GET /v2/ with 200 or 401 within \(timeout)"
                        + " (last status: \(lastStatus.map(String.init) ?? "none")); log:\n"
                        + RegistryDirectory.tail(of: log, lines: 40)
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The status of `GET /v2/`, or nil when the request failed.
    ///
    /// HTTPS goes through curl, which takes each registry's own CA per call.
    static func probe(port: Int, caFile: String?) async throws -> Int? {
        if let caFile {
            let result = try await CommandRunner.run(
                try TestEnvironment.curl(),
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--cacert", caFile, "https://127.0.0.1:\(port)/v2/"],
                displayName: "curl probe of port \(port)"
            )
            return Int(String(decoding: result.standardOutput, as: UTF8.self))
        }
        guard let url = URL(string: "http://127.0.0.1:\(port)/v2/") else { return nil }
        return try? await PlainHTTP.get(url, timeout: .seconds(5)).status
    }
}
