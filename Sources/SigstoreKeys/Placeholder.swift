// TEMPORARY stand-in until the SigstoreKeys implementation lands.
import Crypto
import Foundation

public struct KeyError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

public struct SigningKey: Sendable {
    let key: P256.Signing.PrivateKey
    public static func generate() -> SigningKey { SigningKey(key: P256.Signing.PrivateKey()) }
    public init(pem: String, password: () throws -> Data) throws { key = try P256.Signing.PrivateKey(pemRepresentation: pem) }
    init(key: P256.Signing.PrivateKey) { self.key = key }
    public func encryptedPEM(password: Data) throws -> String { key.pemRepresentation }
    public var publicKey: VerificationKey { VerificationKey(key: key.publicKey) }
    public func signature(for message: Data) throws -> Data { try key.signature(for: message).derRepresentation }
}

public struct VerificationKey: Sendable, Hashable {
    let der: Data
    init(key: P256.Signing.PublicKey) { der = key.derRepresentation }
    public init(pem: String) throws { der = try P256.Signing.PublicKey(pemRepresentation: pem).derRepresentation }
    public init(subjectPublicKeyInfoDER: Data) throws { der = try P256.Signing.PublicKey(derRepresentation: subjectPublicKeyInfoDER).derRepresentation }
    public var pem: String { (try? P256.Signing.PublicKey(derRepresentation: der).pemRepresentation) ?? "" }
    public var subjectPublicKeyInfoDER: Data { der }
    public var hint: String { Data(SHA256.hash(data: der)).base64EncodedString() }
    public var algorithmDescription: String { "ECDSA P-256" }
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        guard let key = try? P256.Signing.PublicKey(derRepresentation: der),
              let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
        return key.isValidSignature(sig, for: message)
    }
}

public enum KeyPassword {
    public static func read(confirm: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Data {
        Data((environment["MOAT_PASSWORD"] ?? environment["COSIGN_PASSWORD"] ?? "").utf8)
    }
}

public enum KeyPairFiles {
    public static func write(privatePEM: String, publicPEM: String, prefix: String, force: Bool) throws -> (privateKey: String, publicKey: String) {
        try privatePEM.write(toFile: prefix + ".key", atomically: true, encoding: .utf8)
        try publicPEM.write(toFile: prefix + ".pub", atomically: true, encoding: .utf8)
        return (prefix + ".key", prefix + ".pub")
    }
}
