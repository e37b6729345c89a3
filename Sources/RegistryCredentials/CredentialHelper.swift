import ChildProcess
import Foundation

/// Runs Docker credential helpers (`docker-credential-NAME`) with the protocol of
/// github.com/docker/docker-credential-helpers: `get` reads a server URL on stdin and prints
/// `{"ServerURL":…,"Username":…,"Secret":…}`; `list` prints `{"<server URL>":"<user>",…}`.
///
/// The helper is looked up in `searchPath` (not the process's PATH unless you pass it), so tests can put a fake
/// helper first without touching the process environment. Nothing a helper prints is ever quoted in an error.
public struct CredentialHelperRunner: Sendable {
    /// Directories searched for `docker-credential-NAME`, in order. Also the helper's own `PATH`.
    public var searchPath: [String]
    /// How long a helper may run before it is killed (Docker has none; a hung keychain prompt should not hang moat).
    public var timeout: Duration
    /// Extra environment for the helper (on top of this process's environment, with `PATH` = `searchPath`).
    public var environment: [String: String]
    /// Bounds on helper output.
    public var limits: CredentialLimits

    /// - Parameters:
    ///   - searchPath: A `PATH`-style list (`/a:/b`); nil reads this process's `PATH`.
    ///   - timeout: Maximum run time of one helper call.
    public init(searchPath: String? = nil, timeout: Duration = .seconds(30), environment: [String: String] = [:], limits: CredentialLimits = .default) {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        self.searchPath = path.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        self.timeout = timeout
        self.environment = environment
        self.limits = limits
    }

