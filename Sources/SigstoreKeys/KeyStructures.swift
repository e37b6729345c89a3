import Foundation
import SwiftASN1

/// Object identifiers of the key algorithms and curves this module recognises.
enum KeyOID {
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let p521: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]
    static let secp256k1: ASN1ObjectIdentifier = [1, 3, 132, 0, 10]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ed448: ASN1ObjectIdentifier = [1, 3, 101, 113]
    static let x25519: ASN1ObjectIdentifier = [1, 3, 101, 110]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let rsaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 1]

    /// A name for people: "ECDSA P-384", "Ed448", "RSA", or the dotted OID.
    static func describe(algorithm: ASN1ObjectIdentifier, curve: ASN1ObjectIdentifier?) -> String {
        switch algorithm {
        case ecPublicKey:
            switch curve {
            case p256?: return "ECDSA P-256"
            case p384?: return "ECDSA P-384"
            case p521?: return "ECDSA P-521"
            case secp256k1?: return "ECDSA secp256k1"
            case let other?: return "EC key on curve \(other)"
            case nil: return "EC key without a named curve"
            }
        case ed25519: return "Ed25519"
        case ed448: return "Ed448"
        case x25519: return "X25519"
        case rsaEncryption, rsaPSS: return "RSA"
        case dsa: return "DSA"
        default: return "algorithm \(algorithm)"
        }
    }
}

/// An `AlgorithmIdentifier`: the OID and, for EC keys, the named curve.
struct AlgorithmIdentifierInfo {
    let algorithm: ASN1ObjectIdentifier
    /// The parameters when they are a named curve OID.
    let namedCurve: ASN1ObjectIdentifier?
    /// Whether any parameters were present (NULL, an OID or a structure).
    let hasParameters: Bool
    /// Whether the parameters are present and neither NULL nor an OID (e.g. explicit EC curve parameters).
    let hasStructuredParameters: Bool

    init(derEncoded node: ASN1Node) throws {
        (algorithm, namedCurve, hasParameters, hasStructuredParameters) = try DER.sequence(node, identifier: .sequence) { nodes in
            let algorithm = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard let parameters = nodes.next() else { return (algorithm, nil, false, false) }
            switch parameters.identifier {
            case .objectIdentifier: return (algorithm, try ASN1ObjectIdentifier(derEncoded: parameters), true, false)
            case .null: return (algorithm, nil, true, false)
            default: return (algorithm, nil, true, true)
            }
        }
    }
}

/// `SubjectPublicKeyInfo` (RFC 5280 §4.1): the algorithm and the key bits.
struct SubjectPublicKeyInfoParts {
    let algorithm: AlgorithmIdentifierInfo
    let key: [UInt8]

    init(derEncoded der: [UInt8]) throws {
        let root = try DER.parse(der)
        (algorithm, key) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let algorithmNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "SubjectPublicKeyInfo without an algorithm")
            }
            let algorithm = try AlgorithmIdentifierInfo(derEncoded: algorithmNode)
            let bits = try ASN1BitString(derEncoded: &nodes)
            guard bits.paddingBits == 0 else {
                throw ASN1Error.invalidASN1Object(reason: "the key BIT STRING is not whole bytes")
            }
            return (algorithm, Array(bits.bytes))
        }
    }
}

/// `PrivateKeyInfo`/`OneAsymmetricKey` (RFC 5208, RFC 5958): the algorithm and the inner private key bytes.
struct PKCS8Parts {
    let algorithm: AlgorithmIdentifierInfo
    let privateKey: [UInt8]

    init(derEncoded der: [UInt8]) throws {
        let root = try DER.parse(der)
        (algorithm, privateKey) = try DER.sequence(root, identifier: .sequence) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 0 || version == 1 else {
                throw ASN1Error.invalidASN1Object(reason: "PKCS#8 version \(version)")
            }
            guard let algorithmNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "PKCS#8 without an algorithm")
            }
            let algorithm = try AlgorithmIdentifierInfo(derEncoded: algorithmNode)
            let privateKey = try ASN1OctetString(derEncoded: &nodes)
            // Optional attributes [0] and public key [1] are not needed.
            while nodes.next() != nil {}
            return (algorithm, Array(privateKey.bytes))
        }
    }
}

/// SEC 1 `ECPrivateKey` (RFC 5915): the scalar and, when present, the named curve.
struct SEC1Parts {
    let scalar: [UInt8]
    let namedCurve: ASN1ObjectIdentifier?

    init(derEncoded der: [UInt8]) throws {
        let root = try DER.parse(der)
        (scalar, namedCurve) = try DER.sequence(root, identifier: .sequence) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 1 else {
                throw ASN1Error.invalidASN1Object(reason: "ECPrivateKey version \(version)")
            }
            let scalar = try ASN1OctetString(derEncoded: &nodes)
            let curve = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try ASN1ObjectIdentifier(derEncoded: node)
            }
            // The optional public key [1] is not needed: it is derived from the scalar.
            while nodes.next() != nil {}
            return (Array(scalar.bytes), curve)
        }
    }
}
