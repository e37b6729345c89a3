import Foundation
import Testing
@testable import SigstoreKeys

/// Unencrypted private keys (PKCS#8 and SEC 1), and keys moat does not sign with.
@Suite struct PlainKeyTests {
    @Test func readsPKCS8AndSEC1KeysFromTheReference() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        for (option, type) in [("--unencrypted", "PRIVATE KEY"), ("--sec1", "EC PRIVATE KEY")] {
            let pair = try await Reference.keyPair(in: directory, name: String(option.dropFirst(2)), password: nil, options: [option])
            #expect(pair.privatePEM.hasPrefix("-----BEGIN \(type)-----"))
            let key = try SigningKey(pem: pair.privatePEM, password: noPassword)
            #expect(key.publicKey == (try VerificationKey(pem: pair.publicPEM)), "\(type)")
        }
    }

    @Test func readsItsOwnPKCS8Output() throws {
        let key = SigningKey.generate()
        #expect(key.pkcs8PEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let again = try SigningKey(pem: key.pkcs8PEM, password: noPassword)
        #expect(again.publicKey == key.publicKey)
        #expect(again.pkcs8DER == key.pkcs8DER)
    }

    /// Text around the block (comments, a public key first) is ignored; the private key block is found.
    @Test func findsThePrivateKeyAmongOtherBlocks() throws {
        let key = SigningKey.generate()
        let text = "# my key\n" + key.publicKey.pem + "\r\n" + key.pkcs8PEM.replacingOccurrences(of: "\n", with: "\r\n") + "trailing words\n"
        #expect(try SigningKey(pem: text, password: noPassword).publicKey == key.publicKey)
    }

    @Test(arguments: [
        (["--curve", "p384"], "ECDSA P-384"),
        (["--curve", "p521"], "ECDSA P-521"),
        (["--ed25519"], "Ed25519"),
        (["--rsa"], "RSA"),
        (["--curve", "p384", "--sec1"], "ECDSA P-384"),
    ])
    func otherAlgorithmsAreUnsupportedForSigning(options: [String], name: String) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: nil, options: options)
        let error = keyError { _ = try SigningKey(pem: pair.privatePEM, password: noPassword) }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("unsupported key: moat signs with ECDSA P-256 keys") == true)
        #expect(error?.message.contains(name) == true, "names the key: \(error?.message ?? "")")
    }

    @Test func otherPrivateKeyFormatsAreExplained() throws {
        let rsa = PEMDocument.encode(type: "RSA PRIVATE KEY", der: Data([0x30, 0x00]))
        #expect(keyError { _ = try SigningKey(pem: rsa, password: noPassword) }?.code == .unsupportedKey)
        let pkcs8Encrypted = PEMDocument.encode(type: "ENCRYPTED PRIVATE KEY", der: Data([0x30, 0x00]))
        let error = keyError { _ = try SigningKey(pem: pkcs8Encrypted, password: noPassword) }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("import-key-pair") == true)
        let legacy = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\nMAA=\n-----END EC PRIVATE KEY-----\n"
        let legacyError = keyError { _ = try SigningKey(pem: legacy, password: noPassword) }
        #expect(legacyError?.code == .unsupportedKey)
        #expect(legacyError?.message.contains("legacy PEM encryption") == true)
    }

    @Test func aPublicKeyIsNotAPrivateKey() throws {
        let error = keyError { _ = try SigningKey(pem: SigningKey.generate().publicKey.pem, password: noPassword) }
        #expect(error?.code == .malformedPEM)
        #expect(error?.message.contains("public key") == true)
        #expect(keyError { _ = try SigningKey(pem: "", password: noPassword) }?.code == .malformedPEM)
        #expect(keyError { _ = try SigningKey(pem: "just some text", password: noPassword) }?.code == .malformedPEM)
    }

    /// Every prefix of a valid key, and random bytes, give an error and never a crash.
    @Test func truncatedAndRandomPrivateKeysAreErrors() throws {
        let der = SigningKey.generate().pkcs8DER
        for length in 0..<der.count {
            let pem = PEMDocument.encode(type: "PRIVATE KEY", der: der.prefix(length))
            #expect(keyError { _ = try SigningKey(pem: pem, password: noPassword) }?.code == .malformedKey, "prefix of \(length) bytes")
        }
        var generator = SeededGenerator(seed: 42)
        for length in [1, 2, 16, 67, 138, 500] {
            for type in ["PRIVATE KEY", "EC PRIVATE KEY"] {
                let pem = PEMDocument.encode(type: type, der: Data.random(length, using: &generator))
                #expect(keyError { _ = try SigningKey(pem: pem, password: noPassword) } != nil)
            }
        }
    }

    /// A SEC 1 key must name its curve; a zero scalar is not a key.
    @Test func sec1KeysWithoutACurveOrWithAZeroScalarAreRefused() throws {
        // SEQUENCE { INTEGER 1, OCTET STRING (32 × 0x01) } — no [0] curve.
        let noCurve = Data([0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20] + [UInt8](repeating: 1, count: 32))
        let error = keyError { _ = try SigningKey(pem: PEMDocument.encode(type: "EC PRIVATE KEY", der: noCurve), password: noPassword) }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("named curve") == true)
        // SEQUENCE { INTEGER 1, OCTET STRING (32 × 0x00), [0] { OID P-256 } }.
        let p256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07] as [UInt8]
        let zero = Data([0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20] + [UInt8](repeating: 0, count: 32) + [0xA0, 0x0A] + p256)
        #expect(keyError { _ = try SigningKey(pem: PEMDocument.encode(type: "EC PRIVATE KEY", der: zero), password: noPassword) }?.code == .malformedKey)
        let one = Data([0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20] + [UInt8](repeating: 0, count: 31) + [1] + [0xA0, 0x0A] + p256)
        #expect(try SigningKey(pem: PEMDocument.encode(type: "EC PRIVATE KEY", der: one), password: noPassword).publicKey.algorithm == .ecdsaP256)
    }
}
