public import Foundation
import SwiftASN1
import X509

extension TrustedRoot {
    /// Trust files larger than this are refused (Sigstore's public `trusted_root.json` is about 10 KiB).
    public static let maxFileBytes = 4 << 20

    /// Loads a trust file, telling by its content which kind it is: a Sigstore `trusted_root.json` (JSON object),
    /// or PEM holding `CERTIFICATE` blocks (CA certificates) and/or `PUBLIC KEY` blocks (Rekor keys).
    /// - Throws: ``TrustError`` `.unreadableFile`, or `.malformedTrustedRoot` naming the path and what is wrong.
    public static func load(contentsOf path: String) throws -> TrustedRoot {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TrustError(.unreadableFile, "\(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw TrustError(.unreadableFile, "\(path): is a directory; pass a trusted_root.json or PEM file")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch {
            throw TrustError(.unreadableFile, "\(path): cannot read: \(error.localizedDescription)")
        }
        guard data.count <= maxFileBytes else {
            throw TrustError(.unreadableFile, "\(path): larger than \(maxFileBytes) bytes; this is not a trust file")
        }
        return try TrustedRoot(contents: data, source: path)
    }

    /// Parses trust material in memory, sniffing the format like ``load(contentsOf:)``; `source` names it in errors.
    public init(contents: Data, source: String = "the trusted root") throws {
        var bytes = contents[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if first == UInt8(ascii: "{") {
            self = try Self.parseTrustedRootJSON(Data(bytes), source: source)
            return
        }
        guard let text = String(data: Data(bytes), encoding: .utf8), text.contains("-----BEGIN ") else {
            throw TrustError(
                .malformedTrustedRoot,
                "\(source): neither a Sigstore trusted_root.json nor a PEM file of CA certificates or a Rekor public key"
            )
        }
        self = try Self.parsePEM(text, source: source)
    }

    // MARK: - PEM

    private static func parsePEM(_ text: String, source: String) throws -> TrustedRoot {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw TrustError(.malformedTrustedRoot, "\(source): not valid PEM: \(error)")
        }
        var certificates: [Certificate] = []
        var keys: [RekorKey] = []
        for (index, document) in documents.enumerated() {
            let place = "\(source): PEM block \(index + 1)"
            switch document.discriminator {
            case "CERTIFICATE":
                do {
                    certificates.append(try Certificate(derEncoded: document.derBytes))
                } catch {
                    throw TrustError(.malformedTrustedRoot, "\(place): not a valid X.509 certificate: \(error)")
                }
            case "PUBLIC KEY":
                do {
                    keys.append(try RekorKey(subjectPublicKeyInfoDER: Data(document.derBytes)))
                } catch let error as TrustError {
                    throw TrustError(error.code, "\(place): \(error.message)")
                }
            case let type where type.contains("PRIVATE KEY"):
                throw TrustError(
                    .malformedTrustedRoot,
                    "\(place): is a private key (\(type)); pass CA certificates or the Rekor public key, never a private key"
                )
            default:
                throw TrustError(
                    .malformedTrustedRoot,
                    "\(place): is a PEM \(document.discriminator); expected CERTIFICATE or PUBLIC KEY blocks"
                )
            }
        }
        guard !documents.isEmpty else {
            throw TrustError(.malformedTrustedRoot, "\(source): holds no PEM block")
        }
        return TrustedRoot(certificateAuthorities: certificates, rekorKeys: keys)
    }

    // MARK: - trusted_root.json

    /// The media types of Sigstore trusted roots this reader accepts (v0.1 and the v0.2 spelling).
    static let trustedRootMediaTypePrefix = "application/vnd.dev.sigstore.trustedroot"

