import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority for TLS and token-signing in registry tests.
///
/// Each instance has its own P-256 key, so two instances are unrelated: a client that trusts one
/// must reject a server whose certificate the other issued (the "unknown CA" tests).
/// Certificates are valid from an hour ago (tolerates clock skew between the test process and the
/// registry's Go runtime, which do share a clock here but not on every CI) to a day from now.
///
/// ```swift
/// let authority = try TestCertificateAuthority()
/// let files = try authority.writeServerFiles(to: directory)   // ca.pem, server.pem, server-key.pem
/// ```
public struct TestCertificateAuthority: Sendable {
    public let certificate: Certificate
    public let privateKey: P256.Signing.PrivateKey
    private let keyIdentifier: ArraySlice<UInt8>

    /// Creates a new, self-signed root.
    public init(commonName: String = "moat test CA") throws {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let keyIdentifier = SubjectKeyIdentifier(hash: publicKey).keyIdentifier
        do {
            let name = try DistinguishedName { CommonName(commonName) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier)
            }
            certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: publicKey,
                notValidBefore: Self.validity.lowerBound, notValidAfter: Self.validity.upperBound,
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: .init(key)
            )
        } catch {
            throw RegistryHarnessError(.certificate, "cannot create the test CA: \(error)")
        }
        self.privateKey = key
        self.keyIdentifier = keyIdentifier
    }

    /// The root certificate in PEM, what a client puts in its trust store.
    public func certificatePEM() throws -> String {
        try Self.pem(certificate)
    }

    /// A TLS server certificate for the given IP addresses and host names (IP and DNS SANs).
    public func issueServerCertificate(
        ipAddresses: [String] = ["127.0.0.1"], dnsNames: [String] = ["localhost"]
    ) throws -> IssuedCertificate {
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            names.append(.ipAddress(ASN1OctetString(contentBytes: try Self.ipv4Bytes(address)[...])))
        }
        let subjectAlternativeNames = SubjectAlternativeNames(names)
        return try issue(commonName: dnsNames.first ?? ipAddresses.first ?? "server") {
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            subjectAlternativeNames
        }
    }

    /// A certificate for a key that signs registry tokens (JWTs), chained to this CA.
    public func issueSigningCertificate(commonName: String = "moat test token signer") throws -> IssuedCertificate {
        try issue(commonName: commonName) {
            Critical(KeyUsage(digitalSignature: true))
        }
    }

    /// Writes `ca.pem`, `server.pem` and `server-key.pem` for a server on 127.0.0.1 / localhost.
    @discardableResult
    public func writeServerFiles(to directory: URL) throws -> TLSFiles {
        let server = try issueServerCertificate()
        let files = TLSFiles(
            caFile: directory.appendingPathComponent("ca.pem").path,
            certificateFile: directory.appendingPathComponent("server.pem").path,
            keyFile: directory.appendingPathComponent("server-key.pem").path
        )
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(certificatePEM().utf8).write(to: URL(fileURLWithPath: files.caFile))
            try Data(server.certificatePEM().utf8).write(to: URL(fileURLWithPath: files.certificateFile))
            try Data(server.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: files.keyFile))
        } catch let error as RegistryHarnessError {
            throw error
        } catch {
            throw RegistryHarnessError(.certificate, "cannot write TLS files into \(directory.path): \(error)")
        }
        return files
    }

    private func issue(
        commonName: String, @ExtensionsBuilder extra: () throws -> Result<Certificate.Extensions, any Error>
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        do {
            var extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
            }
            for element in try extra().get() {
                try extensions.append(element)
            }
            let leaf = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: publicKey,
                notValidBefore: Self.validity.lowerBound, notValidAfter: Self.validity.upperBound,
                issuer: certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(privateKey)
            )
            return IssuedCertificate(certificate: leaf, privateKey: key)
        } catch let error as RegistryHarnessError {
            throw error
        } catch {
            throw RegistryHarnessError(.certificate, "cannot issue a certificate for \(commonName): \(error)")
        }
    }

    private static var validity: ClosedRange<Date> {
        let now = Date()
        return now.addingTimeInterval(-3600)...now.addingTimeInterval(86400)
    }

    static func pem(_ certificate: Certificate) throws -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw RegistryHarnessError(.certificate, "cannot encode a certificate as PEM: \(error)")
        }
    }

    private static func ipv4Bytes(_ address: String) throws -> [UInt8] {
        let parts = address.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4 else {
            throw RegistryHarnessError(.certificate, "\(address) is not an IPv4 address")
        }
        return parts
    }
}

/// A certificate issued by a ``TestCertificateAuthority``, with its private key.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let privateKey: P256.Signing.PrivateKey

    public func certificatePEM() throws -> String {
        try TestCertificateAuthority.pem(certificate)
    }

    /// The key as PKCS#8 PEM (`BEGIN PRIVATE KEY`), which Go's `tls.X509KeyPair` reads.
    public var privateKeyPEM: String { privateKey.pemRepresentation + "\n" }

    /// The DER bytes, as a JWT `x5c` entry carries them (standard base64 of this).
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw RegistryHarnessError(.certificate, "cannot encode a certificate as DER: \(error)")
        }
        return serializer.serializedBytes
    }
}

/// Where ``TestCertificateAuthority/writeServerFiles(to:)`` put the files.
public struct TLSFiles: Sendable {
    public let caFile: String
    public let certificateFile: String
    public let keyFile: String
}
