public import Foundation
import Crypto

/// A content address such as `sha256:9f86d0…`: the algorithm and the lowercase hex of the hash.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let algorithm: String
    public let hex: String

    /// Parses `algorithm:hex`; only sha256 and sha512 are accepted, with hex of the right length.
    public init(parsing text: String) throws(OCIModelError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw OCIModelError.invalidDigest(text, reason: "expected ALGORITHM:HEX")
        }
        let algorithm = String(text[..<colon])
        let hex = String(text[text.index(after: colon)...])
        let expectedLength: Int
        switch algorithm {
        case "sha256": expectedLength = 64
        case "sha512": expectedLength = 128
        default: throw OCIModelError.invalidDigest(text, reason: "unsupported algorithm \(algorithm)")
        }
        guard hex.utf8.count == expectedLength,
              hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw OCIModelError.invalidDigest(text, reason: "expected \(expectedLength) lowercase hex digits")
        }
        self.algorithm = algorithm
        self.hex = hex
    }

    public init(sha256Hex hex: String) {
        self.algorithm = "sha256"
        self.hex = hex
    }

    /// The sha256 digest of `data`.
    public static func sha256<D: DataProtocol>(of data: D) -> Digest {
        Digest(sha256Hex: SHA256.hash(data: data).hexString)
    }

    public var description: String { "\(algorithm):\(hex)" }
    /// The first 12 hex digits, as `docker images` shows them.
    public var short: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex of the bytes.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Computes a sha256 `Digest` over bytes fed in pieces (streams too large to hold).
public struct DigestHasher: Sendable {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    public func finalize() -> Digest {
        Digest(sha256Hex: hasher.finalize().hexString)
    }
}
