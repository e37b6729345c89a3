import Foundation
import Testing
import VulnDB

/// `HTTPDownloader` against `LocalHTTPServer` on 127.0.0.1; nothing contacts the internet.
@Suite("HTTPDownloader")
struct HTTPDownloaderTests {
    /// A server, a scratch directory and the destination the downloads go to.
    struct Fixture {
        let directory: TemporaryDirectory
        let server: LocalHTTPServer
        var destination: URL { directory.file("download.zip") }

        init(_ handler: @escaping LocalHTTPServer.Handler) throws {
            directory = try TemporaryDirectory("downloader")
            server = try LocalHTTPServer(handler: handler)
        }

        func finish() {
            server.stop()
            directory.remove()
        }

        func url(_ path: String) throws -> URL { try #require(URL(string: server.baseURL + path)) }

        /// Everything in the scratch directory: the destination and any partial file left behind.
        func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() }
    }

    static func body(_ count: Int) -> Data { Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }) }

    @Test("a body over maxBytes is refused naming the limit and leaves no file, with or without Content-Length",
          arguments: [true, false])
    func sizeLimit(sendsContentLength: Bool) async throws {
        let fixture = try Fixture { _ in
            HTTPResponse(status: 200, body: Self.body(300_000), sendsContentLength: sendsContentLength)
        }
        defer { fixture.finish() }
        let request = DownloadRequest(url: try fixture.url("/big.zip"), maxBytes: 100_000, timeout: 120)
        await #expect {
            try await HTTPDownloader().fetch(request, to: fixture.destination)
        } throws: { error in
            (error as? DownloadError)?.reason == "larger than the limit of 100000 bytes"
        }
        #expect(try fixture.files().isEmpty)

        // The limit itself is allowed, and the file holds exactly what was sent.
        let exact = DownloadRequest(url: try fixture.url("/big.zip"), maxBytes: 300_000, timeout: 120)
        let result = try await HTTPDownloader().fetch(exact, to: fixture.destination)
        #expect(result == .downloaded(etag: nil, lastModified: nil, bytes: 300_000))
        #expect(try Data(contentsOf: fixture.destination) == Self.body(300_000))
        #expect(try fixture.files() == ["download.zip"])
    }

    @Test("validators go out as If-None-Match / If-Modified-Since; 304 is notModified and leaves the destination alone")
    func conditional() async throws {
        let routes = FileRoutes()
        let fixture = try Fixture { routes.respond($0) }
        defer { fixture.finish() }
        let data = Self.body(5000)
        routes.set("/osv/all.zip", data)

        let first = try await HTTPDownloader().fetch(
            DownloadRequest(url: try fixture.url("/osv/all.zip"), headers: ["X-Mirror-Token": "abc123"], timeout: 120),
            to: fixture.destination)
        guard case .downloaded(let etag, let lastModified, let bytes) = first else {
            Issue.record("expected a download, got \(first)")
            return
        }
        #expect(etag == "\"r1-5000\"")
        #expect(lastModified == "Mon, 01 Jan 2024 00:00:00 GMT")
        #expect(bytes == 5000)
        #expect(try Data(contentsOf: fixture.destination) == data)
        let plain = try #require(fixture.server.requests.last)
        #expect(plain.headers["user-agent"] == "moat")
        #expect(plain.headers["x-mirror-token"] == "abc123")
        #expect(plain.headers["if-none-match"] == nil && plain.headers["if-modified-since"] == nil)

        try FileManager.default.removeItem(at: fixture.destination)
        let second = try await HTTPDownloader().fetch(
            DownloadRequest(url: try fixture.url("/osv/all.zip"), etag: etag, lastModified: lastModified, timeout: 120),
            to: fixture.destination)
        #expect(second == .notModified)
        let conditional = try #require(fixture.server.requests.last)
        #expect(conditional.headers["if-none-match"] == "\"r1-5000\"")
        #expect(conditional.headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT")
        #expect(try fixture.files().isEmpty)
    }

    @Test("redirects are followed (relative and absolute), at most five, and cycles are refused")
    func redirects() async throws {
        let body = Self.body(1234)
        let fixture = try Fixture { request in
            switch request.path {
            case "/old.zip": return HTTPResponse(status: 302, headers: ["Location": "/moved/new.zip"])
            case "/moved/new.zip": return HTTPResponse(status: 301, headers: ["Location": "final.zip"])
            case "/moved/final.zip": return HTTPResponse(status: 200, headers: ["ETag": "\"final\""], body: body)
            case "/loop-a": return HTTPResponse(status: 307, headers: ["Location": "/loop-b"])
            case "/loop-b": return HTTPResponse(status: 307, headers: ["Location": "/loop-a"])
            default:
                // /hop/N redirects to /hop/N+1 for ever.
                let hop = Int(request.path.dropFirst("/hop/".count)) ?? 0
                return HTTPResponse(status: 302, headers: ["Location": "/hop/\(hop + 1)"])
            }
        }
        defer { fixture.finish() }

        let result = try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/old.zip"), timeout: 120), to: fixture.destination)
        #expect(result == .downloaded(etag: "\"final\"", lastModified: nil, bytes: 1234))
        #expect(try Data(contentsOf: fixture.destination) == body)
        #expect(fixture.server.requests.map(\.path) == ["/old.zip", "/moved/new.zip", "/moved/final.zip"])
        try FileManager.default.removeItem(at: fixture.destination)

        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/loop-a"), timeout: 120), to: fixture.destination)
        } throws: { error in
            (error as? DownloadError)?.reason == "redirect cycle"
        }
        let before = fixture.server.requests.count
        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/hop/0"), timeout: 120), to: fixture.destination)
        } throws: { error in
            (error as? DownloadError)?.reason == "more than 5 redirects"
        }
        #expect(fixture.server.requests.count - before == 1 + HTTPDownloader.maxRedirects)
        #expect(try fixture.files().isEmpty)
    }

    @Test("an error status gives 'HTTP <code> <reason>' with the URL stripped of credentials")
    func errorStatus() async throws {
        let fixture = try Fixture { request in
            request.path.hasPrefix("/gone") ? HTTPResponse(status: 404, body: Data("no such file".utf8))
                : HTTPResponse(status: 500, body: Data("boom".utf8))
        }
        defer { fixture.finish() }
        let url = try #require(URL(string: "http://bob:pa55word@127.0.0.1:\(fixture.server.port)/gone.zip?sig=s3cret"))
        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: url, timeout: 120), to: fixture.destination)
        } throws: { error in
            guard let error = error as? DownloadError else { return false }
            return error.reason == "HTTP 404 Not Found"
                && error.description == "http://***@127.0.0.1:\(fixture.server.port)/gone.zip?…: HTTP 404 Not Found"
        }
        // Credentials in the URL go out as Basic authentication, not in the request line.
        let sent = try #require(fixture.server.requests.last)
        #expect(sent.path == "/gone.zip?sig=s3cret")
        #expect(sent.headers["authorization"] == "Basic " + Data("bob:pa55word".utf8).base64EncodedString())

        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/broken.zip"), timeout: 120), to: fixture.destination)
        } throws: { error in
            (error as? DownloadError)?.reason == "HTTP 500 Internal Server Error"
        }
        #expect(try fixture.files().isEmpty)
    }

    @Test("a server that stops sending mid-body times out and leaves no partial file")
    func stalledBody() async throws {
        // Without the read timeout the download would simply succeed once the stall ends. (No wall-clock bound: other
        // suites' synchronous work on the cooperative pool can delay this task's resumption by seconds.)
        let fixture = try Fixture { _ in HTTPResponse(status: 200, body: Self.body(200_000), stall: (after: 50_000, seconds: 3)) }
        defer { fixture.finish() }
        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/slow.zip"), timeout: 0.5), to: fixture.destination)
        } throws: { error in
            (error as? DownloadError)?.reason == "timed out: no data for 0.5 s"
        }
        #expect(try fixture.files().isEmpty)
    }

    @Test("cancelling the calling task cancels the download and removes the partial file")
    func cancellation() async throws {
        // The bounds are wide because other suites' synchronous work can starve the cooperative pool for many seconds;
        // they stay sound because a download that ignored cancellation could not end before the server's stall does.
        let stall: TimeInterval = 120
        let fixture = try Fixture { _ in HTTPResponse(status: 200, body: Self.body(200_000), stall: (after: 50_000, seconds: stall)) }
        defer { fixture.finish() }
        let request = DownloadRequest(url: try fixture.url("/slow.zip"), timeout: 300)
        let destination = fixture.destination
        let started = Date()
        let download = Task { try await HTTPDownloader().fetch(request, to: destination) }
        // Cancel once the first part of the body is on disk.
        while try fixture.files().isEmpty, Date().timeIntervalSince(started) < stall / 2 {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(try !fixture.files().isEmpty, "the download never started writing")
        download.cancel()
        let outcome = await download.result
        #expect(Date().timeIntervalSince(started) < stall - 20)
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(try fixture.files().isEmpty)
    }

    @Test("file:// URLs are copied directly and a non-positive timeout is refused")
    func fileURLsAndTimeout() async throws {
        let fixture = try Fixture { _ in HTTPResponse(status: 200, body: Data("unused".utf8)) }
        defer { fixture.finish() }
        let source = try fixture.directory.write("mirror/all.zip", Self.body(777))
        let result = try await HTTPDownloader().fetch(DownloadRequest(url: source), to: fixture.destination)
        guard case .downloaded(let etag, let lastModified, let bytes) = result else {
            Issue.record("expected a download, got \(result)")
            return
        }
        #expect(etag == nil && lastModified?.hasSuffix(" GMT") == true && bytes == 777)
        #expect(try Data(contentsOf: fixture.destination) == Self.body(777))

        await #expect {
            try await HTTPDownloader().fetch(DownloadRequest(url: try fixture.url("/x.zip"), timeout: 0), to: fixture.directory.file("x.zip"))
        } throws: { error in
            (error as? DownloadError)?.reason.contains("timeout must be a positive number of seconds") == true
        }
        #expect(fixture.server.requests.isEmpty)
    }
}
