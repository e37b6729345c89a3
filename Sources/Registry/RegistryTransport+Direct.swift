import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What `streamDirect` did.
enum DirectStream {
    /// The body went to the sink to its end.
    case streamed
    /// Not tried, or the registry did not answer 200/206 itself (it wants authentication, redirects, is busy or
    /// failed): nothing reached the sink; `send` handles the request instead.
    case declined
}

/// Takes a response body on the event loop, chunk by chunk; the future it returns holds the next read back.
protocol DirectSink: AnyObject, Sendable {
    /// The status of a 200/206 answer, before any body byte.
    func begin(status: UInt)
    func receive(_ chunk: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void>
}

extension RegistryTransport {
    /// A `GET` whose body goes straight from the event loop to `sink`, with no task in between: for blob downloads,
    /// where each task hop (one per network chunk) cost a thread wake-up, and wake-ups are what a pull spends beyond
    /// reading the same image from disk. Only the plain case is tried: the host's scheme already known from an earlier
    /// request, the authorization already held (or none needed), and the registry itself answering 200 or 206.
    /// Anything else comes back `.declined` before a byte reaches the sink, and the caller uses `send`, which
    /// authenticates, follows redirects and retries.
    func streamDirect(_ request: RegistryRequest, host: String, into sink: any DirectSink) async throws -> DirectStream {
        let insecure = configuration.isInsecure(host)
        guard await !hosts.redirectsBlobs(host), let scheme = await hosts.scheme(for: host) ?? (insecure ? nil : "https") else {
            return .declined
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: configuration.userAgent)
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if let authorization = await authenticator.authorization(host: host, scope: request.scope) {
            headers.add(name: "Authorization", value: authorization)
        }
        let url = "\(scheme)://\(host)\(request.target)"
        let http: HTTPClient.Request
        do {
            http = try HTTPClient.Request(url: url, method: request.method, headers: headers,
                                          tlsConfiguration: insecure ? Self.unverifiedTLS : nil)
        } catch {
            return .declined
        }
        let delegate = DirectDelegate(sink: sink, accepted: request.accepted)
        do {
            // No deadline: a large blob may take long; the client's read timeout catches a stalled one.
            _ = try await client(for: url).execute(request: http, delegate: delegate, eventLoop: .indifferent).futureResult.get()
            return .streamed
        } catch let declined as DirectDelegate.Declined {
            if (300...399).contains(declined.status) { await hosts.rememberBlobRedirect(host) }
            return .declined
        } catch {
            throw Self.transportError(error, url: url, host: host)
        }
    }
}

/// Hands a 200/206 body to the sink; any other status stops the request before its body is read.
private final class DirectDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    // @unchecked: AsyncHTTPClient calls a delegate on one event loop, one call at a time.
    typealias Response = Void

    struct Declined: Error {
        let status: UInt
    }

    private let sink: any DirectSink
    private let accepted: Set<UInt>

    init(sink: any DirectSink, accepted: Set<UInt>) {
        self.sink = sink
        self.accepted = accepted
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard accepted.contains(head.status.code) else {
            return task.eventLoop.makeFailedFuture(Declined(status: head.status.code))
        }
        sink.begin(status: head.status.code)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        sink.receive(buffer, on: task.eventLoop)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}
