import Foundation
import OCIModel
public import SigstoreKeys
public import SigstoreTrust

/// How the signed `docker-reference` must relate to the image being verified.
public enum ReferenceCheck: Sendable, Equatable {
    /// Same repository after normalisation (tag and digest ignored): containers/image's `matchRepository`. The default.
    case repository(String)
    /// The signed reference, tag included, equals this one (containers/image's `matchExact`).
    case exact(String)
    /// Not checked, as `cosign verify` does.
    case ignore
}

/// Everything a signature must satisfy to count. A signature passes when it verifies with any of `keys` (or, for
/// keyless signatures, its certificate passes `certificates`), its claims name this image, and the annotations match.
public struct VerificationPolicy: Sendable {
    public var keys: [VerificationKey]
    /// Trusted CAs and the identity to require from certificate-based signatures; nil accepts none of them.
    public var certificates: CertificateRequirement?
    /// Rekor keys: a signature's Rekor bundle is verified when these are given.
    public var rekorKeys: [RekorKey]
    /// Reject signatures without a verified Rekor entry (needs `rekorKeys`).
    public var requireTransparencyLog: Bool
    /// `-a key=value`: each must equal the signed annotation.
    public var requiredAnnotations: [String: String]
    public var referenceCheck: ReferenceCheck

    public struct CertificateRequirement: Sendable {
        public var trustedRoot: TrustedRoot
        public var identity: CertificateIdentityPolicy

        public init(trustedRoot: TrustedRoot, identity: CertificateIdentityPolicy) {
            self.trustedRoot = trustedRoot
            self.identity = identity
        }
    }

    public init(keys: [VerificationKey], certificates: CertificateRequirement? = nil, rekorKeys: [RekorKey] = [],
                requireTransparencyLog: Bool = false, requiredAnnotations: [String: String] = [:],
                referenceCheck: ReferenceCheck) {
        self.keys = keys
        self.certificates = certificates
        self.rekorKeys = rekorKeys
        self.requireTransparencyLog = requireTransparencyLog
        self.requiredAnnotations = requiredAnnotations
        self.referenceCheck = referenceCheck
    }
}

/// Compares references the way registries name them: `index.docker.io` is `docker.io`, `library/` is implied.
enum ReferenceMatching {
    static func repository(of text: String) -> String? {
        guard let parsed = try? ImageReference(parsing: text) else { return nil }
        let domain = parsed.domain == "index.docker.io" || parsed.domain == "registry-1.docker.io" ? ImageReference.defaultDomain : parsed.domain
        var path = parsed.pathComponents
        if domain == ImageReference.defaultDomain && path.count == 1 { path.insert("library", at: 0) }
        return domain + "/" + path.joined(separator: "/")
    }

    static func full(_ text: String) -> String? {
        guard let repository = repository(of: text), let parsed = try? ImageReference(parsing: text) else { return nil }
        return repository + (parsed.tag.map { ":" + $0 } ?? "") + (parsed.digest.map { "@" + $0 } ?? "")
    }

    /// Nil when the signed reference passes the check, else why not.
    static func mismatch(signed: String, check: ReferenceCheck) -> String? {
        switch check {
        case .ignore:
            return nil
        case .repository(let expected):
            guard let signedRepository = repository(of: signed) else { return "the signed reference \"\(signed)\" is not an image reference" }
            let expectedRepository = repository(of: expected) ?? expected
            return signedRepository == expectedRepository ? nil
                : "it was signed for \(signed), not for repository \(expectedRepository) (use --reference-check ignore to accept any, or --expected-reference)"
        case .exact(let expected):
            guard let signedFull = full(signed) else { return "the signed reference \"\(signed)\" is not an image reference" }
            return signedFull == (full(expected) ?? expected) ? nil
                : "it was signed for \(signed), not exactly \(expected) (--reference-check exact)"
        }
    }
}
