import Foundation
import Testing
import VulnDB
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init(_ label: String = "vulndb") throws {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("moat-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func write(_ name: String, _ data: Data) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target
    }
}

/// Writes a zip with ZIPFoundation, deflating each member.
func writeZip(at url: URL, entries: [(String, Data)], compression: CompressionMethod = .deflate) throws {
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in entries {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}

func json(_ object: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}

/// An OSV record as a dictionary.
func osvRecord(id: String, ecosystem: String, name: String, ranges: [[String: Any]] = [], versions: [String]? = nil,
               aliases: [String] = [], modified: String = "2024-01-01T00:00:00Z", extra: [String: Any] = [:],
               affectedExtra: [String: Any] = [:]) -> [String: Any] {
    var affected: [String: Any] = ["package": ["ecosystem": ecosystem, "name": name]]
    if !ranges.isEmpty { affected["ranges"] = ranges }
    if let versions { affected["versions"] = versions }
    for (key, value) in affectedExtra { affected[key] = value }
    var record: [String: Any] = [
        "schema_version": "1.6.0", "id": id, "modified": modified, "published": "2023-06-01T00:00:00Z",
        "aliases": aliases, "summary": "summary of \(id)", "details": "details of \(id)",
        "affected": [affected],
        "references": [["type": "ADVISORY", "url": "https://example.invalid/\(id)"]],
    ]
    for (key, value) in extra { record[key] = value }
    return record
}

func range(_ type: String, _ events: [(String, String)], repo: String? = nil) -> [String: Any] {
    var result: [String: Any] = ["type": type, "events": events.map { [$0.0: $0.1] }]
    if let repo { result["repo"] = repo }
    return result
}

/// A fresh database in a temporary directory.
func makeDatabase(_ directory: TemporaryDirectory, name: String = "test.db") throws -> VulnDatabase {
    try VulnDatabase.create(at: directory.file(name).path)
}

// MARK: - A local HTTP server on 127.0.0.1 (ephemeral port) for updater tests; nothing leaves the machine.

struct HTTPRequest: Sendable {
    var method: String
    var path: String
    /// Header names in lower case.
    var headers: [String: String]
}

struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body = Data()
    /// False: no Content-Length; the body ends when the connection closes.
    var sendsContentLength = true
    /// Pause this long after the first `after` bytes of the body (a stalled server).
    var stall: (after: Int, seconds: TimeInterval)?
}

final class LocalHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let lock = NSLock()
    private var handler: Handler
    private var received: [HTTPRequest] = []
    private var stopped = false
    private let socketFD: Int32
    let port: UInt16

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var requests: [HTTPRequest] { lock.withLock { received } }

    func setHandler(_ handler: @escaping Handler) { lock.withLock { self.handler = handler } }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private func acceptLoop() {
        while true {
            let client = accept(socketFD, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            serve(client)
            close(client)
        }
    }

    private func serve(_ client: Int32) {
        guard var request = readHead(client) else { return }
        if request.method == "CONNECT" {
            // Acting as a proxy: the tunnel "opens" here and the request that comes through it is served as well.
            lock.withLock { received.append(request) }
            guard Self.sendAll(Data("HTTP/1.1 200 Connection established\r\n\r\n".utf8), to: client), let tunnelled = readHead(client) else { return }
            request = tunnelled
        }
        let handler = lock.withLock {
            received.append(request)
            return self.handler
        }
        let response = handler(request)
        let body = response.status == 304 ? Data() : response.body
        var head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Status")\r\n"
        if response.sendsContentLength { head += "Content-Length: \(body.count)\r\n" }
        head += "Connection: close\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var output = Data(head.utf8)
        output.append(body)
        if let stall = response.stall {
            let split = head.utf8.count + min(stall.after, body.count)
            guard Self.sendAll(output.prefix(split), to: client) else { return }
            Thread.sleep(forTimeInterval: stall.seconds)
            _ = Self.sendAll(output.dropFirst(split), to: client)
        } else {
            _ = Self.sendAll(output, to: client)
        }
    }

    /// The next request head from the client (a GET has no body to skip).
    private func readHead(_ client: Int32) -> HTTPRequest? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var data = Data()
        while !data.contains("\r\n\r\n".data(using: .utf8) ?? Data()) && data.count < 65536 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let requestLine = (lines.first ?? "").split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
    }

    /// False when the client has gone.
    private static func sendAll(_ data: Data, to client: Int32) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return true }
                let sent = send(client, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }
}

/// Serves files by path with ETag/Last-Modified and honours If-None-Match / If-Modified-Since;
/// paths in `failing` answer 500.
final class FileRoutes: @unchecked Sendable {
    struct File {
        var data: Data
        var etag: String
        var lastModified: String
    }

    private let lock = NSLock()
    private var files: [String: File] = [:]
    private var failing: Set<String> = []
    private var revision = 0

    func set(_ path: String, _ data: Data) {
        lock.withLock {
            revision += 1
            files[path] = File(data: data, etag: "\"r\(revision)-\(data.count)\"",
                               lastModified: "Mon, 0\(min(revision, 9)) Jan 2024 00:00:00 GMT")
        }
    }

    func fail(_ path: String, _ on: Bool = true) {
        lock.withLock { if on { failing.insert(path) } else { failing.remove(path) } }
    }

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        lock.withLock {
            if failing.contains(request.path) { return HTTPResponse(status: 500, body: Data("boom".utf8)) }
            guard let file = files[request.path] else { return HTTPResponse(status: 404) }
            let validators = ["ETag": file.etag, "Last-Modified": file.lastModified]
            if let match = request.headers["if-none-match"], match == file.etag {
                return HTTPResponse(status: 304, headers: validators)
            }
            if request.headers["if-none-match"] == nil, let since = request.headers["if-modified-since"], since == file.lastModified {
                return HTTPResponse(status: 304, headers: validators)
            }
            return HTTPResponse(status: 200, headers: validators, body: file.data)
        }
    }
}
