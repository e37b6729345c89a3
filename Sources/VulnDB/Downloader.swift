import AsyncHTTPClient
import Foundation
public import HTTPProxy
import NIOCore
import NIOHTTP1
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A conditional download request.
public struct DownloadRequest: Sendable {
    public var url: URL
    public var headers: [String: String]
    /// Stored validators from the previous download: sent as If-None-Match / If-Modified-Since.
    public var etag: String?
    public var lastModified: String?
    public var maxBytes: Int64
    public var timeout: TimeInterval

    public init(url: URL, headers: [String: String] = [:], etag: String? = nil, lastModified: String? = nil,
                maxBytes: Int64 = 4 << 30, timeout: TimeInterval = 300) {
        self.url = url
        self.headers = headers
        self.etag = etag
        self.lastModified = lastModified
        self.maxBytes = maxBytes
        self.timeout = timeout
    }
}

public enum DownloadResult: Sendable, Equatable {
    /// 304: the stored data is current.
    case notModified
    /// The body was written to the destination file.
    case downloaded(etag: String?, lastModified: String?, bytes: Int64)
}

public struct DownloadError: Error, CustomStringConvertible, Sendable {
    /// The URL without credentials.
    public var url: String
    public var reason: String
    public var description: String { "\(url): \(reason)" }
}

/// Fetches a URL into a file. The default is `HTTPDownloader`; tests may inject another.
public protocol Downloader: Sendable {
    func fetch(_ request: DownloadRequest, to destination: URL) async throws -> DownloadResult
}

/// Downloads over HTTP(S) with AsyncHTTPClient (not FoundationNetworking's URLSession, whose Linux implementation can
/// leave a request's continuation unresumed and hang the update): conditional headers, TLS verified
/// against the system trust store, at most `maxRedirects` redirects and no cycles, the size bound enforced while
/// receiving, and the body streamed to a file beside the destination that is renamed over it only when complete.
/// `file://` URLs (or plain paths) are read directly, with the file's modification time as their Last-Modified.
public struct HTTPDownloader: Downloader {
    public static let maxRedirects = 5
    /// Longer timeouts are cut to this, so that converting them to NIO's nanoseconds cannot overflow.
    static let longestTimeout: TimeInterval = 7 * 24 * 3600
    /// The whole transfer may take this long even when `timeout` is shorter: `timeout` bounds waiting (for the
    /// response head, between body reads), not a multi-gigabyte transfer on a slow line.
    static let shortestTransferLimit: TimeInterval = 3600

    /// Where the proxy settings come from (the process environment unless a test gives another).
    public var proxies: ProxyEnvironment

    public init(proxies: ProxyEnvironment = ProxyEnvironment()) {
        self.proxies = proxies
    }

