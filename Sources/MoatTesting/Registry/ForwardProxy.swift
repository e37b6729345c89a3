import Foundation

/// Debian's tinyproxy on 127.0.0.1 with a throwaway configuration: a real HTTP proxy, which tunnels (`CONNECT`) to any
/// port, for tests of clients that honour `https_proxy` and `http_proxy`. Its log names every request it took.
public final class ForwardProxy: Sendable {
    public let port: Int
    private let process: RunningProcess
    private let directory: URL
    private let logFile: String

    /// The value for `https_proxy` / `http_proxy`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: RunningProcess, directory: URL, logFile: String) {
        self.port = port
        self.process = process
        self.directory = directory
        self.logFile = logFile
    }

    /// Starts tinyproxy on a free loopback port (trying another if the port is taken before it binds).
    public static func start(timeout: Duration = .seconds(20)) async throws -> ForwardProxy {
        let executable = try TestEnvironment.tinyproxy()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logFile = directory.appendingPathComponent("tinyproxy.log").path
        let configuration = directory.appendingPathComponent("tinyproxy.conf").path
        for _ in 0..<5 {
            let port = try LoopbackSocket.freePort()
            // No ConnectPort line: tinyproxy then tunnels to every port, the registry's included.
            let settings = """
                Port \(port)
                Listen 127.0.0.1
                Timeout 60
                LogFile "\(logFile)"
                LogLevel Connect
                MaxClients 50
                Allow 127.0.0.1

                """
            try settings.write(toFile: configuration, atomically: true, encoding: .utf8)
            let process = try RunningProcess.launch(executable, ["-d", "-c", configuration], port: port,
                                                    log: directory.appendingPathComponent("output.log").path, directory: directory.path)
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, process.process.isRunning, !LoopbackSocket.isAccepting(port: port) {
                try await Task.sleep(for: .milliseconds(20))
            }
            if LoopbackSocket.isAccepting(port: port), process.process.isRunning {
                return ForwardProxy(port: port, process: process, directory: directory, logFile: logFile)
            }
            await process.terminate(grace: .zero)
            if ContinuousClock.now >= deadline { break }
        }
        let output = (try? String(contentsOf: directory.appendingPathComponent("output.log"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw RegistryHarnessError(.network, "tinyproxy did not start listening on 127.0.0.1: \(output.suffix(500))")
    }

    /// What the proxy was asked, in order: `CONNECT 127.0.0.1:5000`, or `GET http://host/path` for plain proxying.
    public var requests: [String] {
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "): ", options: .backwards), line.contains("Request (file descriptor") else { return nil }
            let request = line[range.upperBound...]
            return request.hasSuffix(" HTTP/1.1") || request.hasSuffix(" HTTP/1.0") ? String(request.dropLast(" HTTP/1.1".count)) : String(request)
        }
    }

    /// Stops tinyproxy and removes its directory.
    public func stop() async {
        await process.terminate(grace: .seconds(2))
        try? FileManager.default.removeItem(at: directory)
    }
}
