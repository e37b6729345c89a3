import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers one request on either of a ``FaultProxy``'s listeners.
struct FaultProxyResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    enum Role: Sendable {
        /// The main listener: faults apply; `redirectBase` is the other listener's origin.
        case proxy(redirectBase: String)
        /// The redirect target: forwards untouched, only records.
        case redirectTarget
    }

    let role: Role
    let upstream: URL
    let client: UpstreamClient
    let state: LockedState<FaultProxyState>
    let requiredCredentials: BasicCredentials?

    /// Headers that describe one hop, not the message; each side sets its own.
    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade", "host", "expect", "content-length",
    ]

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let method = request.method.rawValue
        let path = request.uri.path
        let query = request.uri.query
        let authorization = request.headers[.authorization]
        var fault: Fault?

        if let requiredCredentials, BasicAuthorization.parse(authorization) != requiredCredentials {
            var response = Self.registryError(401, code: "UNAUTHORIZED", message: "authentication required")
            response.headers[.wwwAuthenticate] = "Basic realm=\"moat-fault-proxy\""
            return record(response, method: method, path: path, query: query, authorization: authorization, fault: nil)
        }
        if case .proxy(let redirectBase) = role {
            fault = state.withLock { $0.takeFault(method: method, path: path) }
            switch fault {
            case .status(let code, let retryAfter):
                var response = Self.registryError(code, code: code == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE", message: "injected by FaultProxy")
                if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
                return record(response, method: method, path: path, query: query, authorization: authorization, fault: fault)
            case .redirectToOtherHost:
                var response = Response(status: .temporaryRedirect)
                response.headers[.location] = redirectBase + path + (query.map { "?" + $0 } ?? "")
                return record(response, method: method, path: path, query: query, authorization: authorization, fault: fault)
            default:
                break
            }
        }

        let body = try await request.collectBody(upTo: 1 << 30)
        let answer: UpstreamClient.Answer
        do {
            answer = try await client.send(
                method: method, url: try upstreamURL(path: path, query: query),
                headers: forwardedHeaders(request.headers), body: Data(body.readableBytesView)
            )
        } catch {
            let response = Self.registryError(502, code: "UNAVAILABLE", message: "upstream failed: \(error)")
            return record(response, method: method, path: path, query: query, authorization: authorization, fault: fault)
        }
        let response = shape(answer, isHead: method == "HEAD", fault: fault)
        return record(response, method: method, path: path, query: query, authorization: authorization, fault: fault)
    }

    // MARK: - Building answers

    /// The upstream answer as a response, with the fault applied to its body.
    private func shape(_ answer: UpstreamClient.Answer, isHead: Bool, fault: Fault?) -> Response {
        var headers = HTTPFields()
        let proxyBase = state.withLock { $0.proxyBase }
        for (name, value) in answer.headers {
            let lowered = name.lowercased()
            // A HEAD answer has no body, so its Content-Length (the blob size) must be passed on.
            if Self.hopByHop.contains(lowered), !(isHead && lowered == "content-length") { continue }
            guard let fieldName = HTTPField.Name(name) else { continue }
            headers.append(HTTPField(name: fieldName, value: lowered == "location" ? rewriteLocation(value, to: proxyBase) : value))
        }
        let status = HTTPResponse.Status(code: answer.status)
        if isHead {
            return Response(status: status, headers: headers, body: .init())
        }
        let bytes = answer.body
        switch fault {
        case .closeConnection(let limit):
            headers[.contentLength] = String(bytes.count)
            let prefix = bytes.prefix(max(0, limit))
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(ByteBuffer(bytes: prefix))
                try await Self.dropConnection()
            })
        case .overstateContentLength(let extra):
            headers[.contentLength] = String(bytes.count + extra)
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: bytes.count + extra) { writer in
                try await writer.write(ByteBuffer(bytes: bytes))
                try await Self.dropConnection()
            })
        case .corruptBody:
            // Docker-Content-Digest stays as upstream computed it, for the original bytes.
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes + Data("\n".utf8))))
        default:
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// Ends a response early: throwing from the body writer makes Hummingbird close the connection.
    /// The pause first lets the bytes already written leave the socket, so the client sees a
    /// truncated body rather than a reset before any data.
    private static func dropConnection() async throws -> Never {
        try await Task.sleep(for: .milliseconds(100))
        throw InjectedDisconnect()
    }

    private struct InjectedDisconnect: Error {}

    /// A registry-style JSON error (`{"errors":[{"code":…,"message":…}]}`).
    static func registryError(_ status: Int, code: String, message: String) -> Response {
        let text = #"{"errors":[{"code":"\#(code)","message":"\#(message.replacingOccurrences(of: "\"", with: "'"))"}]}"#
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    // MARK: - Forwarding

    private func upstreamURL(path: String, query: String?) throws -> URL {
        let base = upstream.absoluteString.hasSuffix("/") ? String(upstream.absoluteString.dropLast()) : upstream.absoluteString
        guard let url = URL(string: base + path + (query.map { "?" + $0 } ?? "")) else {
            throw RegistryHarnessError(.network, "cannot form an upstream URL for \(path)")
        }
        return url
    }

    private func forwardedHeaders(_ fields: HTTPFields) -> [(name: String, value: String)] {
        fields.compactMap { field in
            Self.hopByHop.contains(field.name.canonicalName) ? nil : (field.name.rawName, field.value)
        }
    }

    /// Upstream builds absolute `Location`s from the Host it was asked with; point them at the proxy.
    private func rewriteLocation(_ value: String, to proxyBase: String) -> String {
        let upstreamBase = upstream.absoluteString.hasSuffix("/") ? String(upstream.absoluteString.dropLast()) : upstream.absoluteString
        guard !proxyBase.isEmpty, value.hasPrefix(upstreamBase) else { return value }
        return proxyBase + value.dropFirst(upstreamBase.count)
    }

    private func record(
        _ response: Response, method: String, path: String, query: String?, authorization: String?, fault: Fault?
    ) -> Response {
        var response = response
        // A body after a HEAD answer would be read as the start of the next response on the connection.
        if method == "HEAD", response.body.contentLength != 0 {
            let declared = response.headers[.contentLength]
            response.body = .init()
            response.headers[.contentLength] = declared
        }
        let listener: ProxiedRequest.Listener
        switch role {
        case .proxy: listener = .proxy
        case .redirectTarget: listener = .redirectTarget
        }
        let entry = ProxiedRequest(
            listener: listener, method: method, path: path, query: query, status: Int(response.status.code),
            hadAuthorization: authorization != nil, fault: fault
        )
        state.withLock { $0.log.append(entry) }
        return response
    }
}
