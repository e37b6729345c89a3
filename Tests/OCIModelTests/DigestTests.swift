import Testing
import Foundation
import OCIModel

@Suite("Digest")
struct DigestTests {
    static let sha256Hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let sha512Hex = String(repeating: "0123456789abcdef", count: 8)

    func parseError(_ text: String) -> OCIModelError? {
        do {
            _ = try Digest(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("valid sha256 and sha512 digests parse")
    func valid() throws {
        let sha256 = try Digest(parsing: "sha256:" + Self.sha256Hex)
        #expect(sha256.algorithm == "sha256")
        #expect(sha256.hex == Self.sha256Hex)
        #expect(sha256.description == "sha256:" + Self.sha256Hex)
        #expect(sha256.short == "ba7816bf8f01")
        let sha512 = try Digest(parsing: "sha512:" + Self.sha512Hex)
        #expect(sha512.algorithm == "sha512")
        #expect(sha512.hex.count == 128)
    }

    @Test("the wrong number of hex digits is refused", arguments: [
        ("sha256:" + String(repeating: "a", count: 63), 64),
        ("sha256:" + String(repeating: "a", count: 65), 64),
        ("sha256:", 64),
        ("sha256:" + String(repeating: "a", count: 128), 64),
        ("sha512:" + String(repeating: "a", count: 64), 128),
    ])
    func wrongLength(_ text: String, _ expectedLength: Int) throws {
        let error = try #require(parseError(text))
        #expect(error == .invalidDigest(text, reason: "expected \(expectedLength) lowercase hex digits"))
        #expect(error.description.contains("expected \(expectedLength) lowercase hex digits"))
        #expect(error.description.hasPrefix("invalid digest \""))
    }

    @Test("uppercase or non-hex digits are refused", arguments: [
        "sha256:" + DigestTests.sha256Hex.uppercased(),
        "sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256:ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256: a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\u{e9}",
    ])
    func badDigits(_ text: String) {
        #expect(parseError(text)?.description.contains("lowercase hex digits") == true)
    }

    @Test("unknown algorithms are named in the error", arguments: ["md5", "sha1", "SHA256", "sha384", "blake3", ""])
    func unknownAlgorithm(_ algorithm: String) {
        let text = algorithm + ":" + DigestTests.sha256Hex
        let error = parseError(text)
        #expect(error == .invalidDigest(text, reason: "unsupported algorithm \(algorithm)"))
        #expect(error?.description.contains("unsupported algorithm \(algorithm)") == true)
    }

    @Test("text without a colon is refused", arguments: ["", DigestTests.sha256Hex, "sha256", "latest"])
    func noColon(_ text: String) {
        let error = parseError(text)
        #expect(error == .invalidDigest(text, reason: "expected ALGORITHM:HEX"))
        #expect(error?.description == "invalid digest \"\(text)\": expected ALGORITHM:HEX")
    }

    @Test("long garbage is shortened in the message")
    func longTextTruncated() {
        let text = String(repeating: "x", count: 5_000)
        let description = parseError(text)?.description ?? ""
        #expect(description.count < 200)
        #expect(description.contains(String(repeating: "x", count: 100)))
    }

    @Test("sha256(of:) hashes")
    func hashing() {
        #expect(Digest.sha256(of: Array("abc".utf8)) == Digest(sha256Hex: Self.sha256Hex))
        #expect(Digest.sha256(of: Data()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect([UInt8]([0x00, 0x0f, 0xa5, 0xff]).hexString == "000fa5ff")
    }

    @Test("digests round-trip through JSON as strings")
    func codable() throws {
        let digest = try Digest(parsing: "sha256:" + Self.sha256Hex)
        let data = try JSONEncoder().encode([digest])
        #expect(String(decoding: data, as: UTF8.self) == "[\"sha256:\(Self.sha256Hex)\"]")
        #expect(try JSONDecoder().decode([Digest].self, from: data) == [digest])
        #expect(throws: OCIModelError.self) { try JSONDecoder().decode([Digest].self, from: Data("[\"sha256:abc\"]".utf8)) }
    }

    @Test("digests order by their text")
    func ordering() throws {
        let a = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
        let b = try Digest(parsing: "sha256:" + String(repeating: "b", count: 64))
        let c = try Digest(parsing: "sha512:" + String(repeating: "0", count: 128))
        #expect([c, b, a].sorted() == [a, b, c])
        #expect(Set([a, a, b]).count == 2)
    }
}
