public import Foundation
public import X509

/// The trust material for offline verification: CA certificates that keyless (Fulcio) certificates must chain to,
/// and Rekor keys that sign signed entry timestamps.
///
/// Load it with ``load(contentsOf:)`` from any of
/// * Sigstore's `trusted_root.json` (what `cosign trusted-root create` writes and TUF distributes),
/// * a PEM file of CA certificates (`SIGSTORE_ROOT_FILE` style: any number of `CERTIFICATE` blocks),
/// * a PEM `PUBLIC KEY` file: a Rekor key (`SIGSTORE_REKOR_PUBLIC_KEY` style),
///
/// and combine several with ``merging(_:)``.
///
/// Which certificates anchor a chain follows cosign and sigstore-go:
/// * in a `trusted_root.json`, the last certificate of each `certChain` is a root and the ones before it are
///   intermediates; all of them are usable only inside the authority's `validFor` window;
/// * in a PEM file (and ``init(certificateAuthorities:rekorKeys:)``), self-issued certificates (subject equals
///   issuer) are roots and the others are intermediates that chains may pass through but not end at.
public struct TrustedRoot: Sendable {
    /// One trusted CA certificate and how it may be used.
    public struct TrustedCertificate: Sendable, Hashable {
        public var certificate: Certificate
        /// True when chains may end here (a trust anchor); false for an intermediate.
        public var isRoot: Bool
        /// The authority's `validFor.start`: it is not used for verification times before this.
        public var validFrom: Date?
        /// The authority's `validFor.end`: it is not used for verification times after this.
        public var validUntil: Date?

        public init(certificate: Certificate, isRoot: Bool, validFrom: Date? = nil, validUntil: Date? = nil) {
            self.certificate = certificate
            self.isRoot = isRoot
            self.validFrom = validFrom
            self.validUntil = validUntil
        }

        /// Whether `time` lies inside the authority's window (an open side always matches).
        public func isValid(at time: Date) -> Bool {
            if let validFrom, time < validFrom { return false }
            if let validUntil, time > validUntil { return false }
            return true
        }
    }

    /// The CA certificates, roots and intermediates, in the order they were loaded.
    public private(set) var trustedCertificates: [TrustedCertificate]
    /// The trusted Rekor keys.
    public private(set) var rekorKeys: [RekorKey]

    /// All trusted CA certificates (roots and intermediates).
    public var certificateAuthorities: [Certificate] { trustedCertificates.map(\.certificate) }

    /// A trusted root from certificates and keys in memory. Self-issued certificates become roots, the others
    /// intermediates; none has a validity window beyond its own `notBefore`/`notAfter`.
    public init(certificateAuthorities: [Certificate] = [], rekorKeys: [RekorKey] = []) {
        self.init(
            trustedCertificates: certificateAuthorities.map {
                TrustedCertificate(certificate: $0, isRoot: $0.subject == $0.issuer)
            },
            rekorKeys: rekorKeys
        )
    }

    /// A trusted root from explicitly classified certificates and keys.
    public init(trustedCertificates: [TrustedCertificate], rekorKeys: [RekorKey] = []) {
        self.trustedCertificates = []
        self.rekorKeys = []
        for certificate in trustedCertificates where !self.trustedCertificates.contains(certificate) {
            self.trustedCertificates.append(certificate)
        }
        for key in rekorKeys where !self.rekorKeys.contains(key) {
            self.rekorKeys.append(key)
        }
    }

    /// Both trusted roots' certificates and keys (duplicates dropped), e.g. a `trusted_root.json` plus a private CA.
    public func merging(_ other: TrustedRoot) -> TrustedRoot {
        TrustedRoot(
            trustedCertificates: trustedCertificates + other.trustedCertificates,
            rekorKeys: rekorKeys + other.rekorKeys
        )
    }

    /// The roots usable at `time`.
    func roots(at time: Date) -> [Certificate] {
        trustedCertificates.filter { $0.isRoot && $0.isValid(at: time) }.map(\.certificate)
    }

    /// The trusted intermediates usable at `time`.
    func intermediates(at time: Date) -> [Certificate] {
        trustedCertificates.filter { !$0.isRoot && $0.isValid(at: time) }.map(\.certificate)
    }
}
