import Foundation
import LayerFS
import OCIImage
import Compression
import Crypto
import OCIModel

/// Stable identifiers for findings and secrets that reveal nothing about the secret.
enum Fingerprint {
    static func make(_ parts: String...) -> String {
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\u{0}").utf8))
        return "sha256:" + String(digest.hexString.prefix(16))
    }

    /// Hash of a secret value, used as a fingerprint seed so the same secret matches across images.
    static func secret(_ value: some Collection<UInt8>) -> String {
        SHA256.hash(data: Array(value)).hexString
    }
}
