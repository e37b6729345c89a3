import Foundation

/// NaCl's `crypto_secretbox` (XSalsa20-Poly1305), byte-compatible with Go's `golang.org/x/crypto/nacl/secretbox`
/// and libsodium/pynacl: a box is the 16-byte Poly1305 tag followed by the encrypted message.
///
/// cosign encrypts its private keys with it. swift-crypto has no XSalsa20 or Poly1305, so this is a small
/// implementation checked against NaCl's published vector and against pynacl in the tests.
///
/// The key stream's first 32 bytes are the one-time Poly1305 key; the message is XORed with the stream from
/// byte 32 on. `open` checks the tag (in constant time) before decrypting anything.
public enum SecretBox {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length in bytes.
    public static let nonceByteCount = 24
    /// Length of the authentication tag that precedes the ciphertext.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `message`.
    /// - Parameters:
    ///   - message: The plaintext (may be empty).
    ///   - nonce: 24 bytes, never reused with the same key.
    ///   - key: 32 bytes.
    /// - Returns: The tag followed by the ciphertext (`message.count + 16` bytes).
    /// - Throws: `KeyError.invalidArgument` when the key or nonce has the wrong length.
    public static func seal(_ message: Data, nonce: Data, key: Data) throws -> Data {
        let (keyBytes, nonceBytes) = try checked(nonce: nonce, key: key)
        let plaintext = [UInt8](message)
        let stream = Salsa20.xsalsa20Stream(count: 32 + plaintext.count, nonce: nonceBytes, key: keyBytes)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        for index in plaintext.indices {
            ciphertext[index] = plaintext[index] ^ stream[32 + index]
        }
        let tag = Poly1305.tag(ciphertext, key: Array(stream[0..<32]))
        return Data(tag + ciphertext)
    }

    /// Authenticates and decrypts a box made by `seal` (or NaCl/libsodium/Go).
    /// - Returns: The plaintext.
    /// - Throws: `KeyError.invalidArgument` for a wrong key or nonce length, `KeyError.authenticationFailed` when the
    ///   box is shorter than a tag or its tag does not match (wrong key, wrong nonce or altered data).
    public static func open(_ box: Data, nonce: Data, key: Data) throws -> Data {
        let (keyBytes, nonceBytes) = try checked(nonce: nonce, key: key)
        let bytes = [UInt8](box)
        guard bytes.count >= tagByteCount else {
            throw KeyError(.authenticationFailed, "secretbox: the box is \(bytes.count) bytes, shorter than its \(tagByteCount)-byte tag; the data is truncated")
        }
        let tag = Array(bytes[0..<tagByteCount])
        let ciphertext = Array(bytes[tagByteCount...])
        let stream = Salsa20.xsalsa20Stream(count: 32 + ciphertext.count, nonce: nonceBytes, key: keyBytes)
        guard Poly1305.verify(tag, for: ciphertext, key: Array(stream[0..<32])) else {
            throw KeyError(.authenticationFailed, "secretbox: authentication failed: wrong key or nonce, or the data was altered")
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        for index in ciphertext.indices {
            plaintext[index] = ciphertext[index] ^ stream[32 + index]
        }
        return Data(plaintext)
    }

    private static func checked(nonce: Data, key: Data) throws -> (key: [UInt8], nonce: [UInt8]) {
        guard key.count == keyByteCount else {
            throw KeyError(.invalidArgument, "secretbox: the key is \(key.count) bytes; it must be \(keyByteCount)")
        }
        guard nonce.count == nonceByteCount else {
            throw KeyError(.invalidArgument, "secretbox: the nonce is \(nonce.count) bytes; it must be \(nonceByteCount)")
        }
        return ([UInt8](key), [UInt8](nonce))
    }
}
