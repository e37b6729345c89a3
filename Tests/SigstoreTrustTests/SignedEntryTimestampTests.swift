import Crypto
import Foundation
import SigstoreTrust
import Testing

@Suite("Rekor signed entry timestamps")
struct SignedEntryTimestampTests {
    @Test("a bundle made by the Python reference verifies and yields the logged entry")
    func validBundle() async throws {
        let material = try await Material.shared.value
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        #expect(bundle.integratedTime == Date(timeIntervalSince1970: TimeInterval(material.integratedTime)))
        #expect(bundle.logIndex == material.logIndex)
        let key = try material.rekorKey()
        #expect(bundle.logID == key.logID)

        let entry = try bundle.verify(with: [try material.otherRekorKey(), key])
        #expect(entry.payloadSHA256 == hex(SHA256.hash(data: material.payload)))
        #expect(entry.signature == Data(base64Encoded: material.signatureBase64))
        #expect(entry.publicKeyPEM == (try material.read("old-leaf.pem")))
        let leafKey = try P256.Signing.PrivateKey(pemRepresentation: material.read("old-leaf.key"))
        #expect(try entry.subjectPublicKeyInfoDER() == leafKey.publicKey.derRepresentation)
    }

    @Test("the log ID of a Rekor key is the hex SHA-256 of its SubjectPublicKeyInfo")
    func logID() async throws {
        let material = try await Material.shared.value
        let key = try material.rekorKey()
        #expect(key.logID == hex(SHA256.hash(data: key.subjectPublicKeyInfoDER)))
        #expect(key.logID.count == 64)
    }

    @Test(
        "a tampered payload field is rejected",
        arguments: ["body", "integratedTime", "logIndex"]
    )
    func tamperedField(_ field: String) async throws {
        let material = try await Material.shared.value
        var annotation = try jsonObject(material.bundleJSON)
        var payload = try #require(annotation["Payload"] as? [String: Any])
        switch field {
        case "body":
            // A different, well-formed entry: the same entry for another payload hash.
            let encoded = try #require(payload["body"] as? String)
            let body = try #require(Data(base64Encoded: encoded))
            let text = String(decoding: body, as: UTF8.self)
            let forged = text.replacingOccurrences(
                of: hex(SHA256.hash(data: material.payload)), with: String(repeating: "0", count: 64)
            )
            #expect(forged != text)
            payload["body"] = Data(forged.utf8).base64EncodedString()
        case "integratedTime":
            payload["integratedTime"] = material.integratedTime + 1
        default:
            payload["logIndex"] = material.logIndex + 1
        }
        annotation["Payload"] = payload
        let bundle = try RekorBundle(annotationJSON: try jsonData(annotation))
        let error = await expectTrustError(.invalidSignedEntryTimestamp) {
            try bundle.verify(with: [try material.rekorKey()])
        }
        #expect(error?.message.contains("does not verify") == true)
    }

    @Test("a logID changed to another trusted log is rejected by that log's key")
    func tamperedLogID() async throws {
        let material = try await Material.shared.value
        let other = try material.otherRekorKey()
        var annotation = try jsonObject(material.bundleJSON)
        var payload = try #require(annotation["Payload"] as? [String: Any])
        payload["logID"] = other.logID
        annotation["Payload"] = payload
        let bundle = try RekorBundle(annotationJSON: try jsonData(annotation))
        await expectTrustError(.invalidSignedEntryTimestamp) {
            try bundle.verify(with: [try material.rekorKey(), other])
        }
    }

    @Test("a bit flipped in the SET is rejected")
    func bitFlippedSET() async throws {
        let material = try await Material.shared.value
        var annotation = try jsonObject(material.bundleJSON)
        let encoded = try #require(annotation["SignedEntryTimestamp"] as? String)
        var signature = try #require(Data(base64Encoded: encoded))
        signature[signature.count - 3] ^= 0x01
        annotation["SignedEntryTimestamp"] = signature.base64EncodedString()
        let bundle = try RekorBundle(annotationJSON: try jsonData(annotation))
        await expectTrustError(.invalidSignedEntryTimestamp) {
            try bundle.verify(with: [try material.rekorKey()])
        }
    }

    @Test("a key trusted under the entry's log ID but not the one that signed is rejected")
    func wrongKey() async throws {
        let material = try await Material.shared.value
        let right = try material.rekorKey()
        let wrong = try material.otherRekorKey()
        // A trusted_root.json that (wrongly) files the other key under the right log ID.
        let keyID = try #require(hexBytes(right.logID)).base64EncodedString()
        let document = """
            {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
             "tlogs":[{"baseUrl":"https://rekor.example.test","hashAlgorithm":"SHA2_256",
                       "publicKey":{"rawBytes":"\(wrong.subjectPublicKeyInfoDER.base64EncodedString())",
                                    "keyDetails":"PKIX_ECDSA_P256_SHA_256"},
                       "logId":{"keyId":"\(keyID)"}}]}
            """
        let root = try TrustedRoot(contents: Data(document.utf8))
        #expect(root.rekorKeys.map(\.logID) == [right.logID])
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        await expectTrustError(.invalidSignedEntryTimestamp) { try bundle.verify(with: root.rekorKeys) }
    }

