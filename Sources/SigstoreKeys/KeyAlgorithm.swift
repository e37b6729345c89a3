/// The algorithm of a verification key, with the name people see in messages.
public enum KeyAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// ECDSA on NIST P-256 (cosign's default; the only kind moat signs with).
    case ecdsaP256
    /// ECDSA on NIST P-384.
    case ecdsaP384
    /// ECDSA on NIST P-521.
    case ecdsaP521
    /// Ed25519 (pure, over the message).
    case ed25519
    /// RSA with a modulus of `bits` bits (at least 2048).
    case rsa(bits: Int)

    /// "ECDSA P-256", "ECDSA P-384", "ECDSA P-521", "Ed25519" or "RSA 2048".
    public var description: String {
        switch self {
        case .ecdsaP256: return "ECDSA P-256"
        case .ecdsaP384: return "ECDSA P-384"
        case .ecdsaP521: return "ECDSA P-521"
        case .ed25519: return "Ed25519"
        case .rsa(let bits): return "RSA \(bits)"
        }
    }
}
