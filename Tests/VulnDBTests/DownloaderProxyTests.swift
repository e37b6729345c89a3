import Foundation
import HTTPProxy
import Testing
import VulnDB

/// `moat db update` downloads through the proxy the environment names.
@Suite("HTTPDownloader through a proxy")
struct DownloaderProxyTests {
    @Test("a download goes through the http_proxy (a CONNECT tunnel), to a host only the proxy could reach")
    func downloadThroughProxy() async throws {
        let directory = try TemporaryDirectory("proxy")
        let proxyServer = try LocalHTTPServer { _ in HTTPResponse(status: 200, body: Data("through the proxy".utf8)) }
        defer {
            proxyServer.stop()
            directory.remove()
        }
        let downloader = HTTPDownloader(proxies: ProxyEnvironment(["http_proxy": "http://127.0.0.1:\(proxyServer.port)"]))
        let url = try #require(URL(string: "http://osv-mirror.invalid/PyPI/all.zip"))
        let result = try await downloader.fetch(DownloadRequest(url: url, timeout: 60), to: directory.file("all.zip"))
        #expect(result == .downloaded(etag: nil, lastModified: nil, bytes: 17))
        #expect(proxyServer.requests.map { "\($0.method) \($0.path)" } == ["CONNECT osv-mirror.invalid:80", "GET /PyPI/all.zip"])
        #expect(try Data(contentsOf: directory.file("all.zip")) == Data("through the proxy".utf8))
    }
}
