import Foundation
import MoatTesting
import OCIImage
import OCIModel
import Registry
import RegistryCredentials
import Testing

/// Pushing with moat itself (monolithic, chunked, cross-repository mount) and copying between every kind of source,
/// checked against what skopeo reads back.
@Suite(.serialized) struct RegistryPushTests {
    func scratchDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("moat-copy-\(UUID().uuidString)").path
    }

    @Test func pushesALayoutKeepingItsDigest() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["dave": "d4ve-pass"]))
        defer { Task { await registry.stop() } }
        let caFile = try #require(registry.caFile)
        let client = try RegistryFixture.client(caFile: caFile, credentials: StaticCredentials(username: "dave", password: "d4ve-pass"))
        let source = try ImageOpener().openDirectory(images + "/minbase.oci")
        let digest = try await ImageCopier(client: client).copy(source, to: .registry(try ImageReference(parsing: "\(registry.host)/team/minbase:1.0")))
        #expect(digest == (try RegistryFixture.layoutDigest(images + "/minbase.oci")))
        let raw = try await Skopeo().rawManifest(registry.endpoint, repository: "team/minbase", reference: "1.0",
                                                 credentials: BasicCredentials(username: "dave", password: "d4ve-pass"))
        #expect(RegistryFixture.digest(of: raw) == digest, "skopeo reads back the very manifest moat pushed")
        await client.shutdown()
    }

    @Test func chunkedUploadAndCrossRepositoryMount() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        let proxy = try await FaultProxy.start(in: registry)
        defer { Task { await proxy.stop() } }
        let client = try RegistryFixture.client(insecure: [proxy.host]) { configuration in
            configuration.chunkedUploadThreshold = 64 << 10
            configuration.uploadChunkSize = 48 << 10
        }
        let source = try ImageOpener().openDirectory(images + "/scratch.oci")
        let expected = try RegistryFixture.layoutDigest(images + "/scratch.oci")
        let first = try await ImageCopier(client: client).copy(source, to: .registry(try ImageReference(parsing: "\(proxy.host)/one/app:v1")))
        #expect(first == expected)
        #expect(proxy.requests.contains { $0.method == "PATCH" }, "blobs above the threshold go up in chunks")

        proxy.clearRequests()
        // As `moat copy` opens a registry source: no layer prefetch.
        let pulled = try await RegistryImageSource(client: client).open(try ImageReference(parsing: "\(proxy.host)/one/app:v1"), platform: nil,
                                                                      prefetchLayers: 0)
        let second = try await ImageCopier(client: client).copy(pulled, to: .registry(try ImageReference(parsing: "\(proxy.host)/two/app:v1")))
        #expect(second == expected)
        let mounts = proxy.requests.filter { $0.method == "POST" && ($0.query ?? "").contains("mount=") }
        #expect(!mounts.isEmpty, "blobs already on the registry are mounted, not uploaded: \(proxy.requests)")
        #expect(!proxy.requests.contains { $0.method == "PATCH" || ($0.method == "PUT" && $0.path.contains("/blobs/uploads/")) })
        let layerPaths = Set(pulled.layers.map { "/v2/one/app/blobs/\($0.digest)" })
        #expect(!proxy.requests.contains { $0.method == "GET" && layerPaths.contains($0.path) }, "a mounted layer is never downloaded: \(proxy.requests)")
        let raw = try await Skopeo().rawManifest(registry.endpoint, repository: "two/app", reference: "v1")
        #expect(RegistryFixture.digest(of: raw) == expected)
        await client.shutdown()
    }

    @Test func copiesRegistryToLayoutAndDockerArchive() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "src/app", tag: "2")
        let client = try RegistryFixture.client(insecure: [registry.host])
        let pulled = try await RegistryImageSource(client: client).open(try ImageReference(parsing: "\(registry.host)/src/app:2"), platform: nil)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let layout = directory + "/copy.oci"
        let layoutDigest = try await ImageCopier(client: client).copy(pulled, to: .ociLayout(directory: layout, name: "2"))
        #expect(layoutDigest == pulled.manifestDigest)
        let reopened = try ImageOpener(imageName: "2").openDirectory(layout)
        #expect(reopened.manifestDigest == pulled.manifestDigest)
        let scans = try await LayerReader().read(reopened) { _ in NoVisitor() }
        #expect(scans.allSatisfy { $0.computedDiffID == $0.layer.diffID })

        let archive = directory + "/copy.tar"
        _ = try await ImageCopier(client: client).copy(pulled, to: .dockerArchive(path: archive, name: "src/app:2"))
        let fromArchive = try ImageOpener().open(path: archive)
        #expect(fromArchive.format == "docker-archive")
        #expect(fromArchive.configDigest == pulled.configDigest)
        #expect(fromArchive.names == ["src/app:2"])
        let archiveScans = try await LayerReader().read(fromArchive) { _ in NoVisitor() }
        #expect(archiveScans.allSatisfy { $0.computedDiffID == $0.layer.diffID })
        await client.shutdown()
    }

    @Test func pushesADockerArchiveThatSkopeoReads() async throws {
        let images = try RegistryFixture.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        let client = try RegistryFixture.client(insecure: [registry.host])
        let archive = try ImageOpener().open(path: images + "/scratch.docker.tar")
        let digest = try await ImageCopier(client: client).copy(archive, to: .registry(try ImageReference(parsing: "\(registry.host)/from/archive:1")))
        let raw = try await Skopeo().rawManifest(registry.endpoint, repository: "from/archive", reference: "1")
        #expect(RegistryFixture.digest(of: raw) == digest)
        let (pulled, scans) = try await RegistryFixture.pull(client, "\(registry.host)/from/archive:1")
        #expect(pulled.configDigest == archive.configDigest)
        #expect(scans.map(\.computedDiffID) == archive.layers.compactMap(\.diffID))
        await client.shutdown()
    }
}
