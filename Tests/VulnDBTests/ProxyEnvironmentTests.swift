import AsyncHTTPClient
import Foundation
import Testing
import VulnDB

/// Proxies chosen from the environment as curl (and so URLSession on Linux) chose them.
@Suite("ProxyEnvironment")
struct ProxyEnvironmentTests {
    func proxy(_ environment: [String: String], _ url: String) throws -> HTTPClient.Configuration.Proxy? {
        try ProxyEnvironment(environment).proxy(for: try #require(URL(string: url)))
    }

    @Test("http_proxy for http, https_proxy or HTTPS_PROXY for https, all_proxy for either; none without a setting")
    func perScheme() throws {
        let environment = ["http_proxy": "proxy.corp:3128", "HTTPS_PROXY": "http://secure.corp:8443"]
        #expect(try proxy(environment, "http://osv.dev/a.zip") == .server(host: "proxy.corp", port: 3128))
        #expect(try proxy(environment, "https://osv.dev/a.zip") == .server(host: "secure.corp", port: 8443))
        #expect(try proxy(["ALL_PROXY": "socks5://socks.corp"], "https://osv.dev/a.zip") == .socksServer(host: "socks.corp", port: 1080))
        #expect(try proxy([:], "https://osv.dev/a.zip") == nil)
        // curl ignores HTTP_PROXY: a CGI request's "Proxy:" header can set it.
        #expect(try proxy(["HTTP_PROXY": "evil:80"], "http://osv.dev/a.zip") == nil)
    }

    @Test("no_proxy names hosts and the domains below them, with or without a leading dot; * bypasses all")
    func bypass() throws {
        let environment = ["https_proxy": "proxy.corp:3128", "no_proxy": "localhost, .internal.corp,mirror.example"]
        #expect(try proxy(environment, "https://mirror.example/a.zip") == nil)
        #expect(try proxy(environment, "https://eu.mirror.example/a.zip") == nil)
        #expect(try proxy(environment, "https://db.internal.corp/a.zip") == nil)
        #expect(try proxy(environment, "https://notmirror.example/a.zip") == .server(host: "proxy.corp", port: 3128),
                "a suffix that is not a whole label does not bypass")
        #expect(try proxy(["https_proxy": "p:1", "NO_PROXY": "*"], "https://osv.dev/") == nil)
    }

    @Test("proxy credentials become Basic authorization; an https:// proxy is refused with what moat can use")
    func credentialsAndUnsupported() throws {
        let withUser = try proxy(["https_proxy": "http://al%40ice:s3cret@proxy.corp:8080"], "https://osv.dev/")
        #expect(withUser == .server(host: "proxy.corp", port: 8080, authorization: .basic(username: "al@ice", password: "s3cret")))
        #expect {
            try proxy(["https_proxy": "https://user:hunter22@proxy.corp"], "https://osv.dev/")
        } throws: { error in
            let text = "\(error)"
            return text.contains("http:// and socks5://") && !text.contains("hunter22")
        }
    }

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
