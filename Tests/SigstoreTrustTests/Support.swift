import Crypto
import Foundation
import MoatTesting
import SigstoreTrust
import Testing

/// Runs `scripts/testing/sigstore_trust_reference.py`, the independent (Python `cryptography`) maker of Rekor
/// bundles, Fulcio-style certificates and trusted roots.
enum Reference {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    static let script: String = {
        // Tests/SigstoreTrustTests/Support.swift → package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("scripts/testing/sigstore_trust_reference.py").path
    }()

    /// Runs a command of the script and returns its standard output; fails with a clear message when python3 or the
    /// `cryptography` package is missing.
    @discardableResult
    static func run(_ arguments: [String]) async throws -> Data {
        try await checkAvailable.value
        let result = try await CommandRunner.run(
            "/usr/bin/env", ["python3", script] + arguments, displayName: "sigstore_trust_reference.py \(arguments[0])"
        )
        guard result.succeeded else {
            throw Unavailable(description: "sigstore_trust_reference.py \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
        return result.standardOutput
    }

    static func text(_ arguments: [String]) async throws -> String {
        String(decoding: try await run(arguments), as: UTF8.self)
    }

    private static let checkAvailable = Task<Void, any Error> {
        let probe: CommandResult
        do {
            probe = try await CommandRunner.run(
                "/usr/bin/env", ["python3", "-c", "import cryptography"], displayName: "python3 -c 'import cryptography'"
            )
        } catch {
            throw Unavailable(description: "these tests need python3 with the cryptography package, and python3 cannot be started: \(error)")
        }
        guard probe.succeeded else {
            throw Unavailable(
                description: "these tests need python3 with the cryptography package (pip install cryptography; "
                    + "apt-get install python3-cryptography): \(probe.standardError)"
            )
        }
    }
}

/// Python-made trust material shared by the tests: made once, read-only afterwards.
struct Material: Sendable {
    let directory: String
    /// The fake Rekor's key files.
    let rekorKeyFile: String
    let rekorPublicKeyFile: String
    let otherRekorKeyFile: String
    let otherRekorPublicKeyFile: String
    /// The CA (`ca-root.pem`, `ca-intermediate.pem`) and an unrelated one.
    let caPrefix: String
    let otherCAPrefix: String
    /// `trusted_root.json` for `ca` and the Rekor key.
    let trustedRootFile: String
    /// A signed payload, its signature by the alice leaf's key, and the bundle for it.
    let payload: Data
    let signatureBase64: String
    let bundleJSON: Data
    let integratedTime: Int64
    let logIndex: Int64

    static let aliceIdentity = "alice@example.com"
    static let aliceIssuer = "https://accounts.example.com"
    static let workflowIdentity = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
    static let workflowIssuer = "https://token.actions.githubusercontent.com"

    static let shared = Task<Material, any Error> { try await make() }

    func path(_ name: String) -> String { directory + "/" + name }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    var chainPEM: String {
        get throws { try read("ca-intermediate.pem") + read("ca-root.pem") }
    }

    func rekorKey() throws -> RekorKey {
        try RekorKey(pem: String(contentsOfFile: rekorPublicKeyFile, encoding: .utf8))
    }

    func otherRekorKey() throws -> RekorKey {
        try RekorKey(pem: String(contentsOfFile: otherRekorPublicKeyFile, encoding: .utf8))
    }

    /// A trusted root holding only the PEM files given (names in the material directory).
    func pemRoot(_ names: String...) throws -> TrustedRoot {
        let file = path("pem-\(UUID().uuidString).pem")
        try Data(names.map { try read($0) }.joined().utf8).write(to: URL(fileURLWithPath: file))
        return try TrustedRoot.load(contentsOf: file)
    }

    private static func make() async throws -> Material {
        let directory = try temporaryDirectory()
        func at(_ name: String) -> String { directory + "/" + name }
        try await Reference.run(["rekor-key", at("rekor")])
        try await Reference.run(["rekor-key", at("other-rekor")])
        try await Reference.run(["fulcio-ca", at("ca")])
        try await Reference.run(["fulcio-ca", at("other")])
        let now = Int64(Date().timeIntervalSince1970)
        let leaves: [(String, [String])] = [
            ("alice", ["--identity", aliceIdentity, "--issuer", aliceIssuer]),
            ("workflow", ["--identity", workflowIdentity, "--issuer", workflowIssuer]),
            ("v1only", ["--identity", aliceIdentity, "--issuer", aliceIssuer, "--issuer-v1-only"]),
            ("nocodesigning", ["--identity", aliceIdentity, "--issuer", aliceIssuer, "--no-codesigning"]),
            ("username", ["--identity", "alice", "--issuer", aliceIssuer, "--other-name"]),
            ("old", ["--identity", aliceIdentity, "--issuer", aliceIssuer, "--not-before", String(now - 2 * 86400)]),
            ("stranger", ["--identity", aliceIdentity, "--issuer", aliceIssuer]),
        ]
        for (name, arguments) in leaves {
            let ca = name == "stranger" ? at("other") : at("ca")
            try await Reference.run(["fulcio-leaf", "--ca", ca, "--out", at(name)] + arguments)
        }
        let payload = Data(#"{"critical":{"identity":{"docker-reference":"registry.test/app"}}}"#.utf8)
        try payload.write(to: URL(fileURLWithPath: at("payload.json")))
        let signature = try await Reference.text(["sign", "--key", at("old-leaf.key"), "--payload", at("payload.json")])
        try Data(signature.utf8).write(to: URL(fileURLWithPath: at("payload.sig")))
        let integratedTime = now - 2 * 86400 + 120
        let bundle = try await Reference.run([
            "rekor-bundle", "--rekor-key", at("rekor.key"), "--payload", at("payload.json"),
            "--signature", at("payload.sig"), "--public-key", at("old-leaf.pem"),
            "--integrated-time", String(integratedTime), "--log-index", "4242",
        ])
        let trustedRoot = try await Reference.run(["trusted-root", "--ca", at("ca"), "--rekor-key", at("rekor.pub")])
        try trustedRoot.write(to: URL(fileURLWithPath: at("trusted_root.json")))
        return Material(
            directory: directory, rekorKeyFile: at("rekor.key"), rekorPublicKeyFile: at("rekor.pub"),
            otherRekorKeyFile: at("other-rekor.key"), otherRekorPublicKeyFile: at("other-rekor.pub"),
            caPrefix: at("ca"), otherCAPrefix: at("other"), trustedRootFile: at("trusted_root.json"),
            payload: payload, signatureBase64: signature.trimmingCharacters(in: .whitespacesAndNewlines),
            bundleJSON: bundle, integratedTime: integratedTime, logIndex: 4242
        )
    }
}

/// Lower-case hex, for comparing digests.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// Expects `body` to throw a `TrustError` with `code`, and returns it for checks on the message.
@discardableResult
func expectTrustError(
    _ code: TrustError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> some Any
) async -> TrustError? {
    do {
        _ = try await body()
        Issue.record("expected TrustError \(code), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as TrustError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected TrustError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// JSON object manipulation for tampering tests.
func jsonObject(_ data: Data) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw Reference.Unavailable(description: "not a JSON object")
    }
    return object
}

func jsonData(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}