    private static func parseTrustedRootJSON(_ data: Data, source: String) throws -> TrustedRoot {
        let document: TrustedRootDocument
        do {
            document = try JSONDecoder().decode(TrustedRootDocument.self, from: data)
        } catch {
            throw TrustError(
                .malformedTrustedRoot, "\(source): not a Sigstore trusted_root.json: \(Encoding.describe(error))"
            )
        }
        if let mediaType = document.mediaType {
            guard mediaType.hasPrefix(trustedRootMediaTypePrefix) else {
                throw TrustError(
                    .malformedTrustedRoot,
                    "\(source): has mediaType \(mediaType); expected a Sigstore trusted root "
                        + "(application/vnd.dev.sigstore.trustedroot+json;version=0.1)"
                )
            }
        } else if document.tlogs == nil && document.certificateAuthorities == nil {
            throw TrustError(
                .malformedTrustedRoot,
                "\(source): a JSON document without mediaType, tlogs or certificateAuthorities is not a trusted_root.json"
            )
        }
        var certificates: [TrustedCertificate] = []
        for (index, authority) in (document.certificateAuthorities ?? []).enumerated() {
            let place = "\(source): certificateAuthorities[\(index)]"
            let window = try validity(authority.validFor, place: place)
            let chain = authority.certChain?.certificates ?? []
            guard !chain.isEmpty else {
                throw TrustError(.malformedTrustedRoot, "\(place).certChain.certificates: empty")
            }
            for (position, entry) in chain.enumerated() {
                let field = "\(place).certChain.certificates[\(position)].rawBytes"
                guard let raw = entry.rawBytes, let der = Encoding.base64(raw) else {
                    throw TrustError(.malformedTrustedRoot, "\(field): missing or not base64")
                }
                let certificate: Certificate
                do {
                    certificate = try Certificate(derEncoded: Array(der))
                } catch {
                    throw TrustError(.malformedTrustedRoot, "\(field): not a DER X.509 certificate: \(error)")
                }
                certificates.append(
                    TrustedCertificate(
                        certificate: certificate, isRoot: position == chain.count - 1,
                        validFrom: window.from, validUntil: window.until
                    )
                )
            }
        }
        var keys: [RekorKey] = []
        for (index, log) in (document.tlogs ?? []).enumerated() {
            let place = "\(source): tlogs[\(index)]"
            guard let raw = log.publicKey?.rawBytes, let der = Encoding.base64(raw) else {
                throw TrustError(.malformedTrustedRoot, "\(place).publicKey.rawBytes: missing or not base64")
            }
            let window = try validity(log.publicKey?.validFor, place: place + ".publicKey")
            var logID: String?
            if let keyID = log.logId?.keyId {
                guard let bytes = Encoding.base64(keyID), !bytes.isEmpty else {
                    throw TrustError(.malformedTrustedRoot, "\(place).logId.keyId: not base64")
                }
                logID = Encoding.hex(bytes)
            }
            do {
                if let logID {
                    keys.append(
                        try RekorKey(subjectPublicKeyInfoDER: der, logID: logID, validFrom: window.from, validUntil: window.until)
                    )
                } else {
                    keys.append(try RekorKey(subjectPublicKeyInfoDER: der, validFrom: window.from, validUntil: window.until))
                }
            } catch let error as TrustError where error.code == .unsupportedKey {
                // An RSA log cannot have signed a SET this module checks; skipping it keeps the rest usable.
                continue
            } catch let error as TrustError {
                throw TrustError(error.code, "\(place).publicKey: \(error.message)")
            }
        }
        return TrustedRoot(trustedCertificates: certificates, rekorKeys: keys)
    }

    private static func validity(_ range: TimeRange?, place: String) throws -> (from: Date?, until: Date?) {
        guard let range else { return (nil, nil) }
        var from: Date?
        var until: Date?
        if let start = range.start {
            guard let date = Encoding.rfc3339(start) else {
                throw TrustError(.malformedTrustedRoot, "\(place).validFor.start: \(start) is not an RFC 3339 time")
            }
            from = date
        }
        if let end = range.end {
            guard let date = Encoding.rfc3339(end) else {
                throw TrustError(.malformedTrustedRoot, "\(place).validFor.end: \(end) is not an RFC 3339 time")
            }
            until = date
        }
        return (from, until)
    }

    /// The parts of `dev.sigstore.trustedroot.v1.TrustedRoot` (protobuf JSON) that are read. `ctlogs` and
    /// `timestampAuthorities` are ignored: SCTs and RFC 3161 timestamps are not checked.
    private struct TrustedRootDocument: Decodable {
        var mediaType: String?
        var tlogs: [TransparencyLog]?
        var certificateAuthorities: [CertificateAuthority]?
    }

    private struct TransparencyLog: Decodable {
        struct PublicKey: Decodable {
            var rawBytes: String?
            var validFor: TimeRange?
        }
        struct LogID: Decodable {
            var keyId: String?
        }
        var publicKey: PublicKey?
        var logId: LogID?
    }

    private struct CertificateAuthority: Decodable {
        struct Chain: Decodable {
            var certificates: [RawCertificate]?
        }
        struct RawCertificate: Decodable {
            var rawBytes: String?
        }
        var certChain: Chain?
        var validFor: TimeRange?
    }

    private struct TimeRange: Decodable {
        var start: String?
        var end: String?
    }
}
