public import Foundation
public import OCIModel
public import Registry

/// Where an image and the artifacts beside it live: a registry repository or an OCI layout directory. Signing and
/// verification are written once against this and work on both.
public protocol ArtifactStore: Sendable {
    /// For messages: `127.0.0.1:5000/team/app` or `oci:./app.oci`.
    var displayName: String { get }
    /// The manifest a tag names, or nil when the tag does not exist.
    func manifest(tag: String) async throws -> FetchedManifest?
    /// A manifest by digest, verified against it.
    func manifest(digest: Digest) async throws -> FetchedManifest
    /// A small blob read whole (at most `limit` bytes), verified against its digest.
    func blob(_ digest: Digest, limit: Int) async throws -> Data
    /// Stores a blob (nothing happens when it is already there).
    func putBlob(_ data: Data) async throws
    /// Stores a manifest by digest, and under `tag` when one is given.
    func putManifest(_ data: Data, mediaType: String, tag: String?) async throws -> ManifestPushResult
    /// The referrers of a manifest from the store's referrers API; nil when the store has none (then the fallback tag
    /// holds them).
    func referrers(of digest: Digest) async throws -> Index?
}

/// A registry repository as an artifact store.
public struct RegistryArtifactStore: ArtifactStore {
    public let client: RegistryClient
    public let repository: Repository

    public init(client: RegistryClient, repository: Repository) {
        self.client = client
        self.repository = repository
    }

    public var displayName: String { repository.description }

    public func manifest(tag: String) async throws -> FetchedManifest? {
        try await client.fetchManifestIfPresent(repository, reference: tag)
    }

    public func manifest(digest: Digest) async throws -> FetchedManifest {
        try await client.fetchManifest(repository, reference: digest.description)
    }

    public func blob(_ digest: Digest, limit: Int) async throws -> Data {
        try await client.fetchBlob(repository, digest: digest, limit: limit)
    }

    public func putBlob(_ data: Data) async throws {
        _ = try await client.pushSmallBlob(repository, data: data)
    }

    public func putManifest(_ data: Data, mediaType: String, tag: String?) async throws -> ManifestPushResult {
        try await client.pushManifestReportingSubject(repository, reference: tag ?? Digest.sha256(of: data).description,
                                                      data: data, mediaType: mediaType)
    }

    public func referrers(of digest: Digest) async throws -> Index? {
        try await client.referrers(repository, of: digest)
    }
}
