import Foundation
import Hummingbird
import HummingbirdTesting
import ManifestLint
import ScanServer
import Testing

@Suite("POST /scan validates documents against the Kubernetes schemas first")
struct SchemaValidationRouteTests {
    /// No selector: kubesec's validation rejects it before any rule runs.
    static let invalidDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              hostNetwork: true
              containers:
              - name: web
                image: nginx

        """

    @Test("an invalid document is still 200, with valid:false, score 0 and the validation message")
    func invalidDocument() async throws {
        let expected = try Fixtures.expectedJSON(Self.invalidDeployment)
        #expect(expected.contains(#""valid": false"#))
        #expect(expected.contains(#"deployment-apps-v1.json#' - at '/spec': missing property 'selector'\n""#))
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Self.invalidDeployment)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"moat_scan_objects_total{result="invalid"} 1"#))
            }
        }
    }

    @Test("a server started with --skip-schema-validation scores the same document")
    func skippedValidation() async throws {
        let configuration = ScanServerConfiguration(scanOptions: KubesecScanOptions(schemaValidator: nil))
        try await ScanServer.buildApplication(configuration: configuration).test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Self.invalidDeployment)) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains(#""valid": true"#))
                #expect(body.contains(#""id": "HostNetwork""#))
            }
        }
    }

    @Test("?rule= does not bypass validation")
    func ruleFilterStillValidates() async throws {
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan?rule=HostNetwork", method: .post, body: ByteBuffer(string: Self.invalidDeployment)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""valid": false"#))
            }
        }
    }
}
