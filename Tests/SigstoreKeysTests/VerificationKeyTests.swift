import Foundation
import Testing
@testable import SigstoreKeys

/// Public keys: PEM and DER forms, canonical encoding, and the keys that are refused.
@Suite struct VerificationKeyTests {
    /// DER TLV with a definite length (short or long form).
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var bytes: [UInt8] = []
            var remaining = content.count
            while remaining > 0 {
                bytes.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }

    static let ecPublicKeyOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]

    /// A SubjectPublicKeyInfo with `algorithm` (encoded AlgorithmIdentifier contents) and `key` bits.
    static func spki(algorithm: [UInt8], key: [UInt8]) -> Data {
        Data(tlv(0x30, tlv(0x30, algorithm) + tlv(0x03, [0] + key)))
    }

    @Test func pemIsCanonicalAndRoundTrips() throws {
        let key = SigningKey.generate().publicKey
        let pem = key.pem
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        for line in pem.split(separator: "\n") {
            #expect(line.count <= 64)
        }
        let again = try VerificationKey(pem: pem)
        #expect(again == key)
        #expect(Set([again, key]).count == 1)
        #expect(try VerificationKey(subjectPublicKeyInfoDER: key.subjectPublicKeyInfoDER) == key)
        #expect(key.subjectPublicKeyInfoDER.count == 91, "P-256 SPKI with an uncompressed point")
        #expect(key.hint.count == 44)
        #expect(key.hint == again.hint)
        #expect(key != SigningKey.generate().publicKey)
    }

    /// A compressed point is read and re-encoded uncompressed, as Go marshals it, so the hint matches cosign's.
    @Test func compressedPointsAreCanonicalised() throws {
        let key = SigningKey.generate().publicKey
        let der = [UInt8](key.subjectPublicKeyInfoDER)
        let point = Array(der.suffix(65))
        let x = Array(point[1..<33])
        let prefix: UInt8 = point[64] & 1 == 0 ? 0x02 : 0x03
        let p256: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let compressed = Self.spki(algorithm: Self.ecPublicKeyOID + p256, key: [prefix] + x)
        let parsed = try VerificationKey(subjectPublicKeyInfoDER: compressed)
        #expect(parsed == key)
        #expect(parsed.hint == key.hint)
    }

    @Test func pkcs1RSAPublicKeysAreReadAsCosignDoes() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: nil, options: ["--rsa"])
        let key = try VerificationKey(pem: pair.publicPEM)
        let parts = try SubjectPublicKeyInfoParts(derEncoded: [UInt8](key.subjectPublicKeyInfoDER))
        let pkcs1 = PEMDocument.encode(type: "RSA PUBLIC KEY", der: Data(parts.key))
        let fromPKCS1 = try VerificationKey(pem: pkcs1)
        #expect(fromPKCS1 == key)
        #expect(fromPKCS1.algorithm == .rsa(bits: 2048))
    }

    @Test func weakRSAKeysAreUnsupported() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: nil, options: ["--rsa", "--rsa-bits", "1024"])
        let error = keyError { _ = try VerificationKey(pem: pair.publicPEM) }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("RSA 1024") == true)
    }

    @Test func unsupportedAlgorithmsAndCurvesAreNamed() {
        let ed448 = Self.spki(algorithm: [0x06, 0x03, 0x2B, 0x65, 0x71], key: [UInt8](repeating: 7, count: 57))
        let ed448Error = keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: ed448) }
        #expect(ed448Error?.code == .unsupportedKey)
        #expect(ed448Error?.message.contains("Ed448") == true)
        let secp256k1: [UInt8] = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A]
        let k1 = Self.spki(algorithm: Self.ecPublicKeyOID + secp256k1, key: [0x04] + [UInt8](repeating: 1, count: 64))
        let k1Error = keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: k1) }
        #expect(k1Error?.code == .unsupportedKey)
        #expect(k1Error?.message.contains("secp256k1") == true)
        let explicit = Self.spki(algorithm: Self.ecPublicKeyOID + Self.tlv(0x30, [0x02, 0x01, 0x01]), key: [0x04] + [UInt8](repeating: 1, count: 64))
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: explicit) }?.code == .unsupportedKey)
        let dsa = Self.spki(algorithm: [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01], key: [0x02, 0x01, 0x05])
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: dsa) }?.message.contains("DSA") == true)
    }

    @Test func damagedKeysAreMalformed() throws {
        let p256: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let offCurve = Self.spki(algorithm: Self.ecPublicKeyOID + p256, key: [0x04] + [UInt8](repeating: 1, count: 64))
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: offCurve) }?.code == .malformedKey)
        let notAPoint = Self.spki(algorithm: Self.ecPublicKeyOID + p256, key: [0x05, 1, 2])
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: notAPoint) }?.code == .malformedKey)
        let shortEd25519 = Self.spki(algorithm: [0x06, 0x03, 0x2B, 0x65, 0x70], key: [UInt8](repeating: 9, count: 31))
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: shortEd25519) }?.code == .malformedKey)
        let der = [UInt8](SigningKey.generate().publicKey.subjectPublicKeyInfoDER)
        for length in 0..<der.count {
            #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: Data(der.prefix(length))) }?.code == .malformedKey, "prefix of \(length)")
        }
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: Data(der + [0])) }?.code == .malformedKey, "trailing byte")
    }

    @Test func randomAndDeeplyNestedDERIsAnError() {
        var generator = SeededGenerator(seed: 99)
        for length in [0, 1, 2, 3, 10, 91, 300, 4096] {
            for _ in 0..<20 {
                let bytes = Data.random(length, using: &generator)
                #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: bytes) } != nil)
            }
        }
        var nested: [UInt8] = [0x05, 0x00]
        for _ in 0..<2000 {
            nested = Self.tlv(0x30, nested)
        }
        #expect(keyError { _ = try VerificationKey(subjectPublicKeyInfoDER: Data(nested)) }?.code == .malformedKey)
        #expect(keyError { _ = try VerificationKey(pem: PEMDocument.encode(type: "PUBLIC KEY", der: Data(nested))) }?.code == .malformedKey)
    }

    @Test func otherBlocksAreExplained() throws {
        let certificate = PEMDocument.encode(type: "CERTIFICATE", der: Data([0x30, 0x00]))
        let error = keyError { _ = try VerificationKey(pem: certificate) }
        #expect(error?.code == .malformedPEM)
        #expect(error?.message.contains("CERTIFICATE") == true)
        let privateKey = keyError { _ = try VerificationKey(pem: SigningKey.generate().pkcs8PEM) }
        #expect(privateKey?.code == .malformedPEM)
        #expect(privateKey?.message.contains("private key") == true)
        #expect(keyError { _ = try VerificationKey(pem: "") }?.code == .malformedPEM)
        #expect(keyError { _ = try VerificationKey(pem: "not a key at all") }?.code == .malformedPEM)
    }

    /// The first PUBLIC KEY block is used, whatever comes before it.
    @Test func theFirstPublicKeyBlockIsUsed() throws {
        let first = SigningKey.generate().publicKey
        let second = SigningKey.generate().publicKey
        let text = PEMDocument.encode(type: "CERTIFICATE", der: Data([0x30, 0x00])) + first.pem + second.pem
        #expect(try VerificationKey(pem: text) == first)
    }
}