    public func fetch(_ request: DownloadRequest, to destination: URL) async throws -> DownloadResult {
        if request.url.isFileURL { return try fetchFile(request, to: destination) }
        let redacted = redactURL(request.url.absoluteString)
        guard request.timeout.isFinite, request.timeout > 0 else {
            throw DownloadError(url: redacted, reason: "the timeout must be a positive number of seconds, not \(request.timeout)")
        }
        let timeout = min(request.timeout, Self.longestTimeout)
        let transferLimit = max(timeout, Self.shortestTransferLimit)
        let wait = TimeAmount.nanoseconds(Int64(timeout * 1_000_000_000))

        // Credentials in the URL become a Basic Authorization header (as curl, under URLSession, did), so that the
        // URL handed to the client, and thus any message it makes, carries none.
        var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        let user = components?.user
        let password = components?.password
        components?.user = nil
        components?.password = nil
        let target = components?.url?.absoluteString ?? request.url.absoluteString

        var http = HTTPClientRequest(url: target)
        http.method = .GET
        for (name, value) in request.headers { http.headers.replaceOrAdd(name: name, value: value) }
        if user != nil || password != nil, !http.headers.contains(name: "Authorization") {
            http.setBasicAuth(username: user ?? "", password: password ?? "")
        }
        if let etag = request.etag { http.headers.replaceOrAdd(name: "If-None-Match", value: etag) }
        if let lastModified = request.lastModified { http.headers.replaceOrAdd(name: "If-Modified-Since", value: lastModified) }
        http.headers.replaceOrAdd(name: "User-Agent", value: "moat")

        // Never echo credentials: the raw URLs and every header value are scrubbed from whatever the transport says.
        let secrets = Array(request.headers.values) + http.headers["Authorization"] + [password].compactMap { $0 }
        func scrub(_ text: String) -> String {
            var text = text
            for raw in [request.url.absoluteString, target] { text = text.replacingOccurrences(of: raw, with: redacted) }
            for value in secrets where value.count >= 4 { text = text.replacingOccurrences(of: value, with: "***") }
            return text
        }

        // A client of its own rather than `HTTPClient.shared`: the read timeout and the redirect limit are client
        // settings (the shared client reads for 90 s, follows 20 redirects and decompresses bodies), and
        // `withHTTPClient` shuts it down however the download ends, cancellation included.
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: TLSConfiguration.makeClientConfiguration(),
            redirectConfiguration: .follow(max: Self.maxRedirects, allowCycles: false),
            timeout: HTTPClient.Configuration.Timeout(connect: wait, read: wait),
            decompression: .disabled)
        // One long transfer per connection gains nothing from HTTP/2, and HTTP/1.1 is the client's most worn path.
        configuration.httpVersion = .http1Only
        // A refused connection fails at once instead of being retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        do {
            configuration.proxy = try proxies.proxy(for: request.url)
        } catch {
            throw DownloadError(url: redacted, reason: "\(error)")
        }

        do {
            return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                let response = try await client.execute(http, deadline: .now() + wait)
                switch response.status.code {
                case 304:
                    return .notModified
                case 200:
                    let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
                    if let length, length > request.maxBytes {
                        throw DownloadError(url: redacted, reason: Self.tooLarge(request.maxBytes))
                    }
                    let bytes = try await Self.save(response.body, to: destination, maxBytes: request.maxBytes, expected: length,
                                                    transferLimit: transferLimit, url: redacted)
                    return .downloaded(etag: response.headers.first(name: "ETag"),
                                       lastModified: response.headers.first(name: "Last-Modified"), bytes: bytes)
                default:
                    throw DownloadError(url: redacted, reason: Self.statusText(response.status))
                }
            }
        } catch let error as DownloadError {
            throw DownloadError(url: error.url, reason: scrub(error.reason))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw DownloadError(url: redacted, reason: scrub(Self.describe(error, timeout: timeout)))
        }
    }

    /// Streams `body` into a file beside `destination` and renames it over `destination` once complete; the partial
    /// file is removed on any failure, cancellation included.
    private static func save(_ body: HTTPClientResponse.Body, to destination: URL, maxBytes: Int64, expected: Int64?,
                             transferLimit: TimeInterval, url: String) async throws -> Int64 {
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).part")
        let file = try PartialFile(path: partial.path, url: url)
        do {
            let giveUp = Date().addingTimeInterval(transferLimit)
            var received: Int64 = 0
            for try await chunk in body {
                received += Int64(chunk.readableBytes)
                // Checked before writing: a hostile server cannot make us store more than the limit.
                guard received <= maxBytes else { throw DownloadError(url: url, reason: tooLarge(maxBytes)) }
                guard Date() < giveUp else {
                    throw DownloadError(url: url, reason: "the transfer did not finish within \(seconds(transferLimit)) s")
                }
                try file.write(chunk)
            }
            // The body stream can end quietly when the task is cancelled; a short file must never be taken as whole.
            try Task.checkCancellation()
            if let expected, received != expected {
                throw DownloadError(url: url, reason: "the body ended after \(received) of \(expected) bytes")
            }
            try file.close()
            guard rename(partial.path, destination.path) == 0 else {
                throw DownloadError(url: url, reason: "cannot save the download to \(destination.path): \(String(cString: strerror(errno)))")
            }
            return received
        } catch {
            file.discard()
            throw error
        }
    }

    static func tooLarge(_ maxBytes: Int64) -> String { "larger than the limit of \(maxBytes) bytes" }

    /// `HTTP 404 Not Found`: the standard reason phrase, not the server's own text.
    static func statusText(_ status: HTTPResponseStatus) -> String {
        let phrase = HTTPResponseStatus(statusCode: Int(status.code)).reasonPhrase
        return phrase.isEmpty ? "HTTP \(status.code)" : "HTTP \(status.code) \(phrase)"
    }

    /// The client's errors in words; its own descriptions name enum cases, and some carry header values.
    static func describe(_ error: any Error, timeout: TimeInterval) -> String {
        guard let error = error as? HTTPClientError else { return String(describing: error) }
        switch error {
        case .readTimeout: return "timed out: no data for \(seconds(timeout)) s"
        case .deadlineExceeded: return "timed out: no response within \(seconds(timeout)) s"
        case .connectTimeout: return "timed out: no connection within \(seconds(timeout)) s"
        case .redirectLimitReached: return "more than \(maxRedirects) redirects"
        case .redirectCycleDetected: return "redirect cycle"
        default: return error.shortDescription
        }
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }

    private func fetchFile(_ request: DownloadRequest, to destination: URL) throws -> DownloadResult {
        let path = request.url.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw DownloadError(url: request.url.absoluteString, reason: "cannot read: \(error.localizedDescription)")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= request.maxBytes else {
            throw DownloadError(url: request.url.absoluteString, reason: Self.tooLarge(request.maxBytes))
        }
        let modified = (attributes[.modificationDate] as? Date).map(Self.httpDate)
        if let modified, modified == request.lastModified { return .notModified }
        do {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: request.url, to: destination)
        } catch {
            throw DownloadError(url: request.url.absoluteString, reason: "cannot copy: \(error.localizedDescription)")
        }
        return .downloaded(etag: nil, lastModified: modified, bytes: size)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// The file a download is streamed into before it is renamed over its destination.
private final class PartialFile {
    private let path: String
    private let url: String
    private var descriptor: Int32

    init(path: String, url: String) throws {
        self.path = path
        self.url = url
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DownloadError(url: url, reason: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    func write(_ chunk: ByteBuffer) throws {
        try chunk.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw DownloadError(url: url, reason: "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    func close() throws {
        let result = systemClose(descriptor)
        descriptor = -1
        // close(2) is where some file systems report a failed write.
        guard result == 0 else { throw DownloadError(url: url, reason: "cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    func discard() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
        unlink(path)
    }
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
