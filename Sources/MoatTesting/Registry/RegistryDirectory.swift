import Foundation

/// The temporary directory of one ``RegistryServer`` and the files in it.
struct RegistryDirectory {
    let root: URL

    var config: String { root.appendingPathComponent("config.yml").path }
    var storage: String { root.appendingPathComponent("storage").path }
    var log: String { root.appendingPathComponent("registry.log").path }
    var htpasswd: String { root.appendingPathComponent("htpasswd").path }
    var tokenRootBundle: String { root.appendingPathComponent("token-roots.pem").path }
    var tlsDirectory: String { root.appendingPathComponent("tls").path }
    /// Only `ca.crt` goes here: skopeo pairs any `*.cert`/`*.key` it finds as client certificates.
    var certDirectory: String { root.appendingPathComponent("certs.d").path }
    var tls: TLSFiles {
        TLSFiles(caFile: tlsDirectory + "/ca.pem", certificateFile: tlsDirectory + "/server.pem", keyFile: tlsDirectory + "/server-key.pem")
    }

    /// A fresh directory under the system temporary directory, unique per instance.
    static func create() throws -> RegistryDirectory {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("moat-registry-\(UUID().uuidString.prefix(12).lowercased())")
        let layout = RegistryDirectory(root: root)
        do {
            for path in [layout.storage, layout.tlsDirectory, layout.certDirectory] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot create \(root.path): \(error)")
        }
        return layout
    }

    func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw RegistryHarnessError(.processFailed, "cannot write \(path): \(error)")
        }
    }

    /// The last `lines` lines of a (log) file, or a note that it cannot be read.
    static func tail(of path: String, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "(no log at \(path))" }
        let all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines).joined(separator: "\n")
    }
}
