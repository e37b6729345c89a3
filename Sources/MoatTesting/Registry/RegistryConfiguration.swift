import Foundation

/// The `config.yml` a ``RegistryServer`` hands to `docker-registry serve`.
///
/// Only what the tests need: filesystem storage with deletes enabled (clients test DELETE),
/// a loopback listener, optional TLS, and either htpasswd or token authentication.
struct RegistryConfiguration {
    enum Authentication {
        case none
        case htpasswd(path: String)
        case token(realm: String, service: String, issuer: String, rootCertificateBundle: String)
    }

    var port: Int
    var storageDirectory: String
    var tls: TLSFiles?
    var authentication: Authentication

    /// YAML text. Values are quoted (JSON string syntax is valid YAML), so paths with odd
    /// characters cannot change the document's structure.
    func yaml() -> String {
        var lines = [
            "version: 0.1",
            "log:",
            "  level: info",
            "  formatter: text",
            "storage:",
            "  filesystem:",
            "    rootdirectory: \(quoted(storageDirectory))",
            "  delete:",
            "    enabled: true",
            "  maintenance:",
            "    uploadpurging:",
            "      enabled: false",
            "http:",
            "  addr: \(quoted("127.0.0.1:\(port)"))",
            // A fixed secret stops the "No HTTP secret provided" warning; uploads never span instances.
            "  secret: \(quoted("moat-test-\(port)"))",
        ]
        if let tls {
            lines += [
                "  tls:",
                "    certificate: \(quoted(tls.certificateFile))",
                "    key: \(quoted(tls.keyFile))",
            ]
        }
        switch authentication {
        case .none:
            break
        case .htpasswd(let path):
            lines += ["auth:", "  htpasswd:", "    realm: \(quoted("moat-test-registry"))", "    path: \(quoted(path))"]
        case .token(let realm, let service, let issuer, let bundle):
            lines += [
                "auth:", "  token:",
                "    realm: \(quoted(realm))",
                "    service: \(quoted(service))",
                "    issuer: \(quoted(issuer))",
                "    rootcertbundle: \(quoted(bundle))",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func quoted(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}

/// Writes an htpasswd file with bcrypt entries, the only hash distribution's htpasswd backend accepts.
enum HtpasswdFile {
    static func write(users: [String: String], to path: String) async throws {
        let tool = try TestEnvironment.htpasswd()
        var lines: [String] = []
        for (user, password) in users.sorted(by: { $0.key < $1.key }) {
            // -B bcrypt, -b password from argv, -n print instead of editing a file.
            let result = try await CommandRunner.run(tool, ["-Bbn", user, password], displayName: "htpasswd for user \(user)")
            guard result.succeeded else {
                throw RegistryHarnessError(.processFailed, "htpasswd for user \(user) failed: \(result.standardError)")
            }
            let line = String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            lines.append(line)
        }
        do {
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot write \(path): \(error)")
        }
    }
}
