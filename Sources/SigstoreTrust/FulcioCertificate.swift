import Foundation
import SwiftASN1
import X509

/// What a Fulcio-issued (keyless) certificate says about its signer, read the way cosign reads it.
enum FulcioCertificate {
    /// `1.3.6.1.4.1.57264.1.1`: the OIDC issuer as raw string bytes (deprecated, still written by Fulcio).
    static let issuerV1: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 1]
    /// `1.3.6.1.4.1.57264.1.8`: the OIDC issuer as a DER UTF8String (current).
    static let issuerV2: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 8]
    /// `1.3.6.1.4.1.57264.1.7`: the otherName SAN Fulcio uses for usernames (a UTF8String).
    static let otherNameUsername: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 7]

    /// The Subject Alternative Names that can identify a signer, in certificate order, as strings the way Go's
    /// crypto/x509 renders them (cryptoutils.GetSubjectAlternateNames): DNS names, emails, URIs, IPv4 addresses
    /// and Fulcio's username otherName. Other otherNames, IPv6 addresses, directory names are not identities here.
    static func identities(of certificate: Certificate) throws -> [String] {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw TrustError(.malformedCertificate, "the certificate's Subject Alternative Name extension is malformed: \(error)")
        }
        var identities: [String] = []
        for name in names ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let value), .rfc822Name(let value), .uniformResourceIdentifier(let value):
                identities.append(value)
            case .ipAddress(let address) where address.bytes.count == 4:
                identities.append(address.bytes.map { String($0) }.joined(separator: "."))
            case .otherName(let other) where other.typeID == otherNameUsername:
                guard let value = other.value, let text = try? ASN1UTF8String(asn1Any: value) else {
                    throw TrustError(.malformedCertificate, "the certificate's otherName SAN is not a UTF8String")
                }
                identities.append(String(text))
            default:
                continue
            }
        }
        return identities
    }

    /// The OIDC issuer: the v2 extension if present, else the deprecated v1 one (cosign's `GetIssuer`).
    static func issuer(of certificate: Certificate) throws -> String? {
        if let extensionV2 = certificate.extensions[oid: issuerV2] {
            do {
                return String(try ASN1UTF8String(derEncoded: extensionV2.value))
            } catch {
                throw TrustError(
                    .malformedCertificate,
                    "the certificate's OIDC issuer extension (1.3.6.1.4.1.57264.1.8) is not a DER UTF8String"
                )
            }
        }
        if let extensionV1 = certificate.extensions[oid: issuerV1] {
            guard let text = String(bytes: extensionV1.value, encoding: .utf8) else {
                throw TrustError(
                    .malformedCertificate, "the certificate's OIDC issuer extension (1.3.6.1.4.1.57264.1.1) is not UTF-8"
                )
            }
            return text
        }
        return nil
    }
}
