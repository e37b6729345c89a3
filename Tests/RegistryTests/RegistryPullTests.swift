import Foundation
import MoatTesting
import OCIImage
import OCIModel
import Registry
import RegistryCredentials
import Testing

/// moat's client against Debian's real `docker-registry`, in its three modes, with images pushed by skopeo.
@Suite(.serialized) struct RegistryPullTests {
    @Test func plainRegistryPullMatchesSkopeo() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "team/scratch", tag: "1.0")
        let skopeoManifest = try await Skopeo().rawManifest(registry.endpoint, repository: "team/scratch", reference: "1.0")

        let client = try RegistryFixture.client(insecure: [registry.host])
        let (image, scans) = try await RegistryFixture.pull(client, "\(registry.host)/team/scratch:1.0")
        #expect(image.manifestDigest == RegistryFixture.digest(of: skopeoManifest))
        #expect(image.manifestDigest == (try RegistryFixture.layoutDigest(images + "/scratch.oci")))
        #expect(scans.count == image.layers.count)
        #expect(scans.allSatisfy { $0.computedDiffID == $0.layer.diffID })
        await client.shutdown()
    }

    @Test func secondPullIsServedFromTheCache() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "cached")
        let proxy = try await FaultProxy.start(in: registry)
        defer { Task { await proxy.stop() } }

        let cache = RegistryFixture.temporaryCache()
        defer { cache.clean() }
        for round in 1...2 {
            proxy.clearRequests()
            let client = try RegistryClient(configuration: RegistryConfiguration(insecureRegistries: [proxy.host]), cache: cache)
            _ = try await RegistryFixture.pull(client, "\(proxy.host)/cached:latest")
            await client.shutdown()
            let blobGets = proxy.requests.filter { $0.method == "GET" && $0.path.contains("/blobs/") }
            if round == 1 {
                #expect(!blobGets.isEmpty)
            } else {
                #expect(blobGets.isEmpty, "a rescan must download no blob: \(blobGets)")
                #expect(proxy.requests.filter { $0.method == "GET" }.isEmpty, "only the tag lookup (HEAD) may reach the registry: \(proxy.requests)")
            }
        }
    }

    @Test func tlsWithBasicAuth() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["alice": "s3cret-pass"]))
        defer { Task { await registry.stop() } }
        let good = BasicCredentials(username: "alice", password: "s3cret-pass")
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "private/app", credentials: good)
        let reference = "\(registry.host)/private/app:latest"
        let caFile = try #require(registry.caFile)

        let client = try RegistryFixture.client(caFile: caFile, credentials: StaticCredentials(username: "alice", password: "s3cret-pass"))
        let (image, _) = try await RegistryFixture.pull(client, reference)
        #expect(image.manifestDigest == (try RegistryFixture.layoutDigest(images + "/scratch.oci")))
        await client.shutdown()

        let wrong = try RegistryFixture.client(caFile: caFile, credentials: StaticCredentials(username: "alice", password: "wrong"))
        let wrongError = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(wrong, reference) }
        #expect(wrongError?.code == .unauthorized)
        #expect(wrongError?.message.contains("wrong") == false, "the password must never appear in errors")
        await wrong.shutdown()

        let anonymous = try RegistryFixture.client(caFile: caFile)
        let missing = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(anonymous, reference) }
        #expect(missing?.code == .unauthorized)
        #expect(missing?.message.contains("--password-stdin") == true)
        await anonymous.shutdown()

        let untrusting = try RegistryFixture.client(credentials: StaticCredentials(username: "alice", password: "s3cret-pass"))
        let unknownCA = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(untrusting, reference) }
        #expect(unknownCA?.code == .tls)
        #expect(unknownCA?.message.contains("--ca-file") == true)
        await untrusting.shutdown()

        let insecure = try RegistryFixture.client(insecure: [registry.host], credentials: StaticCredentials(username: "alice", password: "s3cret-pass"))
        let (again, _) = try await RegistryFixture.pull(insecure, reference)
        #expect(again.manifestDigest == image.manifestDigest, "--insecure-registry accepts the unverified certificate")
        await insecure.shutdown()
    }

    @Test func tokenAuthReusesAndRenewsTokens() async throws {
        let images = try RegistryFixture.images()
        let tokens = try await TokenServer.start(TokenServerConfiguration(users: ["bob": "b0b-pass"], tokenLifetime: .seconds(2)))
        defer { Task { await tokens.stop() } }
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "secure/app",
                                credentials: BasicCredentials(username: "bob", password: "b0b-pass"))
        let caFile = try #require(registry.caFile)
        let reference = "\(registry.host)/secure/app:latest"

        tokens.resetStatistics()
        let client = try RegistryFixture.client(caFile: caFile, credentials: StaticCredentials(username: "bob", password: "b0b-pass"))
        let (image, _) = try await RegistryFixture.pull(client, reference)
        #expect(image.manifestDigest == (try RegistryFixture.layoutDigest(images + "/scratch.oci")))
        let afterFirst = tokens.requests.count
        #expect(afterFirst == 1, "one token serves every request of a pull: \(tokens.requests)")

        try await Task.sleep(nanoseconds: 3_000_000_000)
        // The same client after its token expired: it renews instead of failing.
        let again = try await RegistryImageSource(client: client).open(try ImageReference(parsing: reference), platform: nil)
        #expect(again.manifestDigest == image.manifestDigest)
        #expect(tokens.requests.count == afterFirst + 1)
        await client.shutdown()

        let wrong = try RegistryFixture.client(caFile: caFile, credentials: StaticCredentials(username: "bob", password: "nope"))
        let refused = await #expect(throws: RegistryError.self) { try await RegistryFixture.pull(wrong, reference) }
        #expect(refused?.code == .unauthorized)
        await wrong.shutdown()
    }

    @Test func identityTokenIsExchangedWithARefreshGrant() async throws {
        let images = try RegistryFixture.images()
        let tokens = try await TokenServer.start(TokenServerConfiguration(users: ["gina": "g1na-pass"]))
        defer { Task { await tokens.stop() } }
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "idt/app",
                                credentials: BasicCredentials(username: "gina", password: "g1na-pass"))
        // What `docker login` stores as identitytoken: a refresh token from an offline_token request.
        let login = try await CommandRunner.run(try TestEnvironment.curl(), ["-sS", "-u", "gina:g1na-pass",
            tokens.realm.absoluteString + "?service=\(tokens.service)&offline_token=true"], displayName: "curl token login")
        struct Answer: Decodable { var refresh_token: String? }
        let refresh = try #require(try JSONDecoder().decode(Answer.self, from: login.standardOutput).refresh_token)

        tokens.resetStatistics()
        let client = try RegistryFixture.client(caFile: try #require(registry.caFile),
                                                credentials: StaticCredentials(.identityToken(refresh), registry: registry.host))
        let (image, _) = try await RegistryFixture.pull(client, "\(registry.host)/idt/app:latest")
        #expect(image.manifestDigest == (try RegistryFixture.layoutDigest(images + "/scratch.oci")))
        #expect(tokens.statistics.refreshTokenGrants == 1, "the identity token goes through grant_type=refresh_token")
        await client.shutdown()
    }
}