    @Test("an entry from an untrusted log names its log ID")
    func unknownLogID() async throws {
        let material = try await Material.shared.value
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let error = await expectTrustError(.unknownLog) { try bundle.verify(with: [try material.otherRekorKey()]) }
        #expect(error?.message.contains(bundle.logID) == true)
        let none = await expectTrustError(.unknownLog) { try bundle.verify(with: []) }
        #expect(none?.message.contains("no Rekor public key is trusted") == true)
    }

    @Test("the canonical JSON made by Python equals moat's, byte for byte")
    func canonicalJSONMatchesPython() async throws {
        let material = try await Material.shared.value
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let cases: [(String, Int64, Int64, String)] = [
            (bundle.bodyBase64, bundle.integratedTimeSeconds, bundle.logIndex, bundle.logID),
            ("a+b/c==", 0, 0, String(repeating: "f", count: 64)),
            ("eyJ4IjoxfQ==", 9_007_199_254_740_991, 123_456_789_012, "0123456789abcdef" + String(repeating: "9", count: 48)),
        ]
        for (body, time, index, logID) in cases {
            let python = try await Reference.run([
                "set-payload", "--body", body, "--integrated-time", String(time), "--log-index", String(index),
                "--log-id", logID,
            ])
            let ours = SignedEntryTimestamp.canonicalPayload(
                bodyBase64: body, integratedTime: time, logIndex: index, logID: logID
            )
            #expect(ours == python, "\(String(decoding: ours, as: UTF8.self)) vs \(String(decoding: python, as: UTF8.self))")
        }
        let fixed = SignedEntryTimestamp.canonicalPayload(bodyBase64: "Zm9v", integratedTime: 1, logIndex: 2, logID: "ab")
        #expect(String(decoding: fixed, as: UTF8.self) == #"{"body":"Zm9v","integratedTime":1,"logID":"ab","logIndex":2}"#)
    }

    @Test("strings are escaped the RFC 8785 way")
    func canonicalEscaping() {
        let payload = SignedEntryTimestamp.canonicalPayload(
            bodyBase64: "q\"b\\s\u{08}\t\n\u{0C}\r\u{01}\u{1F}<>&é", integratedTime: -5, logIndex: 0, logID: ""
        )
        let expected = #"{"body":"q\"b\\s\b\t\n\f\r\u0001\u001f<>&é","integratedTime":-5,"logID":"","logIndex":0}"#
        #expect(String(decoding: payload, as: UTF8.self) == expected)
    }

    @Test("the Sigstore bundle v0.3 entry point verifies the same SET")
    func bundleV03Fields() async throws {
        let material = try await Material.shared.value
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let keyID = try #require(hexBytes(bundle.logID)).base64EncodedString()
        let keys = [try material.rekorKey()]
        let entry = try SignedEntryTimestamp.verify(
            canonicalizedBody: bundle.bodyBase64, integratedTime: String(bundle.integratedTimeSeconds),
            logIndex: String(bundle.logIndex), logKeyID: keyID,
            signedEntryTimestamp: bundle.signedEntryTimestamp.base64EncodedString(), keys: keys
        )
        #expect(entry == (try bundle.verify(with: keys)))
        #expect(entry.payloadSHA256 == hex(SHA256.hash(data: material.payload)))

        await expectTrustError(.invalidSignedEntryTimestamp) {
            try SignedEntryTimestamp.verify(
                canonicalizedBody: bundle.bodyBase64, integratedTime: String(bundle.integratedTimeSeconds - 1),
                logIndex: String(bundle.logIndex), logKeyID: keyID,
                signedEntryTimestamp: bundle.signedEntryTimestamp.base64EncodedString(), keys: keys
            )
        }
        await expectTrustError(.malformedBundle) {
            try SignedEntryTimestamp.verify(
                canonicalizedBody: bundle.bodyBase64, integratedTime: "soon", logIndex: String(bundle.logIndex),
                logKeyID: keyID, signedEntryTimestamp: bundle.signedEntryTimestamp.base64EncodedString(), keys: keys
            )
        }
    }

    @Test("a malformed annotation names the bad field")
    func malformedAnnotation() async throws {
        let material = try await Material.shared.value
        var annotation = try jsonObject(material.bundleJSON)
        var payload = try #require(annotation["Payload"] as? [String: Any])
        payload["integratedTime"] = "yesterday"
        annotation["Payload"] = payload
        let error = await expectTrustError(.malformedBundle) { try RekorBundle(annotationJSON: try jsonData(annotation)) }
        #expect(error?.message.contains("Payload.integratedTime") == true)
        await expectTrustError(.malformedBundle) { try RekorBundle(annotationJSON: Data("not json".utf8)) }
        payload.removeValue(forKey: "integratedTime")
        annotation["Payload"] = payload
        let missing = await expectTrustError(.malformedBundle) { try RekorBundle(annotationJSON: try jsonData(annotation)) }
        #expect(missing?.message.contains("Payload.integratedTime: missing") == true)
    }

