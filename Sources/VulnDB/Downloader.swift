import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
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

/// Fetches a URL into a file. The default is `URLSessionDownloader`; tests may inject another.
public protocol Downloader: Sendable {
    func fetch(_ request: DownloadRequest, to destination: URL) async throws -> DownloadResult
}

/// Removes credentials from a URL for messages: user and password are dropped and a query string is replaced by
/// `?…` (signed URLs carry tokens there).
public func redactURL(_ text: String) -> String {
    guard var components = URLComponents(string: text) else { return "<unparsable URL>" }
    let hadCredentials = components.user != nil || components.password != nil
    components.user = nil
    components.password = nil
    let hadQuery = components.query != nil
    components.query = nil
    components.fragment = nil
    var result = components.string ?? "<unparsable URL>"
    if hadQuery { result += "?…" }
    if hadCredentials, let range = result.range(of: "://") { result.insert(contentsOf: "***@", at: range.upperBound) }
    return result
}

/// Downloads with URLSession (FoundationNetworking on Linux): conditional headers, no caching, a size bound
/// enforced while receiving, and `file://` URLs (or plain paths) read directly, with the file's modification time as
/// its Last-Modified.
public struct URLSessionDownloader: Downloader {
    public init() {}

    public func fetch(_ request: DownloadRequest, to destination: URL) async throws -> DownloadResult {
        if request.url.isFileURL { return try fetchFile(request, to: destination) }
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if let etag = request.etag { urlRequest.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let lastModified = request.lastModified { urlRequest.setValue(lastModified, forHTTPHeaderField: "If-Modified-Since") }
        urlRequest.setValue("moat", forHTTPHeaderField: "User-Agent")

        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = request.timeout
        configuration.timeoutIntervalForResource = max(request.timeout, 3600)
        let delegate = DownloadDelegate(destination: destination, maxBytes: request.maxBytes)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let redacted = redactURL(request.url.absoluteString)
        let outcome: DownloadDelegate.Outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.start(continuation: continuation)
                session.downloadTask(with: urlRequest).resume()
            }
        } onCancel: {
            session.invalidateAndCancel()
        }
        if var failure = outcome.failure {
            // Never echo credentials: scrub the raw URL and header values from whatever the transport said.
            failure = failure.replacingOccurrences(of: request.url.absoluteString, with: redacted)
            for value in request.headers.values where value.count >= 4 { failure = failure.replacingOccurrences(of: value, with: "***") }
            throw DownloadError(url: redacted, reason: failure)
        }
        guard let response = outcome.response else { throw DownloadError(url: redacted, reason: "no HTTP response") }
        switch response.statusCode {
        case 304:
            return .notModified
        case 200:
            guard outcome.saved else { throw DownloadError(url: redacted, reason: "the downloaded body was not saved") }
            let size = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value ?? 0
            guard size <= request.maxBytes else {
                throw DownloadError(url: redacted, reason: "larger than the limit of \(request.maxBytes) bytes")
            }
            return .downloaded(etag: response.value(forHTTPHeaderField: "ETag"),
                               lastModified: response.value(forHTTPHeaderField: "Last-Modified"), bytes: size)
        default:
            throw DownloadError(url: redacted, reason: "HTTP \(response.statusCode) \(HTTPURLResponse.localizedString(forStatusCode: response.statusCode))")
        }
    }

    private func fetchFile(_ request: DownloadRequest, to destination: URL) throws -> DownloadResult {
        let path = request.url.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw DownloadError(url: request.url.absoluteString, reason: "cannot read: \(error.localizedDescription)")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= request.maxBytes else {
            throw DownloadError(url: request.url.absoluteString, reason: "larger than the limit of \(request.maxBytes) bytes")
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

/// Collects one download task's result; the state is guarded by a lock because URLSession calls back on its queue.
private final class DownloadDelegate: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
    struct Outcome: Sendable {
        var response: HTTPURLResponse?
        var saved = false
        var failure: String?
    }

    private let destination: URL
    private let maxBytes: Int64
    private let lock = NSLock()
    private var outcome = Outcome()
    private var continuation: CheckedContinuation<Outcome, any Error>?

    init(destination: URL, maxBytes: Int64) {
        self.destination = destination
        self.maxBytes = maxBytes
    }

    func start(continuation: CheckedContinuation<Outcome, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
                    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64) {
        if totalBytesWritten > maxBytes {
            lock.withLock { outcome.failure = "larger than the limit of \(maxBytes) bytes" }
            downloadTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        let response = downloadTask.response as? HTTPURLResponse
        guard response?.statusCode == 200 else { return }
        do {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: location, to: destination)
            lock.withLock { outcome.saved = true }
        } catch {
            lock.withLock { outcome.failure = "cannot save the download: \(error.localizedDescription)" }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let pending: (CheckedContinuation<Outcome, any Error>?, Outcome) = lock.withLock {
            outcome.response = task.response as? HTTPURLResponse
            if let error, outcome.failure == nil { outcome.failure = error.localizedDescription }
            let pending = continuation
            continuation = nil
            return (pending, outcome)
        }
        pending.0?.resume(returning: pending.1)
    }
}
