import Foundation
import MoatTesting
import Testing
@testable import SigstoreKeys

/// The independent reference implementation, `scripts/testing/cosign_reference.py`, and the Python that runs it.
///
/// The tests that use it fail (they are not skipped) when python3 with pynacl and cryptography is missing, with a
/// message that says how to install them.
enum Reference {
    static let script = TestEnvironment.packageRoot + "/scripts/testing/cosign_reference.py"

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// A python3 that imports pynacl and cryptography: `MOAT_PYTHON`, else the first `python3` on PATH that does.
    static let python: Result<String, Unavailable> = {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["MOAT_PYTHON"] { candidates.append(explicit) }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            candidates.append(directory + "/python3")
        }
        var tried: [String] = []
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            tried.append(candidate)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: candidate)
            process.arguments = ["-c", "import nacl.secret, nacl.exceptions, cryptography"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.runWithDefaultSignals()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return .success(candidate) }
        }
        let searched = tried.isEmpty ? "no python3 on PATH" : "tried \(tried.joined(separator: ", "))"
        return .failure(Unavailable(description: "the interoperability tests need python3 with pynacl and cryptography (\(searched)); install them with: pip install pynacl cryptography (or set MOAT_PYTHON to a python3 that has them)"))
    }()

    /// Runs the script; `environment` is added to the test process's (e.g. `COSIGN_PASSWORD`).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        let python = try python.get()
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try await CommandRunner.run(
            "/usr/bin/env", assignments + [python, script] + arguments,
            displayName: "cosign_reference.py \(arguments.first ?? "")"
        )
    }

    /// Runs the script, requires success and returns its standard output.
    static func output(_ arguments: [String], environment: [String: String] = [:]) async throws -> Data {
        let result = try await run(arguments, environment: environment)
        try #require(result.succeeded, "cosign_reference.py \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardError)")
        return result.standardOutput
    }

    /// Runs the script and returns its standard output as text without the final newline.
    static func text(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let output = String(decoding: try await output(arguments, environment: environment), as: UTF8.self)
        return output.hasSuffix("\n") ? String(output.dropLast()) : output
    }

    /// `generate-key-pair` into `directory`; returns the private and public key files' text.
    static func keyPair(in directory: String, name: String = "ref", password: String? = "", options: [String] = []) async throws -> (privatePEM: String, publicPEM: String, prefix: String) {
        let prefix = directory + "/" + name
        var environment: [String: String] = [:]
        if let password { environment["COSIGN_PASSWORD"] = password }
        _ = try await output(["generate-key-pair", prefix, "--force"] + options, environment: environment)
        return (try String(contentsOfFile: prefix + ".key", encoding: .utf8), try String(contentsOfFile: prefix + ".pub", encoding: .utf8), prefix)
    }
}

/// Temporary directories and files for one test.
enum Scratch {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "/moat-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension Data {
    /// Bytes from hex digits; nil for odd lengths or non-hex characters.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `count` random bytes (tests only).
    static func random(_ count: Int, using generator: inout some RandomNumberGenerator) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// A seeded generator (SplitMix64), so failures with random inputs reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The password closure for keys that must not ask for one.
func noPassword() throws -> Data {
    Issue.record("the password was asked for a key that is not encrypted (or is refused before decryption)")
    return Data()
}

/// The `KeyError` thrown by `body`, or a recorded issue when it throws something else or nothing.
func keyError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> KeyError? {
    do {
        try body()
        Issue.record("expected a KeyError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as KeyError {
        return error
    } catch {
        Issue.record("expected a KeyError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
