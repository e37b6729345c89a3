import Foundation
import Hummingbird
import ManifestLint
import NIOCore
import Prometheus

/// kubesec's HTTP routes (kubesec.md §10), path-dispatched so any unknown path scans like `/scan`.
struct ScanHandler: Sendable {
    /// Methods routed to the handler (Hummingbird routes per method; kubesec accepts any).
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    static let redirectTarget = "https://kubesec.io"

    let maxBodySize: Int
    let options: KubesecScanOptions
    let metrics: ServerMetrics
    let webhooks: (any WebhookHandler)?

    /// The low-cardinality route label for metrics.
    static func route(for path: String) -> String {
        switch path {
        case "/healthz", "/readyz", "/metrics", "/scan", "/imagepolicy", "/validate", "/mutate": return path
        default: return "/"
        }
    }

    func respond(to request: Request) async -> Response {
        let path = request.uri.path
        if let webhooks, webhooks.paths.contains(path) {
            return request.method == .post ? await webhook(request, path: path, handler: webhooks)
                : Self.text(.methodNotAllowed, "\(path) answers POST only\n")
        }
        switch path {
        case "/healthz":
            return Self.text(.ok, "OK\n")
        case "/readyz":
            if let webhooks, await !webhooks.isReady() { return Self.text(.serviceUnavailable, "not ready\n") }
            return Self.text(.ok, "OK\n")
        case "/metrics":
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let bytes = metrics.registry.emitToBuffer()
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        default:
            if request.method == .get { return Self.redirect() }
            return await scan(request)
        }
    }

    /// The request body within the size limit, or the response refusing it (413, or 400 when it cannot be read).
    func body(of request: Request) async -> Result<ByteBuffer, BodyRefusal> {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodySize {
            return .failure(BodyRefusal(response: Self.tooLarge()))
        }
        do {
            return .success(try await request.body.collect(upTo: maxBodySize))
        } catch is NIOTooManyBytesError {
            return .failure(BodyRefusal(response: Self.tooLarge()))
        } catch {
            return .failure(BodyRefusal(response: Self.text(.badRequest, "\(error)\n")))
        }
    }

    struct BodyRefusal: Error {
        let response: Response
    }

    func scan(_ request: Request) async -> Response {
        let buffer: ByteBuffer
        switch await body(of: request) {
        case .success(let received): buffer = received
        case .failure(let refusal): return refusal.response
        }
        var bytes = buffer.readableBytesView[...]
        // The kubesec.io web form posts `file=<manifest>` unencoded; kubesec strips exactly these five bytes.
        if bytes.starts(with: Self.formPrefix) { bytes = bytes.dropFirst(Self.formPrefix.count) }

        let query = request.uri.queryParameters
        if let inToto = query["in-toto"], !inToto.isEmpty {
            // kubesec without a signing key (`--keypath`) answers 500 with an empty body; moat has no signing.
            return Response(status: .internalServerError)
        }
        var options = self.options
        let rules = query[values: "rule"].map(String.init)
        if !rules.isEmpty { options.ruleIDs = rules }

        let results: [KubesecResult]
        do {
            results = try KubesecScanner.scan(data: Data(bytes), fileName: "API", options: options)
        } catch {
            return Self.text(.badRequest, error.description + "\n")
        }
        metrics.scanned(results)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        var json = KubesecJSON.encodeBytes(results)
        json.append(UInt8(ascii: "\n"))
        let body = ByteBuffer(bytes: json)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    func webhook(_ request: Request, path: String, handler: any WebhookHandler) async -> Response {
        let buffer: ByteBuffer
        switch await body(of: request) {
        case .success(let received): buffer = received
        case .failure(let refusal): return refusal.response
        }
        let reply = await handler.respond(path: path, body: buffer)
        var headers = HTTPFields()
        headers[.contentType] = reply.contentType
        return Response(status: HTTPResponse.Status(code: reply.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    static let formPrefix = Array("file=".utf8)

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Go's `http.Redirect(w, r, "https://kubesec.io", 303)` for a GET.
    static func redirect() -> Response {
        var headers = HTTPFields()
        headers[.location] = redirectTarget
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(
            status: .seeOther, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: "<a href=\"\(redirectTarget)\">See Other</a>.\n\n"))
        )
    }

    /// Go's `http.MaxBytesReader` error text; kubesec itself has no limit.
    static func tooLarge() -> Response {
        var response = text(.contentTooLarge, "http: request body too large\n")
        response.headers[.connection] = "close"
        return response
    }
}
