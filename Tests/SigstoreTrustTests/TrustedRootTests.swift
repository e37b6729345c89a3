import Crypto
import Foundation
import MoatTesting
import SigstoreTrust
import SwiftASN1
import Testing
import X509

@Suite("Trusted root loading")
struct TrustedRootTests {
    @Test("a trusted_root.json yields the CA chain (root last) and the Rekor key under its log ID")
    func trustedRootJSON() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let caRoot = try Certificate(pemEncoded: material.read("ca-root.pem"))
        let caIntermediate = try Certificate(pemEncoded: material.read("ca-intermediate.pem"))
        #expect(root.certificateAuthorities == [caIntermediate, caRoot])
        #expect(root.trustedCertificates.map(\.isRoot) == [false, true])
        #expect(root.trustedCertificates.allSatisfy { $0.validFrom != nil && $0.validUntil == nil })
        let expected = try material.rekorKey()
        #expect(root.rekorKeys.map(\.subjectPublicKeyInfoDER) == [expected.subjectPublicKeyInfoDER])
        #expect(root.rekorKeys.first?.logID == expected.logID)
        #expect(root.rekorKeys.first?.validFrom != nil)
        #expect(root.rekorKeys.first?.logID == (try RekorBundle(annotationJSON: material.bundleJSON)).logID)
    }

    @Test("a PEM file of CA certificates: self-signed ones are roots, the rest intermediates")
    func pemCertificates() async throws {
        let material = try await Material.shared.value
        let root = try material.pemRoot("ca-intermediate.pem", "ca-root.pem", "other-root.pem")
        #expect(root.certificateAuthorities.count == 3)
        #expect(root.trustedCertificates.map(\.isRoot) == [false, true, true])
        #expect(root.rekorKeys.isEmpty)
    }

    @Test("a PEM public key is a Rekor key")
    func pemPublicKey() async throws {
        let material = try await Material.shared.value
        let root = try TrustedRoot.load(contentsOf: material.rekorPublicKeyFile)
        #expect(root.certificateAuthorities.isEmpty)
        let key = try #require(root.rekorKeys.first)
        let python = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: material.rekorKeyFile, encoding: .utf8))
        #expect(key.subjectPublicKeyInfoDER == python.publicKey.derRepresentation)
        #expect(key.logID == hex(SHA256.hash(data: python.publicKey.derRepresentation)))
    }

    @Test("merging keeps both sides and drops duplicates")
    func merging() async throws {
        let material = try await Material.shared.value
        let json = try TrustedRoot.load(contentsOf: material.trustedRootFile)
        let pem = try material.pemRoot("other-root.pem")
        let keys = TrustedRoot(rekorKeys: [try material.otherRekorKey()])
        let merged = json.merging(pem).merging(keys).merging(json)
        #expect(merged.certificateAuthorities.count == 3)
        #expect(merged.rekorKeys.count == 2)
        #expect(Set(merged.rekorKeys.map(\.logID)) == Set([try material.rekorKey().logID, try material.otherRekorKey().logID]))
    }

    @Test("validFor times are read as RFC 3339 with fractions and offsets")
    func validForTimes() throws {
        let key = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
        let document = """
            {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
             "tlogs":[{"publicKey":{"rawBytes":"\(key)","validFor":{"start":"2021-01-12T11:53:27.123456789Z","end":"2022-04-13T22:00:00+02:00"}}}]}
            """
        let root = try TrustedRoot(contents: Data(document.utf8))
        let rekor = try #require(root.rekorKeys.first)
        let start = try #require(rekor.validFrom?.timeIntervalSince1970)
        #expect(abs(start - 1_610_452_407.123456789) < 0.000_01)
        #expect(rekor.validUntil == Date(timeIntervalSince1970: 1_649_880_000))
        #expect(rekor.isValid(at: Date(timeIntervalSince1970: 1_620_000_000)))
        #expect(!rekor.isValid(at: Date(timeIntervalSince1970: 1_600_000_000)))

        let bad = document.replacingOccurrences(of: "2022-04-13T22:00:00+02:00", with: "April 13")
        let error = #expect(throws: TrustError.self) { try TrustedRoot(contents: Data(bad.utf8), source: "root.json") }
        #expect(error?.code == .malformedTrustedRoot)
        #expect(error?.message.contains("root.json: tlogs[0].publicKey.validFor.end") == true)
    }

    @Test("an RSA transparency log in a trusted_root.json is skipped, not fatal")
    func rsaLogSkipped() async throws {
        let rsa = try await CommandRunner.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import base64;from cryptography.hazmat.primitives.asymmetric import rsa;from cryptography.hazmat.primitives import serialization as s;"
                    + "k=rsa.generate_private_key(public_exponent=65537,key_size=2048);"
                    + "print(base64.b64encode(k.public_key().public_bytes(s.Encoding.DER,s.PublicFormat.SubjectPublicKeyInfo)).decode())",
            ],
            displayName: "python3 (RSA key)"
        )
        #expect(rsa.succeeded, "\(rsa.standardError)")
        let rsaKey = rsa.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
        let ecKey = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
        let document = """
            {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
             "tlogs":[{"publicKey":{"rawBytes":"\(rsaKey)"}},{"publicKey":{"rawBytes":"\(ecKey)"}}]}
            """
        let root = try TrustedRoot(contents: Data(document.utf8))
        #expect(root.rekorKeys.count == 1)
        #expect(root.rekorKeys.first?.subjectPublicKeyInfoDER == Data(base64Encoded: ecKey))
        #expect(throws: TrustError(.unsupportedKey, "")) {
            try RekorKey(subjectPublicKeyInfoDER: try #require(Data(base64Encoded: rsaKey)))
        }
    }

    @Test("files that are not trust material are refused with the reason")
    func badFiles() async throws {
        let material = try await Material.shared.value
        let garbage = try temporaryFile(Array("hello world".utf8), suffix: ".pem")
        let error = await expectTrustError(.malformedTrustedRoot) { try TrustedRoot.load(contentsOf: garbage) }
        #expect(error?.message.hasPrefix(garbage) == true)

        let privateKey = await expectTrustError(.malformedTrustedRoot) { try TrustedRoot.load(contentsOf: material.rekorKeyFile) }
        #expect(privateKey?.message.contains("private key") == true)

        let bundle = try temporaryFile(Array(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#.utf8), suffix: ".json")
        let wrongType = await expectTrustError(.malformedTrustedRoot) { try TrustedRoot.load(contentsOf: bundle) }
        #expect(wrongType?.message.contains("vnd.dev.sigstore.bundle.v0.3+json") == true)

        let unrelated = try temporaryFile(Array(#"{"hello":1}"#.utf8), suffix: ".json")
        await expectTrustError(.malformedTrustedRoot) { try TrustedRoot.load(contentsOf: unrelated) }

        let badCertificate = try temporaryFile(
            Array(#"{"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"AAAA"}]}}]}"#.utf8), suffix: ".json"
        )
        let certificate = await expectTrustError(.malformedTrustedRoot) { try TrustedRoot.load(contentsOf: badCertificate) }
        #expect(certificate?.message.contains("certificateAuthorities[0].certChain.certificates[0].rawBytes") == true)

        await expectTrustError(.unreadableFile) { try TrustedRoot.load(contentsOf: material.path("absent.json")) }
        await expectTrustError(.unreadableFile) { try TrustedRoot.load(contentsOf: material.directory) }
    }
}
