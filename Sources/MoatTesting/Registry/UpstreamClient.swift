import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The ``FaultProxy``'s HTTP client for its (plain HTTP) upstream registry.
///
/// URLSession, because MoatTesting has no other HTTP client; bodies are buffered whole, which is
/// fine for test images. Redirects are passed through to the proxy's client, not followed, and
/// nothing is cached or stored.
final class UpstreamClient: Sendable {
    struct Answer: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: Data
    }

    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    func send(method: String, url: URL, headers: [(name: String, value: String)], body: Data) async throws -> Answer {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for header in headers {
            request.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !body.isEmpty {
            request.httpBody = body
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw RegistryHarnessError(.network, "upstream \(url) did not answer over HTTP")
        }
        let fields = http.allHeaderFields.compactMap { key, value -> (name: String, value: String)? in
            guard let name = key as? String else { return nil }
            return (name, "\(value)")
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }

    deinit {
        session.invalidateAndCancel()
    }
}

/// Hands 3xx answers back unchanged instead of following them.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
