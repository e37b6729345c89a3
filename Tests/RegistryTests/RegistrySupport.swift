import Foundation
import MoatTesting
import OCIImage
import OCIModel
import Registry
import RegistryCredentials
import Testing

/// Shared steps of the registry tests: real images, a real registry, and moat's client pointed at it.
enum RegistryFixture {
    static func images() throws -> String {
        try #require(TestEnvironment.testImages, Comment(rawValue: TestEnvironment.missingImagesMessage))
    }

    /// A client for `host` with the given credentials, a fresh cache and quick retries.
    static func client(insecure: [String] = [], caFile: String? = nil, credentials: (any CredentialSource)? = nil,
                       attempts: Int = 3, configure: (inout RegistryConfiguration) -> Void = { _ in }) throws -> RegistryClient {
        var configuration = RegistryConfiguration(insecureRegistries: Set(insecure), caFiles: caFile.map { [$0] } ?? [],
                                                  credentials: credentials ?? CredentialChain([]),
                                                  retry: RetryPolicy(attempts: attempts, initialDelay: 0.05, maximumDelay: 5),
                                                  connectTimeout: 5, readTimeout: 20)
        configure(&configuration)
        return try RegistryClient(configuration: configuration, cache: temporaryCache())
    }

    static func temporaryCache() -> BlobCache {
        BlobCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("moat-blobs-\(UUID().uuidString)").path)
    }

    /// Opens `reference` and reads every layer through the real layer pipeline (digests and diff_ids verified).
    static func pull(_ client: RegistryClient, _ reference: String, platform: Platform? = nil) async throws -> (Image, [LayerScan<NoVisitor>]) {
        let image = try await RegistryImageSource(client: client).open(try ImageReference(parsing: reference), platform: platform)
        let scans = try await LayerReader().read(image) { _ in NoVisitor() }
        return (image, scans)
    }

    /// The manifest digest of an OCI layout's only image.
    static func layoutDigest(_ path: String) throws -> Digest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/index.json"))
        let index = try JSONDecoder().decode(Index.self, from: data)
        return try #require(index.manifests.first?.digest)
    }

    static func digest(of data: Data) -> Digest { Digest.sha256(of: data) }

    /// The layer digests of an OCI layout's only image.
    static func layoutLayerDigests(_ path: String) throws -> [Digest] {
        let manifestDigest = try layoutDigest(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(path)/blobs/sha256/\(manifestDigest.hex)"))
        return try JSONDecoder().decode(Manifest.self, from: data).layers.map(\.digest)
    }
}

import LayerFS

/// Reads nothing beyond what the pipeline itself checks.
struct NoVisitor: ContentVisitor {
    func captureLimit(for entry: TarEntry) -> Int { 0 }
    mutating func visit(_ entry: TarEntry, content: [UInt8]) {}
}