    /// The executable for helper `name`, or nil when it is not on the search path.
    public func executable(forHelper name: String) -> String? {
        guard CredentialHelperRunner.isValidName(name) else { return nil }
        for directory in searchPath {
            let candidate = (directory.hasSuffix("/") ? directory : directory + "/") + "docker-credential-" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// `docker-credential-NAME get` for `serverURL`.
    /// - Returns: The credential (an identity token when the helper answers user `<token>`), or nil when the helper
    ///   says `credentials not found` or answers with an empty secret.
    public func get(helper name: String, serverURL: String) throws(CredentialError) -> RegistryCredential? {
        let run = try execute(helper: name, argument: "get", input: Array(serverURL.utf8), purpose: "for \(serverURL)")
        if run.status != 0 {
            if run.saysNotFound { return nil }
            throw CredentialError(.helperFailed, "credential helper docker-credential-\(name) failed for \(serverURL) (exit status \(run.status); its output is not shown as it may hold secrets)")
        }
        if run.saysNotFound && !run.stdout.contains(UInt8(ascii: "{")) { return nil }
        let value: DocumentValue
        do {
            value = try JSONDocumentParser.parse(run.stdout, limits: limits)
        } catch {
            throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) printed invalid JSON for \(serverURL) (\(error.message) at line \(error.line), column \(error.column))")
        }
        guard value.members != nil else {
            throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) printed \(value.kindName) instead of an object for \(serverURL)")
        }
        func string(_ key: String) throws(CredentialError) -> String {
            switch value[key] {
            case nil, .null?: return ""
            case .string(let text)?: return text
            case let other?:
                throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) printed \(other.kindName) for \(key) (\(serverURL))")
            }
        }
        let username = try string("Username")
        let secret = try string("Secret")
        if secret.isEmpty { return nil }
        if username == RegistryCredential.identityTokenUsername { return .identityToken(secret) }
        return .basic(username: username, password: secret)
    }

    /// `docker-credential-NAME list`: server URL → user name, for reports. No secrets are read.
    public func list(helper name: String) throws(CredentialError) -> [(serverURL: String, username: String)] {
        let run = try execute(helper: name, argument: "list", input: [], purpose: "(list)")
        guard run.status == 0 else {
            throw CredentialError(.helperFailed, "credential helper docker-credential-\(name) list failed (exit status \(run.status))")
        }
        let value: DocumentValue
        do {
            value = try JSONDocumentParser.parse(run.stdout, limits: limits)
        } catch {
            throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) list printed invalid JSON (\(error.message))")
        }
        guard let members = value.members else {
            throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) list printed \(value.kindName) instead of an object")
        }
        return members.map { (serverURL: $0.key, username: $0.value.stringValue ?? "") }
    }

    /// Helper names come from config.json; only names that cannot escape the search path are run.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128, name.first != "." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || scalar == "-" || scalar == "_" || scalar == "."
        }
    }

    // MARK: - Running

    struct Run {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]

        /// The protocol's "credentials not found in native keychain", also accepted on stderr and in any case.
        var saysNotFound: Bool {
            let text = (String(decoding: stdout.prefix(4096), as: UTF8.self) + "\n" + String(decoding: stderr.prefix(4096), as: UTF8.self)).lowercased()
            return text.contains("credentials not found")
        }
    }

    func execute(helper name: String, argument: String, input: [UInt8], purpose: String) throws(CredentialError) -> Run {
        guard CredentialHelperRunner.isValidName(name) else {
            throw CredentialError(.invalidHelperName, "credential helper name \(FieldPath.quoted(name)) is not a valid helper name")
        }
        guard let executable = executable(forHelper: name) else {
            throw CredentialError(.helperNotFound, "credential helper docker-credential-\(name) not found in PATH (\(searchPath.joined(separator: ":")))")
        }
        // Everything written before the helper starts: it needs no reading from us, so a helper that exits early
        // cannot raise SIGPIPE here. Server URLs are far below the pipe's capacity.
        guard input.count <= 16 << 10 else {
            throw CredentialError(.helperFailed, "server URL too long for credential helper docker-credential-\(name)")
        }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [argument]
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in self.environment { environment[key] = value }
        environment["PATH"] = searchPath.joined(separator: ":")
        process.environment = environment
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let outputs = [PipeCollector(limit: limits.maxHelperOutputBytes), PipeCollector(limit: limits.maxHelperOutputBytes)]
        do {
            if !input.isEmpty { try stdin.fileHandleForWriting.write(contentsOf: input) }
            try stdin.fileHandleForWriting.close()
            try process.runWithDefaultSignals()
        } catch {
            throw CredentialError(.helperFailed, "credential helper docker-credential-\(name) could not be started: \(error.localizedDescription)")
        }
        // Process.run() has closed this side's copies of the child's pipe ends.
        outputs[0].start(stdout.fileHandleForReading)
        outputs[1].start(stderr.fileHandleForReading)

        let deadline = DispatchTime.now() + .nanoseconds(Int(min(timeout.components.seconds, 86_400)) * 1_000_000_000
            + Int(timeout.components.attoseconds / 1_000_000_000))
        if exited.wait(timeout: deadline) == .timedOut {
            // Foundation starts the helper in its own process group: stop it with anything it started.
            let group = -process.processIdentifier
            kill(group, SIGTERM)
            if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                kill(group, SIGKILL)
                _ = exited.wait(timeout: .now() + .seconds(2))
            }
            throw CredentialError(.helperTimedOut, "credential helper docker-credential-\(name) did not answer within \(timeout) \(purpose) and was stopped")
        }
        // The helper has exited; its output is complete unless a child of it still holds the pipes open.
        let drained = DispatchTime.now() + .seconds(2)
        let stdoutBytes = outputs[0].finish(by: drained)
        let stderrBytes = outputs[1].finish(by: drained)
        if outputs[0].overflowed {
            throw CredentialError(.helperOutputInvalid, "credential helper docker-credential-\(name) printed more than \(limits.maxHelperOutputBytes) bytes \(purpose)")
        }
        return Run(status: process.terminationStatus, stdout: stdoutBytes, stderr: stderrBytes)
    }
}

/// Reads one pipe to its end on a background queue, keeping at most `limit` bytes.
///
/// `@unchecked Sendable`: the buffer is only touched under `lock`; `done` is a semaphore.
private final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var overflow = false
    private let limit: Int
    private let done = DispatchSemaphore(value: 0)

    init(limit: Int) { self.limit = limit }

    func start(_ handle: FileHandle) {
        DispatchQueue.global().async { [self] in
            while true {
                let chunk: Data?
                do { chunk = try handle.read(upToCount: 64 << 10) } catch { break }
                guard let chunk, !chunk.isEmpty else { break }
                lock.lock()
                if bytes.count + chunk.count > limit {
                    overflow = true
                } else {
                    bytes.append(contentsOf: chunk)
                }
                lock.unlock()
            }
            done.signal()
        }
    }

    /// More than `limit` bytes arrived (the rest was dropped).
    var overflowed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return overflow
    }

    /// What was read, waiting for the end of the pipe until `deadline` at most.
    func finish(by deadline: DispatchTime) -> [UInt8] {
        _ = done.wait(timeout: deadline)
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }
}
