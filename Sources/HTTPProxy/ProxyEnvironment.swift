public import AsyncHTTPClient
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxy a download goes through, chosen from the environment as curl chooses it: `http_proxy` for http URLs (the
/// lower-case name only, as curl, since `HTTP_PROXY` can be set by a CGI request's `Proxy:` header), `https_proxy` or
/// `HTTPS_PROXY` for https, `all_proxy` / `ALL_PROXY` for either; none for hosts `no_proxy` / `NO_PROXY` names (a
/// comma-separated list of host names, matching the host or any name below it, with or without a leading dot; `*`
/// for every host). Docker reads the same variables for registries, and like docker (Go's proxy selection) moat never
/// sends `localhost` or a loopback address through a proxy. `moat db update` honoured these while it ran on URLSession
/// (libcurl read them). Used by `moat db update` and by every registry request.
public struct ProxyEnvironment: Sendable {
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    private let environment: [String: String]
    private let bypassesLoopback: Bool

    /// `bypassesLoopback: false` proxies loopback addresses too: only for tests of a proxy on this machine.
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment, bypassesLoopback: Bool = true) {
        self.environment = environment
        self.bypassesLoopback = bypassesLoopback
    }

    /// The proxy for `url`, nil for a direct connection; throws for a proxy AsyncHTTPClient cannot use (an `https://`
    /// proxy) or cannot parse.
    public func proxy(for url: URL) throws -> HTTPClient.Configuration.Proxy? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let setting = names.lazy.compactMap({ self.value($0) }).first else { return nil }
        if bypasses(host) || (bypassesLoopback && Self.isLoopback(host)) { return nil }
        return try Self.parse(setting)
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// `localhost`, 127.0.0.0/8 or ::1, as Go decides it (other names that resolve to loopback are proxied).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, bare, &ipv4) == 1 { return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127 }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, bare, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    private func bypasses(_ host: String) -> Bool {
        guard let list = value("no_proxy") ?? value("NO_PROXY") else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        for entry in list.split(separator: ",") {
            var pattern = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if pattern == "*" { return true }
            if pattern.hasPrefix(".") { pattern.removeFirst() }
            guard !pattern.isEmpty else { continue }
            if bare == pattern || bare.hasSuffix("." + pattern) { return true }
        }
        return false
    }

    /// `host:port`, `http://[user:password@]host[:port]` or `socks5://host[:port]`; curl's default port is 1080.
    static func parse(_ setting: String) throws -> HTTPClient.Configuration.Proxy {
        let text = setting.contains("://") ? setting : "http://" + setting
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw Unsupported(description: "the proxy setting \(redactURL(text)) is not a URL or host:port")
        }
        let port = components.port ?? 1080
        switch components.scheme?.lowercased() {
        case "http":
            let authorization = components.user.map {
                HTTPClient.Authorization.basic(username: $0.removingPercentEncoding ?? $0,
                                               password: components.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
            }
            return .server(host: host, port: port, authorization: authorization)
        case "socks5", "socks5h":
            return .socksServer(host: host, port: port)
        default:
            throw Unsupported(description: "the proxy \(redactURL(text)) uses \(components.scheme ?? "no") scheme; moat can use http:// and socks5:// proxies")
        }
    }
}
