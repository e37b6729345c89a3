import Foundation
import MoatTesting
import Testing
@testable import SigstoreKeys

/// cosign's `ENCRYPTED SIGSTORE PRIVATE KEY`: moat and the Python reference read each other's keys; refused
/// parameters, wrong passwords and damaged files give the errors they should.
@Suite struct EncryptedKeyTests {
    /// The JSON inside an encrypted key PEM, as a mutable dictionary.
    static func envelope(of pem: String) throws -> [String: Any] {
        let block = try #require(try PEMDocument.decode(pem).first)
        return try #require(try JSONSerialization.jsonObject(with: block.der) as? [String: Any])
    }

    /// An encrypted key PEM holding `envelope` (as cosign would label it).
    static func pem(of envelope: [String: Any], type: String = "ENCRYPTED SIGSTORE PRIVATE KEY") throws -> String {
        PEMDocument.encode(type: type, der: try JSONSerialization.data(withJSONObject: envelope))
    }

    /// A moat key encrypted with `password`, the envelope edited by `edit`.
    static func editedKey(password: String = "pw", _ edit: (inout [String: Any]) -> Void) throws -> String {
        var envelope = try envelope(of: SigningKey.generate().encryptedPEM(password: Data(password.utf8)))
        edit(&envelope)
        return try pem(of: envelope)
    }

