import Admission
import Foundation
import Testing

@Suite struct ImageReviewTests {
    /// A request as ImagePolicyWebhook sends it: containers then init containers, no names, filtered annotations.
    static let request = #"""
        {"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{"containers":[{"image":"myrepo/myimage:v1"},{"image":"docker.io/library/busybox@sha256:7b3ccabffc97de872a30dfd234fd972a66d247c8cfc69b0550f276481852627c"},{"image":"init-image:2"}],"annotations":{"x.image-policy.k8s.io/ticket":"break-glass","mycluster.image-policy.k8s.io/reason":"incident 42"},"namespace":"ns"}}
        """#

    @Test func decodesImagesInOrderAnnotationsAndNamespace() throws {
        let review = try ImageReviewRequest(json: Data(Self.request.utf8))
        #expect(review.images == [
            "myrepo/myimage:v1",
            "docker.io/library/busybox@sha256:7b3ccabffc97de872a30dfd234fd972a66d247c8cfc69b0550f276481852627c",
            "init-image:2",
        ])
        #expect(review.annotations == ["x.image-policy.k8s.io/ticket": "break-glass", "mycluster.image-policy.k8s.io/reason": "incident 42"])
        #expect(review.namespace == "ns")
    }

    @Test func keepsOnlyImagePolicyAnnotations() throws {
        let json = #"""
            {"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{"containers":[{"image":"a"}],
             "annotations":{"x.image-policy.k8s.io/ticket":"1","image-policy.k8s.io/no-leading-dot":"2","team":"payments",
                            "example.com/x.image-policy.k8s.io":"3","a.b.image-policy.k8s.io/c/d":"4"}}}
            """#
        let review = try ImageReviewRequest(json: Data(json.utf8))
        // Only keys *containing* ".image-policy.k8s.io/" survive, as in the apiserver plugin.
        #expect(review.annotations == ["x.image-policy.k8s.io/ticket": "1", "a.b.image-policy.k8s.io/c/d": "4"])
        #expect(review.namespace == nil)
    }

    @Test func ephemeralContainersRequestIsJustImages() throws {
        // The pods/ephemeralcontainers subresource sends only the ephemeral images, indistinguishably.
        let json = #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{"containers":[{"image":"busybox:1.36"}],"namespace":"default"}}"#
        let review = try ImageReviewRequest(json: Data(json.utf8))
        #expect(review.images == ["busybox:1.36"])
        #expect(review.annotations.isEmpty)
    }

    @Test func absentOrEmptyFieldsReadAsEmpty() throws {
        let json = #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{"containers":[{},{"image":null},null],"annotations":null,"namespace":""}}"#
        let review = try ImageReviewRequest(json: Data(json.utf8))
        #expect(review.images == ["", "", ""])
        #expect(review.annotations.isEmpty)
        #expect(review.namespace == nil)
        let bare = try ImageReviewRequest(json: Data(#"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":{}}"#.utf8))
        #expect(bare.images.isEmpty)
    }

    @Test func refusesOtherDocuments() {
        expectAdmissionError(.wrongAPIVersion, "apiVersion", "imagepolicy.k8s.io/v1beta1") {
            _ = try ImageReviewRequest(json: Data(#"{"apiVersion":"imagepolicy.k8s.io/v1beta1","kind":"ImageReview","spec":{}}"#.utf8))
        }
        expectAdmissionError(.wrongKind, "kind", "AdmissionReview") {
            _ = try ImageReviewRequest(json: Data(#"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"AdmissionReview","spec":{}}"#.utf8))
        }
        expectAdmissionError(.wrongAPIVersion, "missing") {
            _ = try ImageReviewRequest(json: Data(#"{"kind":"ImageReview","spec":{}}"#.utf8))
        }
        expectAdmissionError(.missingField, "spec") {
            _ = try ImageReviewRequest(json: Data(#"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview"}"#.utf8))
        }
        expectAdmissionError(.wrongType, "the ImageReview", "expected an object, found an array") {
            _ = try ImageReviewRequest(json: Data("[]".utf8))
        }
    }

    @Test func wrongTypesNameTheirPath() {
        let prefix = #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","spec":"#
        let cases: [(spec: String, message: String)] = [
            (#""yes""#, "spec: expected an object, found a string"),
            (#"{"containers":{"image":"a"}}"#, "spec.containers: expected an array, found an object"),
            (#"{"containers":["a"]}"#, "spec.containers[0]: expected an object, found a string"),
            (#"{"containers":[{"image":"a"},{"image":7}]}"#, "spec.containers[1].image: expected a string, found a number"),
            (#"{"annotations":["a"]}"#, "spec.annotations: expected an object, found an array"),
            (#"{"annotations":{"x.image-policy.k8s.io/t":true}}"#, #"spec.annotations["x.image-policy.k8s.io/t"]: expected a string, found a boolean"#),
            (#"{"namespace":{}}"#, "spec.namespace: expected a string, found an object"),
        ]
        for (spec, message) in cases {
            let error = expectAdmissionError(.wrongType, message) {
                _ = try ImageReviewRequest(json: Data((prefix + spec + "}").utf8))
            }
            #expect(error.flatMap { $0.path.map { message.hasPrefix($0) } } == true, "path \(String(describing: error?.path))")
        }
    }

    @Test func responseIsExactlyTheWireFormat() throws {
        let deny = ImageReviewResponse(allowed: false, reason: "registry not allowed", auditAnnotations: ["rule": "allowlist"])
        #expect(
            String(decoding: deny.json(), as: UTF8.self)
                == #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","status":{"allowed":false,"reason":"registry not allowed","auditAnnotations":{"rule":"allowlist"}}}"#
        )
        let allow = ImageReviewResponse(allowed: true)
        #expect(String(decoding: allow.json(), as: UTF8.self) == #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","status":{"allowed":true}}"#)
        #expect(ImageReviewResponse(allowed: true, reason: "").jsonBytes() == allow.jsonBytes())
    }

    @Test func responseDecodesBackWithEscapedText() throws {
        let reason = "image \"evil\\x\"\nnot allowed: ünïcødé ✓ \u{1}"
        let response = ImageReviewResponse(allowed: false, reason: reason, auditAnnotations: ["rule": "a\"b", "image": "x/y:1"])
        let root = try Oracle.object(response.json())
        #expect(root["apiVersion"] as? String == "imagepolicy.k8s.io/v1alpha1")
        #expect(root["kind"] as? String == "ImageReview")
        let status = try #require(root["status"] as? [String: Any])
        #expect(status["allowed"] as? Bool == false)
        #expect(status["reason"] as? String == reason)
        #expect(status["auditAnnotations"] as? [String: String] == ["rule": "a\"b", "image": "x/y:1"])
        // Keys are written sorted, so the output is deterministic.
        #expect(String(decoding: response.json(), as: UTF8.self).contains(#"{"image":"x/y:1","rule":"a\"b"}"#))
    }
}
