import Foundation
import Hummingbird
import HummingbirdTesting
import ManifestLint
import ScanServer
import Testing

enum Fixtures {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
        spec:
          serviceAccountName: web
          containers:
            - name: web
              image: registry.example.com/shop/web:1.4.2
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
              resources:
                limits: {cpu: 500m, memory: 256Mi}
                requests: {cpu: 100m, memory: 128Mi}

        """

    static let privileged = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: root
        spec:
          containers:
            - name: c
              image: busybox
              securityContext:
                privileged: true

        """

    /// What kubesec's HTTP mode answers for a body: the CLI JSON with fileName `API`, plus a newline.
    static func expectedJSON(_ body: String, rules: [String]? = nil) throws -> String {
        let options = KubesecScanOptions(ruleIDs: rules, yamlErrors: .abortRun)
        return KubesecJSON.encode(try KubesecScanner.scan(data: Data(body.utf8), fileName: "API", options: options)) + "\n"
    }

    static func app(maxBodySize: Int = ScanServerConfiguration.defaultMaxBodySize) throws -> some ApplicationProtocol {
        try ScanServer.buildApplication(configuration: ScanServerConfiguration(maxBodySize: maxBodySize))
    }
}

@Suite("POST /scan answers like kubesec's HTTP mode")
struct ScanRouteTests {
    @Test("a pod gives 200 and the same JSON as a direct scan")
    func scansPod() async throws {
        let expected = try Fixtures.expectedJSON(Fixtures.pod)
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Fixtures.pod)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == expected)
                #expect(String(buffer: response.body).contains("\"fileName\": \"API\""))
            }
        }
    }

    @Test("a negative score is still 200")
    func negativeScoreIs200() async throws {
        let expected = try Fixtures.expectedJSON(Fixtures.privileged)
        #expect(expected.contains("Failed with a score of"))
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Fixtures.privileged)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
            }
        }
    }

    @Test("the web form's file= prefix is stripped")
    func formPrefix() async throws {
        let expected = try Fixtures.expectedJSON(Fixtures.pod)
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: "file=" + Fixtures.pod)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
            }
        }
    }

    @Test("multi-document YAML gives one report per document")
    func multiDocument() async throws {
        let body = Fixtures.pod + "---\n" + Fixtures.privileged
        let expected = try Fixtures.expectedJSON(body)
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
                #expect(String(buffer: response.body).components(separatedBy: "\"fileName\": \"API\"").count == 3)
            }
        }
    }

    @Test("an empty body is 400 Invalid input")
    func emptyBody() async throws {
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == "Invalid input\n")
            }
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: "file=")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == "Invalid input\n")
            }
        }
    }

    @Test("invalid YAML is 400 with the parser's message, not capitalised")
    func invalidYAML() async throws {
        let body = "apiVersion: v1\nkind: Pod\nmetadata: name: x\n"
        let expected: String
        do {
            _ = try KubesecScanner.scan(data: Data(body.utf8), fileName: "API", options: KubesecScanOptions(yamlErrors: .abortRun))
            Issue.record("expected a YAML error")
            return
        } catch {
            expected = error.description + "\n"
        }
        #expect(expected.hasPrefix("yaml: "))
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == expected)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            }
        }
    }

    @Test("?rule= filters rules; unknown ids are 400")
    func ruleQuery() async throws {
        let expected = try Fixtures.expectedJSON(Fixtures.pod, rules: ["RunAsNonRoot", "RunAsUser"])
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan?rule=RunAsNonRoot&rule=RunAsUser", method: .post, body: ByteBuffer(string: Fixtures.pod)) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
            }
            try await client.execute(uri: "/scan?rule=Nope&rule=RunAsUser&rule=Other", method: .post, body: ByteBuffer(string: Fixtures.pod)) {
                response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == "invalid rule IDs requested: Nope, Other\n")
            }
        }
    }

    @Test("?in-toto= without a signing key is 500 with an empty body, as in kubesec")
    func inToto() async throws {
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan?in-toto=1", method: .post, body: ByteBuffer(string: Fixtures.pod)) { response in
                #expect(response.status == .internalServerError)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test("GET on /scan, / or any other path redirects to kubesec.io; other methods on any path scan")
    func routes() async throws {
        let expected = try Fixtures.expectedJSON(Fixtures.pod)
        try await Fixtures.app().test(.router) { client in
            for path in ["/scan", "/", "/some/other/path"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "https://kubesec.io")
                }
            }
            for (path, method) in [("/", HTTPRequest.Method.post), ("/anything", .put), ("/scan", .patch)] {
                try await client.execute(uri: path, method: method, body: ByteBuffer(string: Fixtures.pod)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == expected)
                }
            }
        }
    }

    @Test("bodies over --max-body-size are 413")
    func bodyLimit() async throws {
        let limit = 1024
        let big = Fixtures.pod + "# " + String(repeating: "x", count: limit) + "\n"
        try await Fixtures.app(maxBodySize: limit).test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body) == "http: request body too large\n")
            }
            // At the limit is fine.
            let exact = Fixtures.pod + String(repeating: "\n", count: limit - Fixtures.pod.utf8.count)
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: exact)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("on a live server a body over the limit (with Content-Length) is 413 and one within it is scanned")
    func bodyLimitLive() async throws {
        let limit = 1024
        let big = String(repeating: "a: b\n", count: 1000)
        try await Fixtures.app(maxBodySize: limit).test(.live) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
        let expected = try Fixtures.expectedJSON(Fixtures.pod)
        try await Fixtures.app(maxBodySize: limit).test(.live) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Fixtures.pod)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == expected)
            }
        }
    }

    @Test("a zero body limit is rejected")
    func invalidLimit() {
        #expect(throws: ScanServerError.invalidBodyLimit(0)) {
            _ = try ScanServer.buildApplication(configuration: ScanServerConfiguration(maxBodySize: 0))
        }
    }
}

