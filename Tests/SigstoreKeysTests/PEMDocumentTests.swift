import Foundation
import Testing
@testable import SigstoreKeys

/// PEM decoding and encoding, including hostile text.
@Suite struct PEMDocumentTests {
    @Test func encodesAsGoDoes() {
        #expect(PEMDocument.encode(type: "X", der: Data()) == "-----BEGIN X-----\n-----END X-----\n")
        let one = PEMDocument.encode(type: "PUBLIC KEY", der: Data(repeating: 0, count: 48))
        #expect(one == "-----BEGIN PUBLIC KEY-----\n" + String(repeating: "A", count: 64) + "\n-----END PUBLIC KEY-----\n")
        let two = PEMDocument.encode(type: "PUBLIC KEY", der: Data(repeating: 0, count: 49))
        #expect(two == "-----BEGIN PUBLIC KEY-----\n" + String(repeating: "A", count: 64) + "\nAA==\n-----END PUBLIC KEY-----\n")
    }

    @Test func roundTripsAnyLength() throws {
        var generator = SeededGenerator(seed: 5)
        for length in [0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 1000] {
            let der = Data.random(length, using: &generator)
            let blocks = try PEMDocument.decode(PEMDocument.encode(type: "SOME DATA", der: der))
            #expect(blocks == [PEMDocument.Block(type: "SOME DATA", der: der)])
        }
    }

    @Test func decodesSeveralBlocksAmongOtherText() throws {
        let text = """
        Certificate bundle, exported by hand
        \(PEMDocument.encode(type: "CERTIFICATE", der: Data([1, 2, 3])))
        junk between blocks: -----END NOTHING-----
          -----BEGIN EC PRIVATE KEY-----
          Proc-Type: 4,ENCRYPTED
          DEK-Info: AES-128-CBC,00FF

          BAUG
          -----END EC PRIVATE KEY-----
        \(PEMDocument.encode(type: "PUBLIC KEY", der: Data([9])).replacingOccurrences(of: "\n", with: "\r\n"))
        trailing text
        """
        let blocks = try PEMDocument.decode(text)
        #expect(blocks.map(\.type) == ["CERTIFICATE", "EC PRIVATE KEY", "PUBLIC KEY"])
        #expect(blocks[0].der == Data([1, 2, 3]))
        #expect(blocks[1].headers == ["Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00FF"])
        #expect(blocks[1].der == Data([4, 5, 6]))
        #expect(blocks[2].der == Data([9]))
        #expect(try PEMDocument.decode("no pem here\n").isEmpty)
        #expect(try PEMDocument.decode("").isEmpty)
    }

    @Test func brokenBlocksAreErrors() {
        let cases: [(String, String)] = [
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n", "no END line"),
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "ends with"),
            ("-----BEGIN PUBLIC KEY-----\nAA*A\n-----END PUBLIC KEY-----\n", "not valid base64"),
            ("-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n", "not valid base64"),
            ("-----BEGIN A-----\nAAAA\n-----BEGIN B-----\nAAAA\n-----END B-----\n", "new BEGIN"),
            ("-----BEGIN -----\nAAAA\n-----END -----\n", "without a type"),
        ]
        for (text, expected) in cases {
            let error = keyError { _ = try PEMDocument.decode(text) }
            #expect(error?.code == .malformedPEM)
            #expect(error?.message.contains(expected) == true, "\(expected) in: \(error?.message ?? "")")
        }
    }

    /// Huge input fails fast on its size, before any base64 is decoded.
    @Test func hugeInputIsRefused() {
        let huge = "-----BEGIN PUBLIC KEY-----\n" + String(repeating: String(repeating: "A", count: 64) + "\n", count: 20_000) + "-----END PUBLIC KEY-----\n"
        let started = ContinuousClock.now
        let error = keyError { _ = try VerificationKey(pem: huge) }
        #expect(error?.code == .malformedPEM)
        #expect(error?.message.contains("more than") == true)
        #expect(keyError { _ = try SigningKey(pem: huge, password: noPassword) }?.code == .malformedPEM)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func tooManyBlocksAreRefused() {
        let text = String(repeating: PEMDocument.encode(type: "CERTIFICATE", der: Data([0])), count: PEMDocument.maxBlocks + 1)
        let error = keyError { _ = try PEMDocument.decode(text) }
        #expect(error?.code == .malformedPEM)
        #expect(error?.message.contains("blocks") == true)
        let justEnough = String(repeating: PEMDocument.encode(type: "CERTIFICATE", der: Data([0])), count: PEMDocument.maxBlocks)
        #expect((try? PEMDocument.decode(justEnough))?.count == PEMDocument.maxBlocks)
    }

    /// Random text and random mutations of a real key file never crash the readers.
    @Test func randomMutationsOfKeyFilesAreHandled() throws {
        let key = SigningKey.generate()
        let files = [key.publicKey.pem, key.pkcs8PEM, try key.encryptedPEM(password: Data())]
        var generator = SeededGenerator(seed: 11)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n :".utf8)
        for (index, file) in files.enumerated() {
            // Mutated encrypted keys that still parse cost an scrypt derivation each, so fewer of those.
            for _ in 0..<(index == 2 ? 8 : 60) {
                var bytes = Array(file.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[position] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
                }
                let text = String(decoding: bytes, as: UTF8.self)
                // Either outcome is fine; what matters is an answer (an error or a key), never a crash. Passwords are
                // wrong on purpose so a mutated encrypted key that still parses fails quickly at the tag.
                _ = try? VerificationKey(pem: text)
                _ = try? SigningKey(pem: text) { Data("x".utf8) }
                _ = try? PEMDocument.decode(text)
            }
        }
        // The unmutated files still read, so the loop above exercised real parsers.
        #expect(try VerificationKey(pem: files[0]) == key.publicKey)
        #expect(try SigningKey(pem: files[1], password: noPassword).publicKey == key.publicKey)
    }
}
