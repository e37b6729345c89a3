import Foundation
import ImageSigning
import OCIModel
import Testing

@Suite struct SimpleSigningPayloadTests {
    let digest = Digest(sha256Hex: String(repeating: "ab", count: 32))

    @Test func bytesAreCosignsGoMarshalling() {
        let payload = SimpleSigningPayload(dockerReference: "ghcr.io/acme/app", manifestDigest: digest)
        let expected = #"{"critical":{"identity":{"docker-reference":"ghcr.io/acme/app"},"image":{"docker-manifest-digest":"sha256:"# + digest.hex
            + #""},"type":"cosign container image signature"},"optional":null}"#
        #expect(String(decoding: payload.bytes, as: UTF8.self) == expected)
    }

    @Test func annotationsAreSortedAndEscapedAsGoDoes() {
        let payload = SimpleSigningPayload(dockerReference: "r.io/a", manifestDigest: digest,
                                           optional: ["z": "last", "a": "<b>&\"q\"\n", "M": "é"])
        let text = String(decoding: payload.bytes, as: UTF8.self)
        #expect(text.hasSuffix(#""optional":{"M":"é","a":"\u003cb\u003e\u0026\"q\"\n","z":"last"}}"#), "\(text)")
    }

    @Test func parsesWhatItWritesAndContainersImagePayloads() throws {
        let written = SimpleSigningPayload(dockerReference: "r.io/team/app", manifestDigest: digest, optional: ["env": "prod"])
        #expect(try SimpleSigningPayload(parsing: written.bytes) == written)
        // containers/image: the reference carries the tag, optional has a number.
        let skopeoStyle = #"{"critical":{"identity":{"docker-reference":"r.io/team/app:1.4"},"image":{"docker-manifest-digest":"sha256:"#
            + digest.hex + #""},"type":"cosign container image signature"},"optional":{"creator":"containers/image 5.23","timestamp":1700000000,"x":true}}"#
        let parsed = try SimpleSigningPayload(parsing: Data(skopeoStyle.utf8))
        #expect(parsed.dockerReference == "r.io/team/app:1.4")
        #expect(parsed.optional?["timestamp"] == "1700000000")
        #expect(parsed.optional?["x"] == "true")
    }

    @Test(arguments: [
        (#"[]"#, "not a JSON object"),
        (#"{"optional":null}"#, "no \"critical\""),
        (#"{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"sha256:00"},"type":"t","extra":1}}"#, "does not know: extra"),
        (#"{"critical":{"identity":{"docker-reference":"a"},"image":{"Docker-manifest-digest":"sha256:00"},"type":"t"}}"#, "does not know: Docker-manifest-digest"),
        (#"{"critical":{"identity":{"docker-reference":1},"image":{"docker-manifest-digest":"sha256:00"},"type":"t"}}"#, "docker-reference is missing or not a string"),
        (#"{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"nope"},"type":"t"}}"#, "is not a digest"),
        (#"{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}}}"#, "critical.type is missing"),
        (#"{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"},"type":"t"},"optional":[1]}"#, "neither null nor an object"),
    ])
    func malformedPayloadsAreRefused(text: String, reason: String) {
        #expect {
            _ = try SimpleSigningPayload(parsing: Data(text.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func signatureManifestConfigIsGGCRs() throws {
        let layer = SignatureManifest.layer(payload: Data("p".utf8), signature: Data([1, 2, 3]))
        let (manifest, config) = try SignatureManifest.manifest(layers: [layer])
        #expect(config.count == 233, "cosign's config for one signature is 233 bytes")
        let decoded = try JSONDecoder().decode(Manifest.self, from: manifest)
        #expect(decoded.layers.first?.annotations?[CosignFormat.signatureAnnotation] == "AQID")
        #expect(decoded.layers.first?.mediaType == CosignFormat.simpleSigningMediaType)
        #expect(decoded.config.digest == Digest.sha256(of: config))
        #expect(CosignFormat.signatureTag(for: layer.digest) == "sha256-\(layer.digest.hex).sig")
    }
}
