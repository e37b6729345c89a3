/// Complete AdmissionReview requests written by hand after what the apiserver sends (wire-formats §6): the
/// object as the validating phase sees it (defaulted, with uid, managed fields and status), userInfo, options,
/// dryRun, and `oldObject` null on CREATE.
enum Envelopes {
    /// A validating webhook's view of `kubectl run web --image=nginx:1.25` with an init container.
    static let podCreate = #"""
        {
          "kind": "AdmissionReview",
          "apiVersion": "admission.k8s.io/v1",
          "request": {
            "uid": "0df28fbd-5f5f-11e8-bc74-36e6bb280816",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "name": "web",
            "namespace": "shop",
            "operation": "CREATE",
            "userInfo": {
              "username": "jane@example.com",
              "uid": "oidc:9f2c",
              "groups": ["developers", "system:authenticated"],
              "extra": {"scopes.authorization.openshift.io": ["user:full"]}
            },
            "object": {
              "kind": "Pod",
              "apiVersion": "v1",
              "metadata": {
                "name": "web",
                "namespace": "shop",
                "uid": "9c2f7d4e-1b0a-4c55-a3c1-0e6d2b7f8a90",
                "creationTimestamp": "2026-03-02T10:15:00Z",
                "labels": {"run": "web"},
                "annotations": {"x.image-policy.k8s.io/ticket": "CHG-1234", "kubectl.kubernetes.io/default-container": "web"},
                "managedFields": [
                  {
                    "manager": "kubectl-run",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": "2026-03-02T10:15:00Z",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:run": {}}}, "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}}, "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}}}
                  }
                ]
              },
              "spec": {
                "volumes": [
                  {"name": "kube-api-access-7xk2p", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}, {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}, {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}], "defaultMode": 420}}
                ],
                "initContainers": [
                  {"name": "migrate", "image": "ghcr.io/acme/migrate@sha256:3f1c2b9a8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3", "command": ["/migrate", "--up"], "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
                ],
                "containers": [
                  {"name": "web", "image": "nginx:1.25", "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "500m", "memory": "128Mi"}}, "volumeMounts": [{"name": "kube-api-access-7xk2p", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}], "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"},
                  {"name": "log-shipper", "image": "docker.io/fluent/fluent-bit:3.0", "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "serviceAccountName": "default",
                "serviceAccount": "default",
                "securityContext": {},
                "schedulerName": "default-scheduler",
                "tolerations": [
                  {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                  {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                ],
                "priority": 0,
                "enableServiceLinks": true,
                "preemptionPolicy": "PreemptLowerPriority"
              },
              "status": {"phase": "Pending", "qosClass": "Burstable"}
            },
            "oldObject": null,
            "dryRun": false,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-run"}
          }
        }
        """#

    /// `kubectl set image deployment/api api=ghcr.io/acme/api:2.0 --dry-run=server`: an UPDATE with oldObject.
    static let deploymentUpdateDryRun = #"""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"e911857d-c318-11e8-bbad-025000000001","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"requestResource":{"group":"apps","version":"v1","resource":"deployments"},"name":"api","namespace":"payments","operation":"UPDATE","userInfo":{"username":"system:serviceaccount:argocd:argocd-application-controller","uid":"5a1c","groups":["system:serviceaccounts","system:serviceaccounts:argocd","system:authenticated"]},"object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"api","namespace":"payments","uid":"4b5f","resourceVersion":"48213","generation":8,"creationTimestamp":"2026-01-10T08:00:00Z","labels":{"app":"api"},"annotations":{"deployment.kubernetes.io/revision":"7","team.example.com/owner":"payments"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"api"},"annotations":{"x.image-policy.k8s.io/ticket":"INC-77","prometheus.io/scrape":"true"}},"spec":{"containers":[{"name":"api","image":"ghcr.io/acme/api:2.0","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600},"status":{"observedGeneration":7,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}},"oldObject":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"api","namespace":"payments","uid":"4b5f","resourceVersion":"48213","generation":7,"creationTimestamp":"2026-01-10T08:00:00Z","labels":{"app":"api"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"api"}},"spec":{"containers":[{"name":"api","image":"ghcr.io/acme/api:1.9","resources":{}}],"restartPolicy":"Always"}}}},"dryRun":true,"options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","dryRun":["All"],"fieldManager":"kubectl-set"}}}
        """#

    /// `kubectl debug -it web --image=busybox:1.36`: the pods/ephemeralcontainers subresource, an UPDATE whose
    /// object is the whole Pod.
    static let ephemeralContainers = #"""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"3a0b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"subResource":"ephemeralcontainers","requestKind":{"group":"","version":"v1","kind":"Pod"},"requestResource":{"group":"","version":"v1","resource":"pods"},"requestSubResource":"ephemeralcontainers","name":"web","namespace":"shop","operation":"UPDATE","userInfo":{"username":"oncall@example.com","groups":["sre","system:authenticated"]},"object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","uid":"9c2f","annotations":{"x.image-policy.k8s.io/ticket":"CHG-1234"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}],"ephemeralContainers":[{"name":"debugger-8t4kq","image":"busybox:1.36","stdin":true,"tty":true,"targetContainerName":"web","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}]},"status":{"phase":"Running"}},"oldObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","uid":"9c2f"},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]},"status":{"phase":"Running"}},"dryRun":false,"options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1"}}}
        """#

    /// The Kubernetes documentation's example: a `deployments/scale` UPDATE, whose object is a Scale.
    static let scaleSubresource = #"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","kind":{"group":"autoscaling","version":"v1","kind":"Scale"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"subResource":"scale","requestKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"requestResource":{"group":"apps","version":"v1","resource":"deployments"},"requestSubResource":"scale","name":"my-deployment","namespace":"my-namespace","operation":"UPDATE","userInfo":{"username":"admin","uid":"014fbff9a07c","groups":["system:authenticated","my-admin-group"],"extra":{"some-key":["some-value1","some-value2"]}},"object":{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"my-deployment"},"spec":{"replicas":3}},"oldObject":{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"my-deployment"},"spec":{"replicas":2}},"options":{"apiVersion":"meta.k8s.io/v1","kind":"UpdateOptions"},"dryRun":false}}
        """#

    /// A DELETE: `object` is null, `oldObject` is the Pod.
    static let podDelete = #"""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"c1d2e3f4-0000-4000-8000-000000000001","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"name":"web","namespace":"shop","operation":"DELETE","userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},"object":null,"oldObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"shop"},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}},"dryRun":false,"options":{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","propagationPolicy":"Background"}}}
        """#
}
