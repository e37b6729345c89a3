import AsyncHTTPClient
import Foundation
import Testing
import HTTPProxy

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

    @Test("localhost and loopback addresses never go through a proxy, as in docker; unless a test asks")
    func loopback() throws {
        let environment = ["https_proxy": "proxy.corp:3128", "http_proxy": "proxy.corp:3128"]
        for url in ["https://localhost:5000/v2/", "http://127.0.0.1:5000/v2/", "http://127.8.9.10/", "https://[::1]:5000/v2/"] {
            #expect(try proxy(environment, url) == nil, "\(url)")
        }
        for url in ["https://128.0.0.1/", "https://localhost.example/", "https://[::2]/", "https://registry.local:5000/"] {
            #expect(try proxy(environment, url) == .server(host: "proxy.corp", port: 3128), "\(url)")
        }
        let throughAll = ProxyEnvironment(environment, bypassesLoopback: false)
        #expect(try throughAll.proxy(for: try #require(URL(string: "http://127.0.0.1:5000/v2/"))) == .server(host: "proxy.corp", port: 3128))
    }
}
