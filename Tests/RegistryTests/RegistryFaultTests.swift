import Foundation
import MoatTesting
import OCIImage
import OCIModel
@testable import Registry
import RegistryCredentials
import Testing

/// What a real registry cannot be made to do, injected by a proxy in front of one: throttling, failures, a registry
/// dying mid-blob, a lying manifest, a redirect to another host.
@Suite(.serialized) struct RegistryFaultTests {
    /// A plain registry holding scratch.oci as `fault/app:latest`, behind a fault proxy.
    func withProxy(requiredCredentials: BasicCredentials? = nil,
                   _ body: (RegistryServer, FaultProxy, String) async throws -> Void) async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "fault/app")
        let proxy = try await FaultProxy.start(in: registry, requiredCredentials: requiredCredentials)
        defer { Task { await proxy.stop() } }
        try await body(registry, proxy, "\(proxy.host)/fault/app:latest")
    }

    @Test func waitsForRetryAfterOn429() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(.tooManyRequests(retryAfter: 1, first: 1, path: .manifests))
            let client = try RegistryFixture.client(insecure: [proxy.host])
            let start = Date()
            _ = try await RegistryFixture.pull(client, reference)
            #expect(Date().timeIntervalSince(start) >= 1, "Retry-After: 1 must be honoured")
            #expect(proxy.requests.contains { $0.status == 429 })
            await client.shutdown()
        }
    }

    @Test func retriesServerErrorsThenGivesUp() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(.serverError(503, first: 2, path: .manifests))
            let client = try RegistryFixture.client(insecure: [proxy.host], attempts: 3)
            _ = try await RegistryFixture.pull(client, reference)
            await client.shutdown()

            proxy.removeAllFaults()
            try proxy.inject(FaultRule(.status(500), path: .manifests))
            let failing = try RegistryFixture.client(insecure: [proxy.host], attempts: 2)
            let error = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(failing, reference) }
            #expect(error?.code == .unreachable)
            #expect(error?.message.contains("HTTP 500") == true)
            #expect(error?.message.contains("2 attempts") == true)
            await failing.shutdown()
        }
    }

    @Test func resumesABlobCutOffMidway() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(FaultRule(.closeConnection(afterBodyBytes: 1000), method: "GET", path: .blobs, first: 1))
            let client = try RegistryFixture.client(insecure: [proxy.host])
            let (_, scans) = try await RegistryFixture.pull(client, reference)
            #expect(scans.allSatisfy { $0.computedDiffID == $0.layer.diffID })
            await client.shutdown()
        }
    }

    @Test func registryDyingMidBlobLeavesNoCacheEntry() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(FaultRule(.closeConnection(afterBodyBytes: 1000), method: "GET", path: .blobs))
            let cache = RegistryFixture.temporaryCache()
            defer { cache.clean() }
            let client = try RegistryClient(configuration: RegistryConfiguration(
                insecureRegistries: [proxy.host], retry: RetryPolicy(attempts: 2, initialDelay: 0.05)), cache: cache)
            let image = try await RegistryImageSource(client: client).open(try ImageReference(parsing: reference), platform: nil)
            await #expect(throws: (any Error).self) { _ = try await LayerReader().read(image) { _ in NoVisitor() } }
            for layer in image.layers {
                let digest = try #require(layer.digest)
                #expect(!cache.contains(digest), "a half-downloaded layer must not be cached")
            }
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: cache.directory + "/tmp")) ?? []
            #expect(leftovers.isEmpty, "temporary files remain: \(leftovers)")
            await client.shutdown()
        }
    }

    @Test func refusesAManifestWhoseDigestLies() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(FaultRule(.corruptBody, method: "GET", path: .manifests))
            let client = try RegistryFixture.client(insecure: [proxy.host])
            let error = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(client, reference) }
            #expect(error?.code == .digestMismatch)
            await client.shutdown()
        }
    }

    @Test func refusesABlobThatDoesNotHashToItsDigest() async throws {
        try await withProxy { _, proxy, reference in
            try proxy.inject(FaultRule(.corruptBody, method: "GET", path: .blobs))
            let cache = RegistryFixture.temporaryCache()
            defer { cache.clean() }
            let client = try RegistryClient(configuration: RegistryConfiguration(insecureRegistries: [proxy.host],
                                                                                 retry: RetryPolicy(attempts: 1)), cache: cache)
            // The config is a blob too: either it or the first layer is refused.
            let error = await #expect(throws: (any Error).self) {
                let image = try await RegistryImageSource(client: client).open(try ImageReference(parsing: reference), platform: nil)
                _ = try await LayerReader().read(image) { _ in NoVisitor() }
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains("hash"), "\(String(describing: error))")
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: cache.directory + "/sha256")) ?? []
            for name in entries {
                let content = try Data(contentsOf: URL(fileURLWithPath: cache.directory + "/sha256/" + name))
                #expect(Digest.sha256(of: content).hex == name, "a cached blob must hash to its name: \(name)")
            }
            let layers = try RegistryFixture.layoutLayerDigests(try RegistryFixture.images() + "/scratch.oci")
            #expect(layers.allSatisfy { !entries.contains($0.hex) }, "the corrupted layer was not cached")
            await client.shutdown()
        }
    }

    @Test func neverForwardsAuthorizationToAnotherHost() async throws {
        let credentials = BasicCredentials(username: "carol", password: "c4rol-pass")
        try await withProxy(requiredCredentials: credentials) { _, proxy, reference in
            try proxy.inject(FaultRule(.redirectToOtherHost, method: "GET", path: .blobs))
            let client = try RegistryFixture.client(insecure: [proxy.host, proxy.redirectHost],
                                                    credentials: StaticCredentials(username: "carol", password: "c4rol-pass"))
            let (_, scans) = try await RegistryFixture.pull(client, reference)
            #expect(!scans.isEmpty)
            let redirected = proxy.requests.filter { $0.listener == .redirectTarget }
            #expect(!redirected.isEmpty, "the blob was fetched from the redirect target")
            #expect(redirected.allSatisfy { !$0.hadAuthorization }, "Authorization leaked to \(proxy.redirectHost)")
            #expect(proxy.requests.contains { $0.listener == .proxy && $0.hadAuthorization })
            await client.shutdown()
        }
    }

    /// A blob body goes straight from the event loop into the reader's buffer once a request has settled an insecure
    /// host's scheme (before, the direct path is not tried); a host that redirects blobs is remembered and not tried
    /// again, its blobs going through the redirect-following path.
    @Test func blobsStreamFromTheEventLoopWhereTheRegistryServesThem() async throws {
        try await withProxy { _, proxy, reference in
            let client = try RegistryFixture.client(insecure: [proxy.host])
            let parsed = try ImageReference(parsing: reference)
            let repository = Repository(registry: parsed.domain, path: parsed.path)
            func layerGets(_ digest: Digest) -> Int {
                proxy.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/blobs/\(digest)") }.count
            }
            func tee() -> BlobTee { BlobTee(buffer: ChunkBuffer(capacity: 64 << 20), writer: nil) }

            let image = try await RegistryImageSource(client: client).open(parsed, platform: nil, prefetchLayers: 0)
            let layer = try #require(image.layers.first)
            let digest = try #require(layer.digest)
            let unknown = try RegistryFixture.client(insecure: [proxy.host])
            #expect(try await unknown.streamBlobDirect(repository, digest: digest, offset: 0, into: tee()) == .declined)
            #expect(layerGets(digest) == 0, "a host whose scheme is not known yet is not tried")
            await unknown.shutdown()

            let streamed = tee()
            #expect(try await client.streamBlobDirect(repository, digest: digest, offset: 0, into: streamed) == .streamed)
            #expect(streamed.digest == digest)
            #expect(streamed.received == layer.size)

            try proxy.inject(FaultRule(.redirectToOtherHost, method: "GET", path: .blobs))
            #expect(try await client.streamBlobDirect(repository, digest: digest, offset: 0, into: tee()) == .declined)
            #expect(layerGets(digest) == 2)
            #expect(try await client.streamBlobDirect(repository, digest: digest, offset: 0, into: tee()) == .declined)
            #expect(layerGets(digest) == 2, "a host that redirects blobs is not tried directly again")
            await client.shutdown()
        }
    }

    /// Round trips are what a small image's pull costs: a first pull of a tag fetches the manifest by tag at once, a
    /// second asks with HEAD whether the tag moved and reads the rest from the cache, a digest reference needs none.
    @Test func pullsSpendRoundTripsOnlyWhereTheyBuySomething() async throws {
        try await withProxy { _, proxy, reference in
            let cache = RegistryFixture.temporaryCache()
            func client() throws -> RegistryClient {
                var configuration = RegistryConfiguration(insecureRegistries: [proxy.host], retry: RetryPolicy(attempts: 2, initialDelay: 0.05))
                configuration.credentials = CredentialChain([])
                return try RegistryClient(configuration: configuration, cache: cache)
            }
            func manifestRequests() -> [String] {
                proxy.requests.filter { $0.path.contains("/manifests/") }.map { "\($0.method) \($0.path.hasSuffix("/latest") ? "tag" : "digest")" }
            }
            let first = try client()
            let (image, scans) = try await RegistryFixture.pull(first, reference)
            await first.shutdown()
            #expect(!scans.isEmpty)
            #expect(manifestRequests() == ["GET tag"], "a first pull needs no HEAD: \(manifestRequests())")
            for digest in image.layers.compactMap(\.digest) {
                let gets = proxy.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/blobs/\(digest)") }
                #expect(gets.count == 1, "each layer is one GET (no direct try the registry declined): \(gets.count)")
            }

            proxy.clearRequests()
            let second = try client()
            _ = try await RegistryFixture.pull(second, reference)
            await second.shutdown()
            #expect(manifestRequests() == ["HEAD tag"], "a second pull resolves the tag and reads the rest from the cache: \(manifestRequests())")
            #expect(!proxy.requests.contains { $0.path.contains("/blobs/") && $0.method == "GET" })

            proxy.clearRequests()
            let third = try client()
            let pinned = "\(proxy.host)/fault/app@\(try #require(image.manifestDigest))"
            _ = try await RegistryFixture.pull(third, pinned)
            await third.shutdown()
            #expect(manifestRequests().isEmpty, "a cached digest reference needs no request for its manifest: \(manifestRequests())")
        }
    }
}
