import Admission
import Foundation
import Testing

@Suite struct WorkloadImagesTests {
    // MARK: - Real objects printed by kubectl

    @Test func deploymentFromKubectl() async throws {
        let object = try await Kubectl.run(["create", "deployment", "web", "--image=nginx:1.25", "--image=ghcr.io/acme/sidecar@sha256:" + String(repeating: "ab", count: 32), "--dry-run=client", "-o", "json"])
        let review = Review(group: "apps", kind: "Deployment", resource: "deployments", name: "web", object: object)
        let pod = try #require(try WorkloadImages.extract(from: review.decode()).podImages)
        #expect(pod.kind == .deployment)
        #expect(pod.namespace == "team-a")
        #expect(pod.podSpecPointer == "/spec/template/spec")
        #expect(pod.images.map(\.image) == ["nginx:1.25", "ghcr.io/acme/sidecar@sha256:" + String(repeating: "ab", count: 32)])
        #expect(pod.images.map(\.container) == ["nginx", "sidecar"])
        #expect(pod.images.map(\.pointer) == ["/spec/template/spec/containers/0/image", "/spec/template/spec/containers/1/image"])
        #expect(pod.images.allSatisfy { $0.role == .container })
        #expect(pod.images.map(\.index) == [0, 1])
        try expectPointersResolve(pod, in: object)
    }

    @Test func jobFromKubectl() async throws {
        let object = try await Kubectl.run(["create", "job", "migrate", "--image=ghcr.io/acme/migrate:3", "--dry-run=client", "-o", "json"])
        let review = Review(group: "batch", kind: "Job", resource: "jobs", name: "migrate", object: object)
        let pod = try #require(try WorkloadImages.extract(from: review.decode()).podImages)
        #expect(pod.kind == .job)
        #expect(pod.images.map(\.image) == ["ghcr.io/acme/migrate:3"])
        #expect(pod.images.map(\.pointer) == ["/spec/template/spec/containers/0/image"])
        try expectPointersResolve(pod, in: object)
    }

    @Test func cronJobFromKubectl() async throws {
        let object = try await Kubectl.run(["create", "cronjob", "report", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--dry-run=client", "-o", "json"])
        let review = Review(group: "batch", kind: "CronJob", resource: "cronjobs", name: "report", object: object)
        let pod = try #require(try WorkloadImages.extract(from: review.decode()).podImages)
        #expect(pod.kind == .cronJob)
        #expect(pod.podSpecPointer == "/spec/jobTemplate/spec/template/spec")
        #expect(pod.images.map(\.image) == ["busybox:1.36"])
        #expect(pod.images.map(\.container) == ["report"])
        #expect(pod.images.map(\.pointer) == ["/spec/jobTemplate/spec/template/spec/containers/0/image"])
        try expectPointersResolve(pod, in: object)
    }

    @Test func podFromKubectl() async throws {
        let object = try await Kubectl.pod(name: "web", image: "registry.example.com:5000/team/web:1.0")
        let review = Review(name: "web", object: object)
        let pod = try #require(try WorkloadImages.extract(from: review.decode()).podImages)
        #expect(pod.kind == .pod)
        #expect(pod.podSpecPointer == "/spec")
        #expect(pod.images.map(\.image) == ["registry.example.com:5000/team/web:1.0"])
        #expect(pod.images.map(\.container) == ["web"])
        #expect(pod.images.map(\.pointer) == ["/spec/containers/0/image"])
        try expectPointersResolve(pod, in: object)
    }

    /// kubectl's own knowledge of where pod templates are (`set image '*=…'` rewrites containers and init
    /// containers of every kind it supports) must agree with ours: every pointer we report lands on a rewritten
    /// image, and we report as many as kubectl rewrote.
    @Test(arguments: WorkloadKind.allCases.filter { $0 != .podTemplate })
    func pointersAgreeWithKubectlSetImage(kind: WorkloadKind) async throws {
        let apiVersion = kind == .cronJob ? try await Kubectl.cronJobAPIVersion() : nil
        let object = try Self.object(kind: kind, ephemeral: false, apiVersion: apiVersion)
        let rewritten = try await Kubectl.setAllImages(object, to: "rewritten.example/by-kubectl:1")
        let extraction = try WorkloadImages.extract(object: Data(object.utf8), kind: Self.gvk(kind))
        let pod = try #require(extraction.podImages)
        #expect(pod.images.count == 3)
        let root = try Oracle.object(rewritten)
        for image in pod.images {
            #expect(Oracle.resolve(image.pointer, in: root) as? String == "rewritten.example/by-kubectl:1", "\(kind) \(image.pointer)")
        }
        #expect(rewritten.components(separatedBy: "rewritten.example/by-kubectl:1").count - 1 == pod.images.count)
    }

    // MARK: - Every kind, every list

    @Test(arguments: WorkloadKind.allCases)
    func everyKindEveryContainerList(kind: WorkloadKind) throws {
        let object = try Self.object(kind: kind, ephemeral: true)
        let review = Review(
            group: Self.gvk(kind).group, version: Self.gvk(kind).version, kind: kind.rawValue, resource: kind.rawValue.lowercased() + "s",
            namespace: nil, object: object
        )
        let pod = try #require(try WorkloadImages.extract(from: review.decode()).podImages)
        // wire-formats §6 "Pod spec paths", written out rather than derived from WorkloadKind.
        let expected: [WorkloadKind: String] = [
            .pod: "/spec", .podTemplate: "/template/spec", .replicationController: "/spec/template/spec",
            .deployment: "/spec/template/spec", .replicaSet: "/spec/template/spec", .statefulSet: "/spec/template/spec",
            .daemonSet: "/spec/template/spec", .job: "/spec/template/spec", .cronJob: "/spec/jobTemplate/spec/template/spec",
        ]
        let spec = try #require(expected[kind])
        #expect(kind.podSpecPath == spec.split(separator: "/").map(String.init))
        #expect(pod.kind == kind)
        #expect(pod.podSpecPointer == spec)
        #expect(pod.onlyEphemeralContainers == false)
        #expect(pod.images.map(\.image) == ["app:1", "sidecar:2", "init:3", "debug:4"])
        #expect(pod.images.map(\.container) == ["app", "sidecar", "init", "debug"])
        #expect(pod.images.map(\.role) == [.container, .container, .initContainer, .ephemeralContainer])
        #expect(pod.images.map(\.pointer) == [
            spec + "/containers/0/image", spec + "/containers/1/image", spec + "/initContainers/0/image", spec + "/ephemeralContainers/0/image",
        ])
        // The request has no namespace here: the object's own is used.
        #expect(pod.namespace == "from-object")
        #expect(pod.annotations == ["x.image-policy.k8s.io/ticket": "pod-level"])
        #expect(pod.objectAnnotations == (kind == .pod ? ["x.image-policy.k8s.io/ticket": "pod-level"] : ["owner": "object-level"]))
        try expectPointersResolve(pod, in: object)
    }

