import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The ``FaultProxy``'s HTTP client for its (plain HTTP) upstream registry.
///
/// AsyncHTTPClient, as moat's own registry client: FoundationNetworking's URLSession on Linux has had requests whose
/// completion never arrives, which would hang a test without a trace. Bodies are buffered whole, which is fine for test
/// images. Redirects are passed through to the proxy's client, not followed, and nothing is cached or stored.
final class UpstreamClient: Sendable {
    struct Answer: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: Data
    }

    private let client: HTTPClient

    init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        // A dead upstream is a 502 at once (what the tests check), not connection retries until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(method: String, url: URL, headers: [(name: String, value: String)], body: Data) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        for header in headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if !body.isEmpty {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 1 << 30)
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                      body: Data(bytes.readableBytesView))
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    deinit {
        // A proxy a test never stopped: AsyncHTTPClient requires a shutdown before its client goes away (a second
        // one after `shutdown()` just fails, ignored).
        let client = self.client
        Task { try? await client.shutdown() }
    }
}
