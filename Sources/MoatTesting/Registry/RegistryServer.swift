import Foundation

/// A real `docker-registry` (CNCF distribution 2.8, Debian's package) for one test.
///
/// Each instance has its own free port on 127.0.0.1 and its own temporary directory (config,
/// storage, certificates, log), so tests running in parallel never share a registry.
///
/// ```swift
/// let registry = try await RegistryServer.start()                                        // HTTP, no auth
/// let secured = try await RegistryServer.start(.tlsBasicAuth(users: ["alice": "s3cret"]))
/// let tokens = try await TokenServer.start(.init(users: ["alice": "s3cret"]))
/// let tokened = try await RegistryServer.start(.tlsTokenAuth(tokens))
/// // … test …
/// await registry.stop()
/// ```
///
/// Lifetime: `stop()` sends SIGTERM, then SIGKILL after five seconds, and removes the directory.
/// When a test never gets there (a thrown error), `deinit` kills the process and removes the
/// directory. When the test process exits or dies first (including a pending
/// `defer { Task { await registry.stop() } }` that never ran), a watchdog shell kills the registry
/// and removes the directory, so no server outlives the test run.
public final class RegistryServer: Sendable {
    /// How the registry is reached and who may use it.
    public enum Mode: Sendable {
        /// Plain HTTP, no authentication.
        case plain
        /// HTTPS with a fresh ``TestCertificateAuthority`` and HTTP Basic users (bcrypt htpasswd).
        case tlsBasicAuth(users: [String: String])
        /// HTTPS, and `auth: token` trusting the given ``TokenServer``'s signing key.
        case tlsTokenAuth(TokenServer)
    }

    public let mode: Mode
    public let port: Int
    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    public let baseURL: URL
    /// The temporary directory holding everything below; removed by `stop()`.
    public let directory: URL
    /// Where the registry keeps blobs and manifests (`storage.filesystem.rootdirectory`).
    public let storageDirectory: String
    /// The registry's stdout and stderr.
    public let logFile: String
    /// The CA that issued the server certificate (TLS modes), to issue more or to read its PEM.
    public let certificateAuthority: TestCertificateAuthority?
    /// `ca.pem`, for `curl --cacert` and clients that take a CA file (TLS modes).
    public let caFile: String?
    /// A directory with only `ca.crt`, for `skopeo --cert-dir` / `--dest-cert-dir` (TLS modes).
    public let certDirectory: String?

    private let running: LockedState<RunningProcess?>

    private init(
        mode: Mode, baseURL: URL, layout: RegistryDirectory, authority: TestCertificateAuthority?, process: RunningProcess
    ) {
        self.mode = mode
        self.port = process.port
        self.baseURL = baseURL
        self.directory = layout.root
        self.storageDirectory = layout.storage
        self.logFile = layout.log
        self.certificateAuthority = authority
        self.caFile = authority == nil ? nil : layout.tls.caFile
        self.certDirectory = authority == nil ? nil : layout.certDirectory
        self.running = LockedState(process)
    }

    /// What `skopeo` needs to reach this registry.
    public var endpoint: RegistryEndpoint {
        RegistryEndpoint(host: host, usesTLS: certificateAuthority != nil, certDirectory: certDirectory)
    }

    /// Whether the registry process is alive (false after `kill()` or `stop()`).
    public var isRunning: Bool {
        running.withLock { $0?.process.isRunning ?? false }
    }

    /// Starts a registry and waits until `GET /v2/` answers 200 or 401.
    public static func start(_ mode: Mode = .plain, timeout: Duration = .seconds(30)) async throws -> RegistryServer {
        let executable = try TestEnvironment.dockerRegistry()
        let layout = try RegistryDirectory.create()
        do {
            let authority = try await prepare(mode, in: layout)
            let process = try await launch(executable, mode: mode, layout: layout, tls: authority != nil, timeout: timeout)
            let scheme = authority == nil ? "http" : "https"
            guard let baseURL = URL(string: "\(scheme)://127.0.0.1:\(process.port)") else {
                await process.terminate(grace: .zero)
                throw RegistryHarnessError(.network, "cannot form the registry URL for port \(process.port)")
            }
            return RegistryServer(mode: mode, baseURL: baseURL, layout: layout, authority: authority, process: process)
        } catch {
            try? FileManager.default.removeItem(at: layout.root)
            throw error
        }
    }

    /// Kills the registry at once with SIGKILL, as a crash would; the directory stays for `stop()`.
    public func kill() {
        running.withLock { $0 }?.killNow()
    }

    /// Stops the registry (SIGTERM, SIGKILL after five seconds) and removes its directory. Idempotent.
    public func stop() async {
        if let process = running.withLock({ current in defer { current = nil }; return current }) {
            await process.terminate(grace: .seconds(5))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The last `lines` lines of the registry's log, for error messages.
    public func logTail(lines: Int = 40) -> String {
        RegistryDirectory.tail(of: logFile, lines: lines)
    }

    deinit {
        if let process = running.withLock({ $0 }) {
            process.killNow()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    // MARK: - Starting

    /// Writes certificates and the auth files for `mode`; returns the CA for TLS modes.
    private static func prepare(_ mode: Mode, in layout: RegistryDirectory) async throws -> TestCertificateAuthority? {
        switch mode {
        case .plain:
            return nil
        case .tlsBasicAuth(let users):
            try await HtpasswdFile.write(users: users, to: layout.htpasswd)
        case .tlsTokenAuth(let tokenServer):
            try layout.write(tokenServer.rootCertificateBundlePEM, to: layout.tokenRootBundle)
        }
        let authority = try TestCertificateAuthority(commonName: "moat test registry CA")
        try authority.writeServerFiles(to: URL(fileURLWithPath: layout.tlsDirectory))
        try FileManager.default.copyItem(atPath: layout.tls.caFile, toPath: layout.certDirectory + "/ca.crt")
        return authority
    }

    /// Picks a port, starts the registry, and retries on a port another process took in between.
    private static func launch(
        _ executable: String, mode: Mode, layout: RegistryDirectory, tls: Bool, timeout: Duration
    ) async throws -> RunningProcess {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try LoopbackSocket.freePort()
            let configuration = RegistryConfiguration(
                port: port, storageDirectory: layout.storage, tls: tls ? layout.tls : nil,
                authentication: authentication(for: mode, layout: layout)
            )
            try layout.write(configuration.yaml(), to: layout.config)
            let process = try RunningProcess.launch(
                executable, ["serve", layout.config], port: port, log: layout.log, directory: layout.root.path
            )
            do {
                try await RegistryReadiness.wait(for: process, caFile: tls ? layout.tls.caFile : nil, log: layout.log, timeout: timeout)
                return process
            } catch RegistryReadiness.Failure.portTaken {
                await process.terminate(grace: .zero)
                lastError = RegistryHarnessError(.network, "port \(port) was taken before the registry could bind it")
            } catch {
                await process.terminate(grace: .zero)
                throw error
            }
        }
        throw lastError ?? RegistryHarnessError(.network, "no free port for the registry")
    }

    private static func authentication(for mode: Mode, layout: RegistryDirectory) -> RegistryConfiguration.Authentication {
        switch mode {
        case .plain:
            return .none
        case .tlsBasicAuth:
            return .htpasswd(path: layout.htpasswd)
        case .tlsTokenAuth(let tokenServer):
            return .token(
                realm: tokenServer.realm.absoluteString, service: tokenServer.service,
                issuer: tokenServer.issuer, rootCertificateBundle: layout.tokenRootBundle
            )
        }
    }
}