    @Test(arguments: ["correct horse", ""])
    func moatKeysDecryptInTheReference(password: String) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let key = SigningKey.generate()
        let pem = try key.encryptedPEM(password: Data(password.utf8))
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
        try Scratch.write(pem, to: directory + "/moat.key")
        let decrypted = try await Reference.text(["decrypt-key", directory + "/moat.key"], environment: ["COSIGN_PASSWORD": password])
        let roundTripped = try SigningKey(pem: decrypted, password: noPassword)
        #expect(roundTripped.publicKey == key.publicKey)
        let wrong = try await Reference.run(["decrypt-key", directory + "/moat.key"], environment: ["COSIGN_PASSWORD": password + "x"])
        #expect(wrong.status == 2)
        #expect(wrong.standardError.contains("wrong password"))
    }

    @Test(arguments: ["correct horse", ""])
    func referenceKeysDecryptInMoat(password: String) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: password)
        #expect(pair.privatePEM.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"))
        var asked = 0
        let key = try SigningKey(pem: pair.privatePEM) {
            asked += 1
            return Data(password.utf8)
        }
        #expect(asked == 1)
        #expect(key.publicKey == (try VerificationKey(pem: pair.publicPEM)))
    }

    @Test func theLegacyCosignLabelIsAccepted() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: "pw", options: ["--legacy-type"])
        #expect(pair.privatePEM.hasPrefix("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----"))
        let key = try SigningKey(pem: pair.privatePEM) { Data("pw".utf8) }
        #expect(key.publicKey == (try VerificationKey(pem: pair.publicPEM)))
    }

    /// securesystemslib's legacy (N=32768) and OWASP (N=131072) parameter sets are read too.
    @Test(arguments: [32768, 131072])
    func otherAcceptedScryptCostsAreRead(n: Int) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: "pw", options: ["--scrypt-n", String(n)])
        let kdf = try Self.envelope(of: pair.privatePEM)["kdf"] as? [String: Any]
        #expect((kdf?["params"] as? [String: Int])?["N"] == n)
        let key = try SigningKey(pem: pair.privatePEM) { Data("pw".utf8) }
        #expect(key.publicKey == (try VerificationKey(pem: pair.publicPEM)))
    }

    /// Anything but N ∈ {32768, 65536, 131072}, r = 8, p = 1 is refused before a password is asked for.
    @Test(arguments: [["--scrypt-n", "16384"], ["--scrypt-r", "16"], ["--scrypt-p", "2"]])
    func otherScryptParametersAreRefused(options: [String]) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: "pw", options: options)
        let error = keyError { _ = try SigningKey(pem: pair.privatePEM, password: noPassword) }
        #expect(error?.code == .refusedParameters)
        let named = options[0] == "--scrypt-n" ? "N=\(options[1])" : options[0] == "--scrypt-r" ? "r=\(options[1])" : "p=\(options[1])"
        #expect(error?.message.contains(named) == true, "the message names the parameters: \(error?.message ?? "")")
        #expect(error?.message.contains("N=32768, 65536 or 131072") == true)
    }

    @Test func absurdScryptCostsAreRefusedWithoutDerivingAKey() throws {
        let pem = try Self.editedKey { envelope in
            var kdf = envelope["kdf"] as? [String: Any] ?? [:]
            kdf["params"] = ["N": 1 << 40, "r": 1 << 20, "p": 1 << 20]
            envelope["kdf"] = kdf
        }
        let started = ContinuousClock.now
        #expect(keyError { _ = try SigningKey(pem: pem, password: noPassword) }?.code == .refusedParameters)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func anUnknownKDFIsRefused() throws {
        let pem = try Self.editedKey { envelope in
            var kdf = envelope["kdf"] as? [String: Any] ?? [:]
            kdf["name"] = "argon2id"
            envelope["kdf"] = kdf
        }
        let error = keyError { _ = try SigningKey(pem: pem, password: noPassword) }
        #expect(error?.code == .refusedParameters)
        #expect(error?.message.contains("argon2id") == true)
    }

    @Test func anUnknownCipherIsRefused() throws {
        let pem = try Self.editedKey { envelope in
            var cipher = envelope["cipher"] as? [String: Any] ?? [:]
            cipher["name"] = "aes-256-gcm"
            envelope["cipher"] = cipher
        }
        let error = keyError { _ = try SigningKey(pem: pem, password: noPassword) }
        #expect(error?.code == .refusedParameters)
        #expect(error?.message.contains("aes-256-gcm") == true)
    }

    @Test func aWrongPasswordSaysSo() throws {
        let pem = try SigningKey.generate().encryptedPEM(password: Data("right".utf8))
        let error = keyError { _ = try SigningKey(pem: pem) { Data("wrong".utf8) } }
        #expect(error?.code == .wrongPassword)
        #expect(error?.message.contains("wrong password or corrupted key") == true)
        #expect(error?.message.contains("right") == false)
        let empty = keyError { _ = try SigningKey(pem: pem) { Data() } }
        #expect(empty?.code == .wrongPassword)
    }

    @Test func anEmptyPasswordWorks() throws {
        let key = SigningKey.generate()
        let pem = try key.encryptedPEM(password: Data())
        #expect(try SigningKey(pem: pem) { Data() }.publicKey == key.publicKey)
        #expect(keyError { _ = try SigningKey(pem: pem) { Data(" ".utf8) } }?.code == .wrongPassword)
    }

    @Test func aTruncatedOrAlteredCiphertextIsRejected() throws {
        func ciphertextEdited(_ edit: @escaping ([UInt8]) -> [UInt8]) throws -> String {
            try Self.editedKey { envelope in
                let ciphertext = [UInt8](Data(base64Encoded: envelope["ciphertext"] as? String ?? "") ?? Data())
                envelope["ciphertext"] = Data(edit(ciphertext)).base64EncodedString()
            }
        }
        let shortened = try ciphertextEdited { Array($0.dropLast()) }
        #expect(keyError { _ = try SigningKey(pem: shortened) { Data("pw".utf8) } }?.code == .wrongPassword)
        let flipped = try ciphertextEdited { bytes in
            var bytes = bytes
            bytes[bytes.count / 2] ^= 1
            return bytes
        }
        #expect(keyError { _ = try SigningKey(pem: flipped) { Data("pw".utf8) } }?.code == .wrongPassword)
        let stub = try ciphertextEdited { Array($0.prefix(10)) }
        let error = keyError { _ = try SigningKey(pem: stub, password: noPassword) }
        #expect(error?.code == .malformedKey)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func aDamagedEnvelopeIsMalformed() throws {
        let wrongNonce = try Self.editedKey { envelope in
            envelope["cipher"] = ["name": "nacl/secretbox", "nonce": Data(count: 12).base64EncodedString()]
        }
        #expect(keyError { _ = try SigningKey(pem: wrongNonce, password: noPassword) }?.code == .malformedKey)
        let badBase64 = try Self.editedKey { envelope in envelope["ciphertext"] = "not base64!" }
        #expect(keyError { _ = try SigningKey(pem: badBase64, password: noPassword) }?.code == .malformedKey)
        let missingField = try Self.editedKey { envelope in envelope["kdf"] = nil }
        #expect(keyError { _ = try SigningKey(pem: missingField, password: noPassword) }?.code == .malformedKey)
        let wrongType = try Self.editedKey { envelope in envelope["kdf"] = "scrypt" }
        #expect(keyError { _ = try SigningKey(pem: wrongType, password: noPassword) }?.code == .malformedKey)
        let notJSON = PEMDocument.encode(type: "ENCRYPTED SIGSTORE PRIVATE KEY", der: Data([0x30, 0x03, 0x02, 0x01, 0x00]))
        #expect(keyError { _ = try SigningKey(pem: notJSON, password: noPassword) }?.code == .malformedKey)
    }

    /// What is inside the box must be a P-256 PKCS#8 key.
    @Test func anEncryptedKeyOnAnotherCurveIsUnsupported() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: "pw", options: ["--curve", "p384", "--encrypted"])
        let error = keyError { _ = try SigningKey(pem: pair.privatePEM) { Data("pw".utf8) } }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("moat signs with ECDSA P-256 keys") == true)
        #expect(error?.message.contains("P-384") == true)
    }

    @Test func theEnvelopeIsWrittenAsCosignWritesIt() throws {
        let key = SigningKey.generate()
        let first = try key.encryptedPEM(password: Data("pw".utf8))
        let second = try key.encryptedPEM(password: Data("pw".utf8))
        #expect(first != second, "each encryption uses a fresh salt and nonce")
        let block = try #require(try PEMDocument.decode(first).first)
        #expect(block.type == "ENCRYPTED SIGSTORE PRIVATE KEY")
        let json = String(decoding: block.der, as: UTF8.self)
        #expect(json.hasPrefix(#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":""#))
        #expect(json.contains(#""},"cipher":{"name":"nacl/secretbox","nonce":""#))
        let envelope = try EncryptedKeyEnvelope(json: block.der)
        #expect(envelope.salt.count == 32)
        #expect(envelope.nonce.count == 24)
        #expect(envelope.ciphertext.count == key.pkcs8DER.count + 16)
        #expect(envelope.json == block.der, "re-encoding the parsed envelope gives the same bytes")
        for line in first.split(separator: "\n") {
            #expect(line.count <= 64)
        }
    }
}
