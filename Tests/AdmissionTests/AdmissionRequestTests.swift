import Admission
import Foundation
import Testing

@Suite struct AdmissionRequestTests {
    @Test func decodesAPodCreate() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.podCreate.utf8))
        #expect(request.uid == "0df28fbd-5f5f-11e8-bc74-36e6bb280816")
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(request.kind.description == "v1 Pod")
        #expect(request.resource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
        #expect(request.subResource == nil)
        #expect(request.name == "web")
        #expect(request.namespace == "shop")
        #expect(request.operation == .create)
        #expect(request.username == "jane@example.com")
        #expect(request.dryRun == false)
        #expect(request.oldObject == nil)
        // object is the embedded object, byte for byte.
        let object = try #require(request.object)
        let text = String(decoding: object, as: UTF8.self)
        #expect(text.hasPrefix("{\n      \"kind\": \"Pod\""))
        #expect(text.hasSuffix("\"qosClass\": \"Burstable\"}\n    }"))
        #expect(Envelopes.podCreate.contains(text))
        let parsed = try Oracle.object(object)
        #expect((parsed["metadata"] as? [String: Any])?["uid"] as? String == "9c2f7d4e-1b0a-4c55-a3c1-0e6d2b7f8a90")
    }

    @Test func decodesADryRunUpdateWithOldObject() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.deploymentUpdateDryRun.utf8))
        #expect(request.kind == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        #expect(request.kind.description == "apps/v1 Deployment")
        #expect(request.resource.description == "apps/v1 deployments")
        #expect(request.operation == .update)
        #expect(request.dryRun)
        #expect(request.username == "system:serviceaccount:argocd:argocd-application-controller")
        let old = try Oracle.object(try #require(request.oldObject))
        #expect((old["metadata"] as? [String: Any])?["generation"] as? Int == 7)
        let new = try Oracle.object(try #require(request.object))
        #expect((new["metadata"] as? [String: Any])?["generation"] as? Int == 8)
    }

    @Test func decodesSubresourcesAndDeletes() throws {
        let scale = try AdmissionRequest(reviewJSON: Data(Envelopes.scaleSubresource.utf8))
        #expect(scale.kind.description == "autoscaling/v1 Scale")
        #expect(scale.resource.resource == "deployments")
        #expect(scale.subResource == "scale")
        #expect(scale.username == "admin")

        let delete = try AdmissionRequest(reviewJSON: Data(Envelopes.podDelete.utf8))
        #expect(delete.operation == .delete)
        #expect(delete.object == nil)
        #expect(delete.oldObject != nil)
        #expect(delete.username == "system:serviceaccount:kube-system:replicaset-controller")
    }

    @Test func optionalFieldsMayBeAbsent() throws {
        // generateName: no name yet; a cluster-scoped or minimal request: no namespace, userInfo, dryRun, resource.
        let json = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},"name":"","operation":"PATCH-LIKE-FUTURE-OP"}}"#
        let request = try AdmissionRequest(reviewJSON: Data(json.utf8))
        #expect(request.name == nil)
        #expect(request.namespace == nil)
        #expect(request.username == nil)
        #expect(request.dryRun == false)
        #expect(request.object == nil)
        #expect(request.resource.resource == "")
        // An operation this module does not know is kept, not refused.
        #expect(request.operation.rawValue == "PATCH-LIKE-FUTURE-OP")
        #expect(request.operation != .update)
    }

    @Test func acceptsBytesAsWellAsData() throws {
        let request = try AdmissionRequest(reviewJSON: Array(Envelopes.ephemeralContainers.utf8))
        #expect(request.subResource == "ephemeralcontainers")
        #expect(request.uid == "3a0b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    }

    @Test func refusesWrongEnvelopes() {
        expectAdmissionError(.wrongAPIVersion, "admission.k8s.io/v1beta1", "admissionReviewVersions") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}"#.utf8))
        }
        expectAdmissionError(.wrongKind, "expected \"AdmissionReview\"", "\"ImageReview\"") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"ImageReview","request":{"uid":"u"}}"#.utf8))
        }
        expectAdmissionError(.missingField, "request: missing") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8))
        }
        expectAdmissionError(.missingField, "request: missing") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}"#.utf8))
        }
    }

    @Test func refusesAMissingOrUnusableUID() {
        let prefix = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"group":"","version":"v1","kind":"Pod"}"#
        let missing = expectAdmissionError(.missingField, "request.uid: missing") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + "}}").utf8))
        }
        #expect(missing?.path == "request.uid")
        expectAdmissionError(.missingField, "request.uid: missing") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + #","uid":null}}"#).utf8))
        }
        expectAdmissionError(.invalidValue, "request.uid: empty") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + #","uid":""}}"#).utf8))
        }
        expectAdmissionError(.wrongType, "request.uid: expected a string, found a number") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + #","uid":12345}}"#).utf8))
        }
    }

    @Test func requiresTheKind() {
        let prefix = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u""#
        expectAdmissionError(.missingField, "request.kind: missing") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + "}}").utf8))
        }
        expectAdmissionError(.missingField, "request.kind.kind: missing") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + #","kind":{"group":"apps","version":"v1"}}}"#).utf8))
        }
        expectAdmissionError(.wrongType, "request.kind: expected an object, found a string") {
            _ = try AdmissionRequest(reviewJSON: Data((prefix + #","kind":"Pod"}}"#).utf8))
        }
    }

    @Test func wrongTypesAtEveryLevelNameTheirPath() {
        let base = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"}"#
        let cases: [(String, String)] = [
            (#","resource":"pods""#, "request.resource: expected an object, found a string"),
            (#","resource":{"group":"","version":"v1","resource":1}"#, "request.resource.resource: expected a string, found a number"),
            (#","subResource":["status"]"#, "request.subResource: expected a string, found an array"),
            (#","name":false"#, "request.name: expected a string, found a boolean"),
            (#","namespace":{}"#, "request.namespace: expected a string, found an object"),
            (#","operation":1"#, "request.operation: expected a string, found a number"),
            (#","userInfo":"admin""#, "request.userInfo: expected an object, found a string"),
            (#","userInfo":{"username":["admin"]}"#, "request.userInfo.username: expected a string, found an array"),
            (#","object":"{}""#, "request.object: expected an object, found a string"),
            (#","oldObject":[]"#, "request.oldObject: expected an object, found an array"),
            (#","dryRun":"true""#, "request.dryRun: expected a boolean, found a string"),
            (#","kind":{"group":5,"version":"v1","kind":"Pod"}"#, "duplicate key \"kind\""),
        ]
        for (fields, message) in cases {
            let json = base + fields + "}}"
            do {
                _ = try AdmissionRequest(reviewJSON: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.message.contains(message), "\(error.message) does not say \(message)")
            }
        }
        let root = expectAdmissionError(.wrongType, "expected an object, found an array") {
            _ = try AdmissionRequest(reviewJSON: Data("[1]".utf8))
        }
        #expect(root?.message.hasPrefix("the AdmissionReview") == true)
        expectAdmissionError(.wrongType, "request: expected an object, found a string") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"}"#.utf8))
        }
    }
}
