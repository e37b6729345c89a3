public import OCIModel

/// What the engine needs to know about an image beyond its reference. The caller implements it over the registry
/// client, the signature verifier, the vulnerability scanner and their caches; the engine calls each method only
/// when a rule in scope needs the fact, at most once per normalised image reference (and signature requirement)
/// per evaluation, and concurrently across images.
///
/// A method that throws makes the rules needing that fact follow the policy's `failurePolicy`; the error's
/// description becomes part of the reason, so it should say what failed (e.g. `HEAD …: timed out after 3s`).
public protocol ImageFacts: Sendable {
    /// The digest the reference's tag resolves to (the index digest for multi-platform images). Not called for a
    /// reference that already carries a digest.
    func digest(of reference: ImageReference) async throws -> Digest
    /// Whether a signature on `digest` verifies under `requirement` (its keys and annotations).
    func signatures(of reference: ImageReference, digest: Digest, requirement: SignatureRequirement) async throws -> SignatureFact
    /// The vulnerabilities found in the image.
    func vulnerabilities(of reference: ImageReference, digest: Digest) async throws -> [VulnerabilityFact]
    /// The categories of content found in the image.
    func footprint(of reference: ImageReference, digest: Digest) async throws -> Set<FootprintCategory>
}

/// The outcome of verifying an image's signatures against one `SignatureRequirement`.
public struct SignatureFact: Sendable, Hashable {
    public var verified: Bool
    /// When verified, who signed (e.g. `keys/team.pub`); otherwise why none verified (e.g. `no signatures found`).
    public var detail: String

    public init(verified: Bool, detail: String) {
        self.verified = verified
        self.detail = detail
    }
}

/// One vulnerability found in an image.
public struct VulnerabilityFact: Sendable, Hashable {
    /// `CVE-2024-1234`, `GHSA-…`.
    public var id: String
    /// `UNKNOWN`, `LOW`, `MEDIUM`, `HIGH` or `CRITICAL` (compared case-insensitively).
    public var severity: String
    /// The version that fixes it; nil or empty when no fix exists.
    public var fixedVersion: String?
    /// The affected package.
    public var package: String

    public init(id: String, severity: String, fixedVersion: String? = nil, package: String) {
        self.id = id
        self.severity = severity
        self.fixedVersion = fixedVersion
        self.package = package
    }

    /// Whether a fixed version is known.
    public var isFixed: Bool { !(fixedVersion ?? "").isEmpty }
}
