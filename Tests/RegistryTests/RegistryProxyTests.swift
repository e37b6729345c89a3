import Foundation
import HTTPProxy
import MoatTesting
import OCIImage
import OCIModel
@testable import Registry
import RegistryCredentials
import Testing

/// Registry requests go through the proxy the environment names (`https_proxy`, `http_proxy`, `no_proxy`), as
/// docker's do.
@Suite struct RegistryProxyTests {
    /// A pull from a TLS registry with basic auth goes through a real proxy (tinyproxy), every connection a `CONNECT`
    /// tunnel to the registry, so the proxy sees neither credentials nor content; with `no_proxy` naming the registry
    /// the same pull goes direct. (A registry on this machine is reached directly by default, as in docker; this test
    /// turns that off to have a proxy it can watch.)
    @Test func pullsThroughTheProxyAndBypassesNoProxyHosts() async throws {
        let images = try RegistryFixture.images()
        let proxy = try await ForwardProxy.start()
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["alice": "s3cret-pass"]))
        defer { Task { await registry.stop(); await proxy.stop() } }
        let credentials = StaticCredentials(username: "alice", password: "s3cret-pass")
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "private/app",
                                credentials: BasicCredentials(username: "alice", password: "s3cret-pass"))
        let reference = "\(registry.host)/private/app:latest"
        let caFile = try #require(registry.caFile)

        let proxied = try RegistryFixture.client(caFile: caFile, credentials: credentials) {
            $0.proxies = ProxyEnvironment(["https_proxy": proxy.url], bypassesLoopback: false)
        }
        let (image, _) = try await RegistryFixture.pull(proxied, reference)
        await proxied.shutdown()
        #expect(image.manifestDigest == (try RegistryFixture.layoutDigest(images + "/scratch.oci")))
        let tunnels = proxy.requests
        #expect(!tunnels.isEmpty && tunnels.allSatisfy { $0 == "CONNECT \(registry.host)" }, "the proxy was asked: \(tunnels)")

        let bypassing = try RegistryFixture.client(caFile: caFile, credentials: credentials) {
            $0.proxies = ProxyEnvironment(["https_proxy": proxy.url, "no_proxy": "127.0.0.1"], bypassesLoopback: false)
        }
        let (direct, _) = try await RegistryFixture.pull(bypassing, reference)
        await bypassing.shutdown()
        #expect(direct.manifestDigest == image.manifestDigest)
        #expect(proxy.requests.count == tunnels.count, "no_proxy names the registry, yet the proxy was asked again")
    }

    /// A proxy setting moat cannot use stops the request before it leaves, saying which variable to fix and never
    /// showing the password in it.
    @Test func anUnusableProxySettingIsAClearErrorWithoutItsPassword() async throws {
        let client = try RegistryFixture.client {
            $0.proxies = ProxyEnvironment(["https_proxy": "https://user:hunter22@proxy.corp:8443"])
        }
        let error = await #expect(throws: RegistryError.self) { try await client.ping(registry: "registry.example") }
        await client.shutdown()
        #expect(error?.message.contains("https_proxy") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter22") == false, "the proxy's password must never appear in errors")
    }
}
