public import OCIModel

/// Names cosign gives to the things it stores beside an image (`../shared/specs/wire-formats.md` §4).
public enum CosignFormat {
    /// The simple-signing payload a legacy signature layer holds.
    public static let simpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
    /// The `critical.type` of every cosign image signature payload.
    public static let signatureType = "cosign container image signature"
    /// Layer annotation holding the base64 signature over the payload.
    public static let signatureAnnotation = "dev.cosignproject.cosign/signature"
    /// Layer annotations for keyless signatures and transparency-log evidence.
    public static let certificateAnnotation = "dev.sigstore.cosign/certificate"
    public static let chainAnnotation = "dev.sigstore.cosign/chain"
    public static let rekorBundleAnnotation = "dev.sigstore.cosign/bundle"
    /// The Sigstore bundle cosign v3 stores as an OCI 1.1 referrer.
    public static let bundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"
    /// The in-toto predicate type of cosign v3's image signatures.
    public static let signPredicateType = "https://sigstore.dev/cosign/sign/v1"
    /// Cosign refuses to grow a signature manifest beyond this many layers.
    public static let maximumSignatureLayers = 1000
    /// The OCI 1.1 empty config (`{}`), used by artifacts that have no configuration.
    public static let emptyConfigMediaType = "application/vnd.oci.empty.v1+json"

    /// `sha256-<hex>.sig`: the tag holding the legacy signatures of the image with this digest.
    public static func signatureTag(for digest: Digest) -> String {
        "\(digest.algorithm)-\(digest.hex).sig"
    }

    /// `sha256-<hex>`: the referrers fallback tag, an index of the manifests whose subject is this digest, for
    /// registries without the referrers API.
    public static func referrersTag(for digest: Digest) -> String {
        "\(digest.algorithm)-\(digest.hex)"
    }
}
