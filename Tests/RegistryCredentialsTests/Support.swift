import Foundation
import MoatTesting
import Testing
@testable import RegistryCredentials

/// Files and fake credential helpers for the tests. Nothing here touches the process environment: helpers are
/// found through an explicit search path handed to `CredentialHelperRunner`.
enum Fixture {
    /// Writes `text` to a new temporary file.
    static func file(_ text: String, suffix: String = ".yaml") throws -> String {
        try temporaryFile(Array(text.utf8), suffix: suffix)
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// A directory holding `docker-credential-NAME` (an executable shell script with `body`), and a runner that
    /// looks there first and then in the usual system directories.
    static func helper(named name: String = "moattest", body: String, timeout: Duration = .seconds(10)) throws -> (runner: CredentialHelperRunner, directory: String) {
        let directory = try temporaryDirectory()
        let path = directory + "/docker-credential-" + name
        try writeExecutable(path, "#!/bin/sh\n" + body + "\n")
        return (CredentialHelperRunner(searchPath: directory + ":/usr/bin:/bin", timeout: timeout), directory)
    }

    /// Writes a script through a close-on-exec descriptor. Other tests start processes at any moment; a child forked
    /// while the script is open for writing would otherwise keep that descriptor, and running the script would fail
    /// with "text file busy" for as long as the child lives.
    static func writeExecutable(_ path: String, _ text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// A helper that knows one server and answers like docker-credential-helpers' reference implementations.
    static func storeHelper(server: String, username: String, secret: String) throws -> (runner: CredentialHelperRunner, directory: String) {
        try helper(body: """
        case "$1" in
        get)
          read -r url
          if [ "$url" = "\(server)" ]; then
            printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$url" '\(username)' '\(secret)'
          else
            echo "credentials not found in native keychain"
            exit 1
          fi ;;
        list) printf '{"\(server)":"%s"}\\n' '\(username)' ;;
        *) echo "unknown action" >&2; exit 1 ;;
        esac
        """)
    }
}

/// A probe with fixed answers per registry, recording what it was asked.
struct FakeProbe: CredentialProbe {
    var answers: [String: ProbeResult]

    func probe(registry: String, credential: RegistryCredential?) async -> ProbeResult {
        answers[registry] ?? .unreachable(reason: "no such host")
    }
}
