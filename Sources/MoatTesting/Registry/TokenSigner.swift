import Crypto
import Foundation

/// One grant in a registry token: `{"type":"repository","name":"library/alpine","actions":["pull"]}`.
public struct TokenAccess: Codable, Sendable, Hashable {
    public let type: String
    public let name: String
    public let actions: [String]

    public init(type: String = "repository", name: String, actions: [String]) {
        self.type = type
        self.name = name
        self.actions = actions
    }
}

/// The claims distribution 2.8 reads (`registry/auth/token/token.go`, `ClaimSet`).
///
/// 2.8 checks `iss` against `auth.token.issuer`, `aud` (a single string in 2.8) against
/// `auth.token.service`, and `nbf <= now <= exp` in whole seconds with no leeway.
struct TokenClaims: Encodable {
    let iss: String
    let sub: String
    let aud: String
    let exp: Int
    let nbf: Int
    let iat: Int
    let jti: String
    let access: [TokenAccess]
}

/// Signs registry tokens as ES256 JWTs the way distribution 2.8 verifies them.
///
/// 2.8's `Token.VerifySigningKey` finds the key from the JWT header in this order: `x5c` (a
/// certificate chain that must verify against `rootcertbundle`), `jwk`, then `kid`, which it looks
/// up among the keys of the `rootcertbundle` certificates by their libtrust key ID. Both `x5c` and
/// `kid` are implemented; the harness tests prove each against the real registry. The signature is
/// the JWS form (r‖s, 64 bytes), which libtrust's `ecPublicKey.Verify` requires.
struct TokenSigner: Sendable {
    enum KeyReference: Sendable {
        /// Standard-base64 DER certificates, leaf first.
        case certificateChain([String])
        /// The libtrust key ID of the signing key.
        case keyID(String)
    }

    let privateKey: P256.Signing.PrivateKey
    let keyReference: KeyReference

    func sign(_ claims: TokenClaims) throws -> String {
        var header: [String: JSONValue] = ["typ": .string("JWT"), "alg": .string("ES256")]
        switch keyReference {
        case .certificateChain(let chain): header["x5c"] = .array(chain.map(JSONValue.string))
        case .keyID(let keyID): header["kid"] = .string(keyID)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = try Self.base64URL(encoder.encode(header)) + "." + Self.base64URL(encoder.encode(claims))
        let signature = try privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    /// The libtrust key ID: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32 without
    /// padding, in twelve colon-separated groups of four (`ABCD:EFGH:…`).
    static func libtrustKeyID(_ publicKey: P256.Signing.PublicKey) -> String {
        let digest = Array(SHA256.hash(data: publicKey.derRepresentation)).prefix(30)
        let encoded = base32(Array(digest))
        var groups: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 4, limitedBy: encoded.endIndex) ?? encoded.endIndex
            groups.append(encoded[index..<end])
            index = end
        }
        return groups.joined(separator: ":")
    }

    /// RFC 4648 base32 without padding (30 bytes encode to exactly 48 characters).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return output
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Just enough JSON to write a JWT header with either `x5c` or `kid`.
enum JSONValue: Encodable {
    case string(String)
    case array([JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        }
    }
}
