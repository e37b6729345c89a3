// TEMPORARY stand-in until the SigstoreTrust implementation lands.
import Foundation
import X509

public struct TrustError: Error, CustomStringConvertible, Equatable { public var description: String }

public struct RekorKey: Sendable {
    public init(subjectPublicKeyInfoDER: Data) throws { logID = "" }
    public var logID: String
}

public struct TrustedRoot: Sendable {
    public static func load(contentsOf path: String) throws -> TrustedRoot { TrustedRoot() }
    public init(certificateAuthorities: [Certificate] = [], rekorKeys: [RekorKey] = []) {
        self.certificateAuthorities = certificateAuthorities
        self.rekorKeys = rekorKeys
    }
    public func merging(_ other: TrustedRoot) -> TrustedRoot { self }
    public var certificateAuthorities: [Certificate]
    public var rekorKeys: [RekorKey]
}

public struct HashedRekordEntry: Sendable, Equatable {
    public var payloadSHA256: String
    public var signature: Data
    public var publicKeyPEM: String
}

public struct RekorBundle: Sendable {
    public init(annotationJSON: Data) throws { throw TrustError(description: "stub") }
    public var integratedTime: Date { Date() }
    public var logIndex: Int64 { 0 }
    public var logID: String { "" }
    public func verify(with keys: [RekorKey]) throws -> HashedRekordEntry { throw TrustError(description: "stub") }
}

public enum SignedEntryTimestamp {
    public static func verify(body: Data, integratedTime: Int64, logIndex: Int64, logID: String, signature: Data,
                              keys: [RekorKey]) throws -> HashedRekordEntry { throw TrustError(description: "stub") }
}

public struct IdentityMatcher: Sendable {
    let text: String
    public static func exact(_ s: String) -> IdentityMatcher { IdentityMatcher(text: s) }
    public static func regexp(_ pattern: String) throws -> IdentityMatcher { IdentityMatcher(text: pattern) }
    public func matches(_ s: String) -> Bool { s == text }
}

public struct CertificateIdentityPolicy: Sendable {
    public init(identity: IdentityMatcher?, issuer: IdentityMatcher?) {}
}

public struct VerifiedCertificate: Sendable {
    public var identity: String
    public var issuer: String?
    public var subjectPublicKeyInfoDER: Data
    public var certificate: Certificate
}

public enum CertificateVerification {
    public static func verify(leafPEM: String, chainPEM: String?, trustedRoot: TrustedRoot, at time: Date,
                              policy: CertificateIdentityPolicy) async throws -> VerifiedCertificate {
        throw TrustError(description: "stub")
    }
}
