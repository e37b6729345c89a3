import Foundation
import MoatTesting
import Testing
@testable import SigstoreKeys

/// The parts of `scripts/testing/cosign_reference.py` that other modules' end-to-end tests rely on but this module
/// does not exercise: the simple-signing payload must be byte-for-byte what cosign (Go's json.Marshal) writes.
@Suite struct ReferenceScriptTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test func payloadWithoutAnnotationsIsCosignsBytes() async throws {
        let payload = try await Reference.output(["payload", "--reference", "ghcr.io/acme/app", "--digest", Self.digest])
        let expected = #"{"critical":{"identity":{"docker-reference":"ghcr.io/acme/app"},"image":{"docker-manifest-digest":"\#(Self.digest)"},"type":"cosign container image signature"},"optional":null}"#
        #expect(String(decoding: payload, as: UTF8.self) == expected)
        #expect(payload.last == UInt8(ascii: "}"), "no trailing newline")
    }

    /// Annotations become `optional` with sorted keys and Go's HTML-safe escapes.
    @Test func payloadAnnotationsAreSortedAndEscapedAsGoDoes() async throws {
        let payload = try await Reference.output([
            "payload", "--reference", "index.docker.io/library/alpine", "--digest", Self.digest,
            "-a", "zeta=last", "-a", "alpha=<a&b>", "-a", "eq=x=y",
        ])
        let expected = #"{"critical":{"identity":{"docker-reference":"index.docker.io/library/alpine"},"image":{"docker-manifest-digest":"\#(Self.digest)"},"type":"cosign container image signature"},"optional":{"alpha":"\u003ca\u0026b\u003e","eq":"x=y","zeta":"last"}}"#
        #expect(String(decoding: payload, as: UTF8.self) == expected)
    }

    @Test func badArgumentsFailWithStatus2() async throws {
        let result = try await Reference.run(["payload", "--reference", "r", "--digest", "sha256:short"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--digest"))
        let sign = try await Reference.run(["sign", "--key", "/nonexistent/cosign.key", "--payload", "/nonexistent/payload"])
        #expect(sign.status == 2)
    }
}