    @Test func kindsAreMatchedByGroupAndKindInAnyVersion() {
        #expect(WorkloadKind(group: "extensions", kind: "Deployment") == .deployment)
        #expect(WorkloadKind(group: "apps", kind: "Deployment") == .deployment)
        #expect(WorkloadKind(group: "batch", kind: "CronJob") == .cronJob)
        #expect(WorkloadKind(group: "", kind: "Deployment") == nil)
        #expect(WorkloadKind(group: "example.com", kind: "Pod") == nil)
        #expect(WorkloadKind(group: "apps", kind: "ControllerRevision") == nil)
    }

    // MARK: - Subresources and other requests

    @Test func ephemeralContainersSubresourceYieldsOnlyEphemeralImages() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.ephemeralContainers.utf8))
        let pod = try #require(try WorkloadImages.extract(from: request).podImages)
        #expect(pod.onlyEphemeralContainers)
        #expect(pod.kind == .pod)
        #expect(pod.images == [
            PodImage(image: "busybox:1.36", container: "debugger-8t4kq", role: .ephemeralContainer, index: 0, pointer: "/spec/ephemeralContainers/0/image")
        ])
        #expect(pod.annotations == ["x.image-policy.k8s.io/ticket": "CHG-1234"])
        #expect(pod.namespace == "shop")
    }

    @Test func podCreateEnvelope() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.podCreate.utf8))
        let pod = try #require(try WorkloadImages.extract(from: request).podImages)
        #expect(pod.images.map(\.image) == [
            "nginx:1.25", "docker.io/fluent/fluent-bit:3.0",
            "ghcr.io/acme/migrate@sha256:3f1c2b9a8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3",
        ])
        #expect(pod.images.map(\.pointer) == ["/spec/containers/0/image", "/spec/containers/1/image", "/spec/initContainers/0/image"])
        #expect(pod.images.map(\.container) == ["web", "log-shipper", "migrate"])
        #expect(pod.annotations["x.image-policy.k8s.io/ticket"] == "CHG-1234")
        #expect(pod.annotations["kubectl.kubernetes.io/default-container"] == "web")
    }

    @Test func deploymentUpdateReadsTheNewObjectAndTemplateAnnotations() throws {
        let request = try AdmissionRequest(reviewJSON: Data(Envelopes.deploymentUpdateDryRun.utf8))
        let pod = try #require(try WorkloadImages.extract(from: request).podImages)
        #expect(pod.images.map(\.image) == ["ghcr.io/acme/api:2.0"])
        #expect(pod.annotations == ["x.image-policy.k8s.io/ticket": "INC-77", "prometheus.io/scrape": "true"])
        #expect(pod.objectAnnotations == ["deployment.kubernetes.io/revision": "7", "team.example.com/owner": "payments"])
        #expect(pod.namespace == "payments")
    }

    @Test func otherRequestsAreNotChecked() throws {
        let scale = try WorkloadImages.extract(from: AdmissionRequest(reviewJSON: Data(Envelopes.scaleSubresource.utf8)))
        #expect(scale == .notChecked(reason: "subresource deployments/scale cannot change images"))
        #expect(scale.podImages == nil)

        let delete = try WorkloadImages.extract(from: AdmissionRequest(reviewJSON: Data(Envelopes.podDelete.utf8)))
        #expect(delete == .notChecked(reason: "DELETE of v1 Pod has no object"))

        let status = try WorkloadImages.extract(from: Review(subResource: "status", operation: "UPDATE", object: #"{"spec":{"containers":[{"image":"x"}]}}"#).decode())
        #expect(status == .notChecked(reason: "subresource pods/status cannot change images"))

        let configMap = try WorkloadImages.extract(from: Review(kind: "ConfigMap", resource: "configmaps", object: #"{"data":{"image":"x"}}"#).decode())
        #expect(configMap == .notChecked(reason: "v1 ConfigMap is not a workload kind moat checks"))

        let custom = try WorkloadImages.extract(
            from: Review(group: "example.com", version: "v1", kind: "Deployment", resource: "deployments", object: #"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#).decode()
        )
        #expect(custom == .notChecked(reason: "example.com/v1 Deployment is not a workload kind moat checks"))
    }

    // MARK: - Details

    @Test func requestNamespaceWinsOverTheObjects() throws {
        let object = #"{"metadata":{"namespace":"object-ns"},"spec":{"containers":[{"name":"a","image":"a"}]}}"#
        #expect(try WorkloadImages.extract(from: Review(namespace: "request-ns", object: object).decode()).podImages?.namespace == "request-ns")
        #expect(try WorkloadImages.extract(from: Review(namespace: nil, object: object).decode()).podImages?.namespace == "object-ns")
        #expect(try WorkloadImages.extract(from: Review(namespace: nil, object: #"{"spec":{}}"#).decode()).podImages?.namespace == nil)
    }

    @Test func missingPiecesGiveEmptyValuesNotErrors() throws {
        // A template container may omit image (controllers or policies fill it); an RC may omit its template.
        let deployment = #"{"spec":{"template":{"spec":{"containers":[{"name":"app"},{"name":"b","image":null},null]}}}}"#
        let pod = try #require(try WorkloadImages.extract(object: Data(deployment.utf8), kind: Self.gvk(.deployment)).podImages)
        #expect(pod.images.map(\.image) == ["", "", ""])
        #expect(pod.images.map(\.container) == ["app", "b", ""])
        #expect(pod.annotations.isEmpty)

        for object in [#"{"spec":{}}"#, #"{"spec":{"template":null}}"#, #"{}"#, #"{"spec":{"template":{}}}"#] {
            let rc = try #require(try WorkloadImages.extract(object: Data(object.utf8), kind: Self.gvk(.replicationController)).podImages)
            #expect(rc.images.isEmpty, "\(object)")
        }
    }

    @Test func escapedKeysAreMatchedAfterUnescaping() throws {
        // "\u0069mage" is "image": a writer that escapes keys must not be able to hide an image.
        let object = #"{"sp\u0065c":{"containers":[{"name":"a","\u0069mage":"evil.example/x:1"}]}}"#
        let pod = try #require(try WorkloadImages.extract(object: Data(object.utf8), kind: Self.gvk(.pod)).podImages)
        #expect(pod.images.map(\.image) == ["evil.example/x:1"])
    }

    @Test func wrongTypesNameTheirPathInTheReview() throws {
        let cases: [(WorkloadKind, String, String)] = [
            (.deployment, #"{"spec":{"template":{"spec":{"containers":{"name":"a"}}}}}"#, "request.object.spec.template.spec.containers: expected an array, found an object"),
            (.deployment, #"{"spec":{"template":{"spec":{"containers":[{"image":"a"},{"image":42}]}}}}"#, "request.object.spec.template.spec.containers[1].image: expected a string, found a number"),
            (.deployment, #"{"spec":{"template":"pod"}}"#, "request.object.spec.template: expected an object, found a string"),
            (.deployment, #"{"spec":{"template":{"metadata":{"annotations":{"a/b":1}}}}}"#, #"request.object.spec.template.metadata.annotations["a/b"]: expected a string, found a number"#),
            (.cronJob, #"{"spec":{"jobTemplate":{"spec":[]}}}"#, "request.object.spec.jobTemplate.spec: expected an object, found an array"),
            (.pod, #"{"spec":{"initContainers":[{"name":7}]}}"#, "request.object.spec.initContainers[0].name: expected a string, found a number"),
            (.pod, #"{"spec":{"containers":["nginx"]}}"#, "request.object.spec.containers[0]: expected an object (a container), found a string"),
            (.pod, #"{"metadata":"x","spec":{}}"#, "request.object.metadata: expected an object, found a string"),
            (.pod, #"{"metadata":{"namespace":1}}"#, "request.object.metadata.namespace: expected a string, found a number"),
            (.podTemplate, #"{"template":{"spec":{"ephemeralContainers":true}}}"#, "request.object.template.spec.ephemeralContainers: expected an array, found a boolean"),
        ]
        for (kind, object, message) in cases {
            let gvk = Self.gvk(kind)
            let review = Review(group: gvk.group, version: gvk.version, kind: kind.rawValue, namespace: nil, object: object)
            let error = expectAdmissionError(.wrongType, message) { _ = try WorkloadImages.extract(from: review.decode()) }
            #expect(error?.path?.hasPrefix("request.object") == true)
        }
        // From a bare object, paths are relative to it.
        expectAdmissionError(.wrongType, "spec.containers[0].image: expected a string, found an array") {
            _ = try WorkloadImages.extract(object: Data(#"{"spec":{"containers":[{"image":[]}]}}"#.utf8), kind: Self.gvk(.pod))
        }
        expectAdmissionError(.wrongType, "the object: expected an object, found a string") {
            _ = try WorkloadImages.extract(object: Data(#""pod""#.utf8), kind: Self.gvk(.pod))
        }
    }

    // MARK: - Helpers

    static func gvk(_ kind: WorkloadKind) -> GroupVersionKind {
        switch kind {
        case .pod, .replicationController, .podTemplate: return GroupVersionKind(group: "", version: "v1", kind: kind.rawValue)
        case .deployment, .replicaSet, .statefulSet, .daemonSet: return GroupVersionKind(group: "apps", version: "v1", kind: kind.rawValue)
        case .job, .cronJob: return GroupVersionKind(group: "batch", version: "v1", kind: kind.rawValue)
        }
    }

    /// An object of `kind` whose pod template has two containers, an init container and (optionally) an
    /// ephemeral container, built at the kind's template path.
    static func object(kind: WorkloadKind, ephemeral: Bool, apiVersion: String? = nil) throws -> String {
        var spec: [String: Any] = [
            "containers": [["name": "app", "image": "app:1"], ["name": "sidecar", "image": "sidecar:2"]],
            "initContainers": [["name": "init", "image": "init:3"]],
            "restartPolicy": kind == .job || kind == .cronJob ? "Never" : "Always",
        ]
        if ephemeral { spec["ephemeralContainers"] = [["name": "debug", "image": "debug:4"]] }
        var template: [String: Any] = ["metadata": ["annotations": ["x.image-policy.k8s.io/ticket": "pod-level"]], "spec": spec]
        let gvk = gvk(kind)
        var metadata: [String: Any] = ["name": "x", "namespace": "from-object"]
        if kind != .pod { metadata["annotations"] = ["owner": "object-level"] }
        var object: [String: Any] = [
            "apiVersion": apiVersion ?? (gvk.group.isEmpty ? gvk.version : gvk.group + "/" + gvk.version), "kind": kind.rawValue,
        ]
        if kind == .pod {
            template["metadata"] = ["name": "x", "namespace": "from-object", "annotations": ["x.image-policy.k8s.io/ticket": "pod-level"]]
            object.merge(template) { $1 }
        } else {
            object["metadata"] = metadata
            // Nest the template along the kind's path, innermost first.
            var value: Any = template
            for key in kind.templatePath.reversed() {
                value = [key: value]
            }
            object.merge(try #require(value as? [String: Any])) { $1 }
        }
        if kind == .deployment || kind == .replicaSet || kind == .statefulSet || kind == .daemonSet,
            var outer = object["spec"] as? [String: Any]
        {
            outer["selector"] = ["matchLabels": ["app": "x"]]
            object["spec"] = outer
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Every pointer resolves, in the object, to the image reported for it.
    func expectPointersResolve(_ pod: PodImages, in object: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let root = try Oracle.object(object)
        for image in pod.images {
            #expect(Oracle.resolve(image.pointer, in: root) as? String == image.image, "\(image.pointer)", sourceLocation: sourceLocation)
        }
        #expect(Oracle.resolve(pod.podSpecPointer, in: root) is [String: Any], sourceLocation: sourceLocation)
    }
}
