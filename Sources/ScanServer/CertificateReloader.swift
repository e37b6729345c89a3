import Foundation
import NIOCore
import NIOSSL

/// Serves the certificate and key currently on disk: each TLS handshake asks (through NIOSSL's context callback), and
/// the files are looked at again at most once a second, so a certificate renewed by cert-manager or a mounted Secret
/// update is picked up without a restart. A half-written or broken pair keeps the previous one in service.
final class CertificateReloader: @unchecked Sendable {
    let files: TLSFiles
    private let lock = NSLock()
    private var chain: [NIOSSLCertificate]
    private var key: NIOSSLPrivateKey
    private var stamp: [String]
    private var lastCheck: ContinuousClock.Instant
    /// How many times new files were loaded (for tests and logs).
    private(set) var reloads = 0

    init(files: TLSFiles) throws(ScanServerError) {
        self.files = files
        (chain, key) = try Self.load(files)
        stamp = Self.stamp(files)
        lastCheck = .now
    }

    var callback: NIOSSLContextCallback {
        { [self] _, promise in promise.succeed(self.currentOverride()) }
    }

    func currentOverride() -> NIOSSLContextConfigurationOverride {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if now - lastCheck >= .seconds(1) {
            lastCheck = now
            let current = Self.stamp(files)
            if current != stamp, let loaded = try? Self.load(files) {
                (chain, key) = loaded
                stamp = current
                reloads += 1
            }
        }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        return override
    }

    /// Modification time, size and inode of both files: a Secret update swaps a symlink, which changes the inode.
    static func stamp(_ files: TLSFiles) -> [String] {
        [files.certificateChainPath, files.privateKeyPath].map { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(modified)/\(attributes[.size] ?? 0)/\(attributes[.systemFileNumber] ?? 0)"
        }
    }

    static func load(_ files: TLSFiles) throws(ScanServerError) -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath)
        } catch {
            throw .tls("cannot read TLS certificate \(files.certificateChainPath): \(error)")
        }
        guard !chain.isEmpty else { throw .tls("no PEM certificate in \(files.certificateChainPath)") }
        do {
            return (chain, try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem))
        } catch {
            throw .tls("cannot read TLS private key \(files.privateKeyPath): \(error)")
        }
    }
}
