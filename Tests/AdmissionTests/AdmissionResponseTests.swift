import Admission
import Foundation
import Testing

@Suite struct AdmissionResponseTests {
    @Test func validatingAllowIsMinimal() throws {
        let response = AdmissionResponse.allow(uid: "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(
            String(decoding: response.json(), as: UTF8.self)
                == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}"#
        )
        let inner = try Self.response(response)
        #expect(Set(inner.keys) == ["uid", "allowed"])
        #expect(response.patch == nil)
        #expect(response.status == nil)
    }

    @Test func denyCarries403AndTheMessage() throws {
        let response = AdmissionResponse.deny(
            uid: "u-1", message: "image docker.io/libraryevil/x: registry not allowed", warnings: ["uses :latest"]
        )
        #expect(
            String(decoding: response.json(), as: UTF8.self)
                == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-1","allowed":false,"status":{"code":403,"message":"image docker.io/libraryevil/x: registry not allowed"},"warnings":["uses :latest"]}}"#
        )
        let inner = try Self.response(response)
        #expect(inner["allowed"] as? Bool == false)
        let status = try #require(inner["status"] as? [String: Any])
        #expect(status["code"] as? Int == 403)
        #expect(Set(inner.keys) == ["uid", "allowed", "status", "warnings"])
        #expect(inner["patch"] == nil && inner["patchType"] == nil)

        let badRequest = try Self.response(.deny(uid: "u-2", message: "malformed", code: 400))
        #expect((badRequest["status"] as? [String: Any])?["code"] as? Int == 400)
    }

    @Test func uidIsEchoedFromTheRequest() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.podCreate.utf8))
        for response in [AdmissionResponse.allow(uid: request.uid), .deny(uid: request.uid, message: "no"), .allow(uid: request.uid, patch: [.replace("/spec/containers/0/image", with: "x")])] {
            let root = try Oracle.object(response.json())
            #expect(root["apiVersion"] as? String == "admission.k8s.io/v1")
            #expect(root["kind"] as? String == "AdmissionReview")
            #expect((root["response"] as? [String: Any])?["uid"] as? String == "0df28fbd-5f5f-11e8-bc74-36e6bb280816")
        }
    }

    @Test func mutatingAllowWritesPatchAndPatchTypeTogether() throws {
        let digest = "ghcr.io/acme/app@sha256:" + String(repeating: "0f", count: 32)
        let response = AdmissionResponse.allow(
            uid: "u-3",
            patch: [.test("/spec/containers/0/image", equals: "ghcr.io/acme/app:1"), .replace("/spec/containers/0/image", with: digest)]
        )
        let inner = try Self.response(response)
        #expect(inner["patchType"] as? String == "JSONPatch")
        let patchBase64 = try #require(inner["patch"] as? String)
        let patch = try #require(Data(base64Encoded: patchBase64))
        let operations = try #require(try JSONSerialization.jsonObject(with: patch) as? [[String: String]])
        #expect(operations == [
            ["op": "test", "path": "/spec/containers/0/image", "value": "ghcr.io/acme/app:1"],
            ["op": "replace", "path": "/spec/containers/0/image", "value": digest],
        ])
        #expect(inner["status"] == nil)

        // An empty patch is a plain allow: neither key, never one without the other.
        let empty = try Self.response(.allow(uid: "u-4", patch: []))
        #expect(empty["patch"] == nil && empty["patchType"] == nil)
    }

    /// The patch a response carries, applied by kubectl (Go's JSON Patch), pins the image in a real Deployment.
    @Test func kubectlAppliesTheResponsePatch() async throws {
        let object = try await Kubectl.run(["create", "deployment", "api", "--image=ghcr.io/acme/api:2.0", "--dry-run=client", "-o", "json"])
        let pod = try #require(try WorkloadImages.extract(from: Review(group: "apps", kind: "Deployment", resource: "deployments", object: object).decode()).podImages)
        let pinned = "ghcr.io/acme/api@sha256:" + String(repeating: "5e", count: 32)
        let operations = pod.images.flatMap { [JSONPatchOperation.test($0.pointer, equals: $0.image), .replace($0.pointer, with: pinned)] }
        let response = AdmissionResponse.allow(uid: "u", patch: operations)
        let patchText = try #require(try Self.response(response)["patch"] as? String)
        let patch = try #require(Data(base64Encoded: patchText))
        let patched = try Oracle.object(try await Kubectl.applyJSONPatch(String(decoding: patch, as: UTF8.self), to: object))
        #expect(Oracle.resolve("/spec/template/spec/containers/0/image", in: patched) as? String == pinned)

        // The test operation guards the replace: a changed image makes kubectl refuse the patch.
        let stale = JSONPatch([.test(pod.images[0].pointer, equals: "ghcr.io/acme/api:1.0"), .replace(pod.images[0].pointer, with: pinned)])
        await #expect(throws: KubectlFailure.self) {
            _ = try await Kubectl.applyJSONPatch(String(decoding: stale.json(), as: UTF8.self), to: object)
        }
    }

    @Test func warningsAreCleanedForTheApiserver() throws {
        let long = String(repeating: "image registry.example.com/team/app:latest uses a mutable tag; ", count: 5)
        let response = AdmissionResponse.allow(
            uid: "u",
            warnings: ["Warning: uses :latest", "warning:  second", "line\nbreak\ttab\u{7F}del\u{85}nel", "", "   ", "uses :latest", long]
        )
        #expect(response.warnings.count == 4)
        #expect(response.warnings[0] == "uses :latest")
        #expect(response.warnings[1] == "second")
        #expect(response.warnings[2] == "line break tab del nel")
        let cut = response.warnings[3]
        #expect(cut.unicodeScalars.count <= AdmissionResponse.maxWarningLength)
        #expect(cut.hasSuffix("…"))
        #expect(long.hasPrefix(String(cut.dropLast())))
        let written = try #require(try Self.response(response)["warnings"] as? [String])
        #expect(written == response.warnings)
        #expect(written.allSatisfy { !$0.lowercased().hasPrefix("warning:") && $0.unicodeScalars.count <= 120 })
    }

    @Test func warningsAreCutOnCharacterBoundariesAndOmittedWhenEmpty() throws {
        // 119 ASCII scalars then a 2-scalar character: the character must not be split.
        let text = String(repeating: "a", count: 119) + "e\u{301}" + "tail"
        let cut = try #require(AdmissionResponse.cleanWarning(text))
        #expect(cut == String(repeating: "a", count: 119) + "…")
        #expect(AdmissionResponse.cleanWarning(String(repeating: "b", count: 120)) == String(repeating: "b", count: 120))
        #expect(AdmissionResponse.cleanWarning(String(repeating: "b", count: 121))?.unicodeScalars.count == 120)
        #expect(AdmissionResponse.cleanWarning("Warning:") == nil)
        let inner = try Self.response(.allow(uid: "u", warnings: ["", "Warning: "]))
        #expect(inner["warnings"] == nil)
    }

    @Test func manyWarningsStayWithinWhatTheApiserverForwards() throws {
        // One warning per image of a hostile pod with 10,000 containers.
        let warnings = (0..<10_000).map { "image registry.example.com/app-\($0):latest uses a mutable tag" }
        let response = AdmissionResponse.allow(uid: "u", warnings: warnings)
        #expect(response.warnings.reduce(0) { $0 + $1.unicodeScalars.count } <= 4096)
        #expect(response.warnings.count > 50)
        let last = try #require(response.warnings.last)
        #expect(last.hasSuffix("more warnings not shown"))
        #expect(response.warnings.dropLast().allSatisfy { $0.hasSuffix("uses a mutable tag") })
        #expect(try Self.response(response)["warnings"] as? [String] == response.warnings)
    }

    @Test func textIsEscapedAndDecodesBack() throws {
        let message = "image \"a\\b\" is\nnot allowed: ünïcødé ✓ 😀 \u{0}\u{1F}"
        let response = AdmissionResponse.deny(uid: "uid-\"quoted\"", message: message, auditAnnotations: ["rule": "registry", "image": "a/b"])
        let inner = try Self.response(response)
        #expect(inner["uid"] as? String == "uid-\"quoted\"")
        #expect((inner["status"] as? [String: Any])?["message"] as? String == message)
        #expect(inner["auditAnnotations"] as? [String: String] == ["rule": "registry", "image": "a/b"])
        let text = String(decoding: response.json(), as: UTF8.self)
        #expect(text.contains(#"\u0000\u001f"#))
        #expect(text.contains(#""auditAnnotations":{"image":"a/b","rule":"registry"}"#))
    }

    /// `response` of the written review, through Foundation's parser.
    static func response(_ response: AdmissionResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let root = try Oracle.object(response.json(), sourceLocation: sourceLocation)
        #expect(Set(root.keys) == ["apiVersion", "kind", "response"], sourceLocation: sourceLocation)
        return try #require(root["response"] as? [String: Any], sourceLocation: sourceLocation)
    }
}