@Suite("/healthz and /metrics")
struct OperationalRouteTests {
    @Test("/healthz is 200 OK on any method")
    func healthz() async throws {
        try await Fixtures.app().test(.router) { client in
            for method in [HTTPRequest.Method.get, .post, .head] {
                try await client.execute(uri: "/healthz", method: method) { response in
                    #expect(response.status == .ok)
                    if method != .head { #expect(String(buffer: response.body) == "OK\n") }
                }
            }
        }
    }

    @Test("/healthz over a live socket")
    func healthzLive() async throws {
        try await Fixtures.app().test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "OK\n")
            }
        }
    }

    @Test("/metrics has the request counter, the latency histogram and the findings after requests")
    func metrics() async throws {
        let results = try KubesecScanner.scan(data: Data(Fixtures.pod.utf8), fileName: "API")
        let first = try #require(results.first)
        try await Fixtures.app().test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Fixtures.pod)) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/scan", method: .post) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE moat_http_requests_total counter"))
                #expect(text.contains(#"moat_http_requests_total{route="/scan",status="200"} 3"#))
                #expect(text.contains(#"moat_http_requests_total{route="/scan",status="400"} 1"#))
                #expect(text.contains(#"moat_http_requests_total{route="/healthz",status="200"} 1"#))
                #expect(text.contains("# TYPE moat_http_request_duration_seconds histogram"))
                #expect(text.contains(#"moat_http_request_duration_seconds_bucket{route="/scan",le="+Inf"} 4"#))
                #expect(text.contains(#"moat_http_request_duration_seconds_count{route="/scan"} 4"#))
                #expect(text.contains(#"moat_scan_objects_total{result="passed"} 3"#))
                #expect(text.contains(#"moat_scan_findings_total{classification="passed"} \#(first.scoring.passed.count * 3)"#))
                #expect(text.contains(#"moat_scan_findings_total{classification="advise"} \#(first.scoring.advise.count * 3)"#))
            }
            // The /metrics request itself is counted once it has been answered.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"moat_http_requests_total{route="/metrics",status="200"} 1"#))
            }
        }
    }

    @Test("servers built separately keep separate metrics")
    func separateRegistries() async throws {
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/scan", method: .post, body: ByteBuffer(string: Fixtures.pod)) { #expect($0.status == .ok) }
        }
        try await Fixtures.app().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(!String(buffer: response.body).contains(#"route="/scan""#))
            }
        }
    }
}

@Suite("--listen parsing (kubesec's [[ip:]port] rules, loopback for a bare port)")
struct ListenAddressTests {
    static let acceptedForms: [(String, String, Int)] = [
        ("8080", "127.0.0.1", 8080), (":8080", "0.0.0.0", 8080), ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("[::1]:8080", "::1", 8080), ("0.0.0.0:65535", "0.0.0.0", 65535), ("127.0.0.1:0", "127.0.0.1", 0),
    ]

    static let rejectedForms: [(String, String)] = [
        ("100000", #"invalid port: "100000""#), ("127.0.0.1", #"invalid port: "127.0.0.1""#),
        ("::1", #"invalid IP address: ":""#), ("::1:8080", #"invalid IP address: "::1""#),
        ("example.com", #"invalid port: "example.com""#), ("example.com:8080", #"invalid IP address: "example.com""#),
        ("127.0.0.1:", #"invalid port: """#), ("[::1]8080", #"invalid IP address: "[::1]8080""#),
        ("256.0.0.1:80", #"invalid IP address: "256.0.0.1""#), ("[nope]:80", #"invalid IP address: "nope""#),
    ]

    @Test("accepted forms", arguments: Self.acceptedForms)
    func accepted(text: String, host: String, port: Int) throws {
        #expect(try ListenAddress.parse(text) == ListenAddress(host: host, port: port))
    }

    @Test("rejected forms with kubesec's messages", arguments: Self.rejectedForms)
    func rejected(text: String, message: String) {
        #expect(throws: ScanServerError.invalidListenAddress(message)) { try ListenAddress.parse(text) }
    }

    @Test("the default is loopback") func defaultIsLoopback() {
        #expect(ScanServerConfiguration().listen.description == "127.0.0.1:8080")
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
    }
}

@Suite("--max-body-size parsing")
struct ByteSizeTests {
    static let sizes: [(String, Int)] = [
        ("2097152", 2_097_152), ("2MiB", 2 << 20), ("2M", 2 << 20), ("2m", 2 << 20), ("512KiB", 512 << 10), ("512k", 512 << 10),
        ("2MB", 2_000_000), ("1GiB", 1 << 30), ("1GB", 1_000_000_000), ("10 MiB", 10 << 20), ("100B", 100),
    ]

    @Test("sizes", arguments: Self.sizes)
    func parses(text: String, bytes: Int) {
        #expect(ScanServerConfiguration.parseByteSize(text) == bytes)
    }

    @Test("rejects", arguments: ["", "0", "-1", "MiB", "2TiB", "2.5MiB", "999999999999999999G", "1 2"])
    func rejects(text: String) {
        #expect(ScanServerConfiguration.parseByteSize(text) == nil)
    }
}
