import Crypto
import CryptoExtras
import Foundation

/// cosign's encrypted private key (go-securesystemslib `encrypted`): the JSON inside an
/// `ENCRYPTED SIGSTORE PRIVATE KEY` PEM block.
///
/// ```json
/// {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<base64>"},
///  "cipher":{"name":"nacl/secretbox","nonce":"<base64>"},"ciphertext":"<base64>"}
/// ```
///
/// The secretbox key is scrypt(password, salt, N, r, p, 32 bytes); the box opens to the PKCS#8 DER private key.
struct EncryptedKeyEnvelope: Sendable, Equatable {
    /// The PEM type cosign writes.
    static let pemType = "ENCRYPTED SIGSTORE PRIVATE KEY"
    /// The PEM type older cosign and containers/image write.
    static let legacyPEMType = "ENCRYPTED COSIGN PRIVATE KEY"

    /// scrypt's cost parameters.
    struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
        var n: Int
        var r: Int
        var p: Int

        /// What cosign uses for new keys.
        static let standard = ScryptParameters(n: 65536, r: 8, p: 1)
        /// What is accepted on decryption: securesystemslib's legacy, standard and OWASP sets. Anything else is
        /// refused before deriving a key, so a tampered file cannot make moat spend gigabytes or minutes.
        static let accepted: Set<ScryptParameters> = [
            ScryptParameters(n: 32768, r: 8, p: 1), standard, ScryptParameters(n: 131072, r: 8, p: 1),
        ]

        var description: String { "N=\(n) r=\(r) p=\(p)" }
    }

    var parameters: ScryptParameters
    var salt: [UInt8]
    var nonce: [UInt8]
    /// The secretbox box: Poly1305 tag, then the encrypted PKCS#8 DER.
    var ciphertext: [UInt8]
    var kdfName = "scrypt"
    var cipherName = "nacl/secretbox"

    init(parameters: ScryptParameters, salt: [UInt8], nonce: [UInt8], ciphertext: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.nonce = nonce
        self.ciphertext = ciphertext
    }

    /// Encrypts `plaintext` (a PKCS#8 DER key) under `password` with a fresh random salt and nonce.
    static func seal(_ plaintext: [UInt8], password: Data, parameters: ScryptParameters = .standard) throws -> EncryptedKeyEnvelope {
        let salt = randomBytes(32)
        let nonce = randomBytes(SecretBox.nonceByteCount)
        let key = try deriveKey(password: password, salt: salt, parameters: parameters)
        let box = try SecretBox.seal(Data(plaintext), nonce: Data(nonce), key: key)
        return EncryptedKeyEnvelope(parameters: parameters, salt: salt, nonce: nonce, ciphertext: [UInt8](box))
    }

    /// Decrypts the key.
    /// - Throws: `KeyError.refusedParameters` for a KDF, cipher or scrypt parameters outside the accepted set;
    ///   `KeyError.malformedKey` for a nonce of the wrong size or a ciphertext shorter than its tag;
    ///   `KeyError.wrongPassword` when the tag does not match.
    func open(password: Data) throws -> [UInt8] {
        try validate()
        let key = try Self.deriveKey(password: password, salt: salt, parameters: parameters)
        do {
            return [UInt8](try SecretBox.open(Data(ciphertext), nonce: Data(nonce), key: key))
        } catch {
            throw KeyError(.wrongPassword, "encrypted key: wrong password or corrupted key: it did not decrypt; check MOAT_PASSWORD/COSIGN_PASSWORD or the password typed")
        }
    }

    /// Checks everything that can be checked without the password, so a key that would be refused is refused
    /// before anyone is asked for a password (and before any costly key derivation).
    func validate() throws {
        guard kdfName == "scrypt" else {
            throw KeyError(.refusedParameters, "encrypted key: unsupported key derivation \"\(kdfName)\"; cosign keys use \"scrypt\": the file was not written by cosign or moat")
        }
        guard cipherName == "nacl/secretbox" else {
            throw KeyError(.refusedParameters, "encrypted key: unsupported cipher \"\(cipherName)\"; cosign keys use \"nacl/secretbox\": the file was not written by cosign or moat")
        }
        guard Self.ScryptParameters.accepted.contains(parameters) else {
            throw KeyError(.refusedParameters, "encrypted key: scrypt parameters \(parameters) are refused; moat accepts N=32768, 65536 or 131072 with r=8 and p=1 (what cosign writes): re-create or re-import the key with cosign or moat")
        }
        guard nonce.count == SecretBox.nonceByteCount else {
            throw KeyError(.malformedKey, "encrypted key: the nonce is \(nonce.count) bytes; nacl/secretbox needs \(SecretBox.nonceByteCount): the file is damaged")
        }
        guard ciphertext.count > SecretBox.tagByteCount else {
            throw KeyError(.malformedKey, "encrypted key: the ciphertext is \(ciphertext.count) bytes, too short to hold a key: the file is truncated")
        }
    }

    /// Parses the JSON (base64 fields as Go's `[]byte`).
    init(json: Data) throws {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: json)
        } catch {
            throw KeyError(.malformedKey, "encrypted key: the block is not cosign's JSON envelope (kdf, cipher, ciphertext): the file is damaged or not a cosign key")
        }
        func bytes(_ text: String, _ field: String) throws -> [UInt8] {
            guard let data = Data(base64Encoded: text) else {
                throw KeyError(.malformedKey, "encrypted key: \(field) is not valid base64: the file is damaged")
            }
            return [UInt8](data)
        }
        self.init(
            parameters: ScryptParameters(n: wire.kdf.params.n, r: wire.kdf.params.r, p: wire.kdf.params.p),
            salt: try bytes(wire.kdf.salt, "kdf.salt"),
            nonce: try bytes(wire.cipher.nonce, "cipher.nonce"),
            ciphertext: try bytes(wire.ciphertext, "ciphertext")
        )
        kdfName = wire.kdf.name
        cipherName = wire.cipher.name
    }

    /// The JSON with Go's `json.Marshal` field order and no whitespace, as cosign writes it.
    var json: Data {
        let salt = Data(salt).base64EncodedString()
        let nonce = Data(nonce).base64EncodedString()
        let ciphertext = Data(ciphertext).base64EncodedString()
        let text = #"{"kdf":{"name":"\#(kdfName)","params":{"N":\#(parameters.n),"r":\#(parameters.r),"p":\#(parameters.p)},"salt":"\#(salt)"},"cipher":{"name":"\#(cipherName)","nonce":"\#(nonce)"},"ciphertext":"\#(ciphertext)"}"#
        return Data(text.utf8)
    }

    /// The PEM block cosign writes (`ENCRYPTED SIGSTORE PRIVATE KEY`).
    var pem: String { PEMDocument.encode(type: Self.pemType, der: json) }

    private static func deriveKey(password: Data, salt: [UInt8], parameters: ScryptParameters) throws -> Data {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: 32,
                rounds: parameters.n, blockSize: parameters.r, parallelism: parameters.p
            )
            return key.withUnsafeBytes { Data($0) }
        } catch {
            throw KeyError(.refusedParameters, "encrypted key: scrypt with \(parameters) failed (\(error))")
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    private struct Wire: Decodable {
        struct KDF: Decodable {
            var name: String
            var params: Params
            var salt: String
        }

        struct Params: Decodable {
            var n: Int
            var r: Int
            var p: Int

            enum CodingKeys: String, CodingKey {
                case n = "N"
                case r, p
            }
        }

        struct Cipher: Decodable {
            var name: String
            var nonce: String
        }

        var kdf: KDF
        var cipher: Cipher
        var ciphertext: String
    }
}
