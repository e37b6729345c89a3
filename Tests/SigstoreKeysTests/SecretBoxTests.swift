import Foundation
import MoatTesting
import Testing
@testable import SigstoreKeys

/// NaCl secretbox (XSalsa20-Poly1305): published vectors, tampering, and agreement with pynacl.
@Suite struct SecretBoxTests {
    /// NaCl's tests/secretbox.c: `firstkey`, `nonce`, the 131-byte `m` and the resulting box (tag, then ciphertext).
    enum NaClVector {
        static let key = Data(hex: "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
        static let nonce = Data(hex: "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37")
        static let message = Data(hex:
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
                + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705")
        static let box = Data(hex:
            "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
                + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
                + "7973f622a43d14a6599b1f654cb45a74e355a5")
    }

    @Test func sealsNaClsPublishedVector() throws {
        let key = try #require(NaClVector.key)
        let nonce = try #require(NaClVector.nonce)
        let message = try #require(NaClVector.message)
        let expected = try #require(NaClVector.box)
        #expect(message.count == 131)
        #expect(expected.count == 147)
        let box = try SecretBox.seal(message, nonce: nonce, key: key)
        #expect(box.hex == expected.hex)
        #expect(try SecretBox.open(expected, nonce: nonce, key: key) == message)
    }

    /// RFC 8439 §2.5.2.
    @Test func poly1305MatchesRFC8439() throws {
        let key = try #require(Data(hex: "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"))
        let tag = Poly1305.tag(Array("Cryptographic Forum Research Group".utf8), key: Array(key))
        #expect(Data(tag).hex == "a8061dc1305136c6c22b8baf0c0127a9")
    }

    /// Poly1305 edge cases from RFC 8439 appendix A.3: h wraps past 2^130 - 5 and the final reduction must be taken.
    @Test func poly1305ReducesModuloThePrime() throws {
        // Test vector #6: r = 2, s = 0, message = ff…ff (16 bytes) → tag 03 00…00.
        let key6 = try #require(Data(hex: "02000000000000000000000000000000" + "00000000000000000000000000000000"))
        let message6 = [UInt8](repeating: 0xFF, count: 16)
        #expect(Data(Poly1305.tag(message6, key: Array(key6))).hex == "03000000000000000000000000000000")
        // Test vector #7: r = 1, s = 0, message = ff…ff f0…ff 11 00…00 (48 bytes) → tag 05 00…00.
        let key7 = try #require(Data(hex: "01000000000000000000000000000000" + "00000000000000000000000000000000"))
        let message7 = try #require(Data(hex:
            "ffffffffffffffffffffffffffffffff" + "f0ffffffffffffffffffffffffffffff" + "11000000000000000000000000000000"))
        #expect(Data(Poly1305.tag(Array(message7), key: Array(key7))).hex == "05000000000000000000000000000000")
    }

    @Test func anyAlteredByteIsRejected() throws {
        let key = try #require(NaClVector.key)
        let nonce = try #require(NaClVector.nonce)
        let box = try #require(NaClVector.box)
        for position in [0, 7, 15, 16, 17, 80, box.count - 1] {
            var altered = box
            altered[altered.startIndex + position] ^= 0x01
            let error = keyError { _ = try SecretBox.open(altered, nonce: nonce, key: key) }
            #expect(error?.code == .authenticationFailed, "flipping byte \(position) must fail authentication")
        }
        var otherNonce = nonce
        otherNonce[otherNonce.startIndex] ^= 0x80
        #expect(keyError { _ = try SecretBox.open(box, nonce: otherNonce, key: key) }?.code == .authenticationFailed)
        #expect(keyError { _ = try SecretBox.open(box.prefix(147 - 1), nonce: nonce, key: key) }?.code == .authenticationFailed)
        #expect(keyError { _ = try SecretBox.open(box.prefix(15), nonce: nonce, key: key) }?.code == .authenticationFailed)
        #expect(keyError { _ = try SecretBox.open(Data(), nonce: nonce, key: key) }?.code == .authenticationFailed)
    }

    @Test func wrongSizedKeysAndNoncesAreInvalidArguments() {
        let message = Data("x".utf8)
        let shortKey = keyError { _ = try SecretBox.seal(message, nonce: Data(count: 24), key: Data(count: 31)) }
        #expect(shortKey?.code == .invalidArgument)
        #expect(shortKey?.message.contains("32") == true)
        #expect(keyError { _ = try SecretBox.seal(message, nonce: Data(count: 12), key: Data(count: 32)) }?.code == .invalidArgument)
        #expect(keyError { _ = try SecretBox.open(Data(count: 40), nonce: Data(count: 24), key: Data(count: 33)) }?.code == .invalidArgument)
    }

    @Test func openInvertsSealAcrossBlockBoundaries() throws {
        var generator = SeededGenerator(seed: 1)
        for length in [0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 1000] {
            let key = Data.random(32, using: &generator)
            let nonce = Data.random(24, using: &generator)
            let message = Data.random(length, using: &generator)
            let box = try SecretBox.seal(message, nonce: nonce, key: key)
            #expect(box.count == length + 16)
            #expect(try SecretBox.open(box, nonce: nonce, key: key) == message)
        }
    }

    /// The same boxes as pynacl (libsodium) for random keys, nonces and lengths, and each opens the other's.
    @Test(arguments: [0, 1, 31, 32, 33, 63, 64, 65, 1000])
    func agreesWithPyNaCl(length: Int) async throws {
        var generator = SeededGenerator(seed: UInt64(1000 + length))
        let key = Data.random(32, using: &generator)
        let nonce = Data.random(24, using: &generator)
        let message = Data.random(length, using: &generator)
        let expected = try await Reference.text(["secretbox-seal", "--key", key.hex, "--nonce", nonce.hex, "--message", message.hex])
        let box = try SecretBox.seal(message, nonce: nonce, key: key)
        #expect(box.hex == expected)
        let fromPython = try #require(Data(hex: expected))
        #expect(try SecretBox.open(fromPython, nonce: nonce, key: key) == message)
        let opened = try await Reference.text(["secretbox-open", "--key", key.hex, "--nonce", nonce.hex, "--box", box.hex])
        #expect(opened == message.hex)
    }

    @Test func pyNaClRejectsABoxMoatAltered() async throws {
        var generator = SeededGenerator(seed: 7)
        let key = Data.random(32, using: &generator)
        let nonce = Data.random(24, using: &generator)
        var box = try SecretBox.seal(Data("cosign".utf8), nonce: nonce, key: key)
        box[box.startIndex + 20] ^= 0x40
        let result = try await Reference.run(["secretbox-open", "--key", key.hex, "--nonce", nonce.hex, "--box", box.hex])
        #expect(result.status == 1)
    }
}
