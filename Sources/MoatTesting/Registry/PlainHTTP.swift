import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One plain-HTTP GET for tests, with AsyncHTTPClient: FoundationNetworking's URLSession on Linux has requests that
/// never complete (one answered 401 with `WWW-Authenticate: Basic`, for one), which hang a test without a trace.
public enum PlainHTTP {
    public struct Answer: Sendable {
        public let status: Int
        /// Names in lower case.
        public let headers: [String: String]
        public let body: Data
    }

    /// Process-wide (never shut down, so never deinitialised unshut). A refused connection fails at once instead of
    /// being retried until the deadline: a readiness probe asks again itself.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public static func get(_ url: URL, headers: [String: String] = [:], timeout: Duration = .seconds(10)) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
        let body = try await response.body.collect(upTo: 64 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Data(body.readableBytesView))
    }
}