    @Test("an entry logged outside the Rekor key's validFor window is rejected")
    func keyValidityWindow() async throws {
        let material = try await Material.shared.value
        let key = try material.rekorKey()
        let bundle = try RekorBundle(annotationJSON: material.bundleJSON)
        let later = try RekorKey(subjectPublicKeyInfoDER: key.subjectPublicKeyInfoDER, validFrom: bundle.integratedTime + 1)
        await expectTrustError(.logKeyNotValid) { try bundle.verify(with: [later]) }
        let window = try RekorKey(
            subjectPublicKeyInfoDER: key.subjectPublicKeyInfoDER, validFrom: bundle.integratedTime - 1,
            validUntil: bundle.integratedTime + 1
        )
        #expect(try bundle.verify(with: [window]).payloadSHA256 == hex(SHA256.hash(data: material.payload)))
    }

    // MARK: - SETs made here with swift-crypto

    @Test("an entry of another kind is refused after its SET verified")
    func otherKind() throws {
        let rekor = P256.Signing.PrivateKey()
        let key = try RekorKey(subjectPublicKeyInfoDER: rekor.publicKey.derRepresentation)
        let body = Data(#"{"apiVersion":"0.0.1","kind":"intoto","spec":{}}"#.utf8)
        let signature = try sign(body: body, time: 1_700_000_000, index: 1, logID: key.logID) {
            try rekor.signature(for: $0).derRepresentation
        }
        #expect(throws: TrustError(.unsupportedEntry, "")) {
            try SignedEntryTimestamp.verify(
                body: body, integratedTime: 1_700_000_000, logIndex: 1, logID: key.logID, signature: signature, keys: [key]
            )
        }
    }

    @Test("a malformed hashedrekord body is refused after its SET verified")
    func malformedBody() throws {
        let rekor = P256.Signing.PrivateKey()
        let key = try RekorKey(subjectPublicKeyInfoDER: rekor.publicKey.derRepresentation)
        let body = Data(
            #"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"xyz"}},"signature":{"content":"AAAA","publicKey":{"content":"AAAA"}}}}"#
                .utf8
        )
        let signature = try sign(body: body, time: 5, index: 6, logID: key.logID) { try rekor.signature(for: $0).derRepresentation }
        let error = #expect(throws: TrustError.self) {
            try SignedEntryTimestamp.verify(body: body, integratedTime: 5, logIndex: 6, logID: key.logID, signature: signature, keys: [key])
        }
        #expect(error?.code == .malformedEntry)
        #expect(error?.message.contains("hash.value") == true)
    }

    @Test("an Ed25519 Rekor key verifies a SET made over the canonical JSON itself")
    func ed25519Key() throws {
        let rekor = Curve25519.Signing.PrivateKey()
        let spki = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]) + rekor.publicKey.rawRepresentation
        let key = try RekorKey(subjectPublicKeyInfoDER: spki)
        let payloadHash = hex(SHA256.hash(data: Data("payload".utf8)))
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"
        let body = Data(
            """
            {"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"\(payloadHash)"}},\
            "signature":{"content":"\(Data("sig".utf8).base64EncodedString())","publicKey":{"content":"\(Data(pem.utf8).base64EncodedString())"}}}}
            """.utf8
        )
        let signature = try sign(body: body, time: 10, index: 20, logID: key.logID) { try rekor.signature(for: $0) }
        let entry = try SignedEntryTimestamp.verify(
            body: body, integratedTime: 10, logIndex: 20, logID: key.logID, signature: signature, keys: [key]
        )
        #expect(entry == HashedRekordEntry(payloadSHA256: payloadHash, signature: Data("sig".utf8), publicKeyPEM: pem))
        #expect(throws: TrustError(.invalidSignedEntryTimestamp, "")) {
            try SignedEntryTimestamp.verify(body: body, integratedTime: 11, logIndex: 20, logID: key.logID, signature: signature, keys: [key])
        }
    }

    private func sign(body: Data, time: Int64, index: Int64, logID: String, with signer: (Data) throws -> Data) throws -> Data {
        try signer(
            SignedEntryTimestamp.canonicalPayload(
                bodyBase64: body.base64EncodedString(), integratedTime: time, logIndex: index, logID: logID
            )
        )
    }
}

/// The bytes of a hex string.
func hexBytes(_ text: String) -> Data? {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
        guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
        bytes.append(byte)
        index = next
    }
    return Data(bytes)
}
