import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import OCIModel

/// A manifest or index exactly as the registry sent it, with the digest of those bytes.
public struct FetchedManifest: Sendable {
    public var data: Data
    public var mediaType: String
    public var digest: Digest

    public var isIndex: Bool { MediaType.isIndex(mediaType) }

    public init(data: Data, mediaType: String, digest: Digest) {
        self.data = data
        self.mediaType = mediaType
        self.digest = digest
    }
}

/// The OCI distribution API (pull and push) over one `RegistryTransport`.
public final class RegistryClient: Sendable {
    let transport: RegistryTransport
    public let cache: BlobCache?

    /// Every manifest type moat reads; without the index types a registry may pick a platform or convert.
    public static let manifestAccept = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest]
        .joined(separator: ", ")

    /// Largest manifest accepted (the distribution spec suggests registries refuse above 4 MiB).
    static let manifestLimit = 8 << 20

    public init(configuration: RegistryConfiguration, cache: BlobCache? = nil) throws {
        self.transport = try RegistryTransport(configuration: configuration)
        self.cache = cache
    }

    /// Closes connections; call before the process ends.
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: Pull

    /// `GET /v2/`: whether the registry answers and accepts the credentials (a 401 triggers authentication).
    public func ping(registry: String) async throws {
        let host = Repository(registry: registry, path: "").apiHost
        let response = try await transport.send(RegistryRequest(.GET, "/v2/", scope: nil), host: host)
        _ = try? await response.body.collect(upTo: 64 << 10)
    }

    /// Resolves a tag (or digest) to the descriptor of what it points at, with `HEAD` (no pull counted), falling back
    /// to `GET` when the registry sends no digest.
    public func resolve(_ repository: Repository, reference: String) async throws -> Descriptor {
        var request = RegistryRequest(.HEAD, manifestPath(repository, reference), scope: pullScope(repository))
        request.headers = [("Accept", Self.manifestAccept)]
        let response = try await transport.send(request, host: repository.apiHost)
        if let digestText = response.headers.first(name: "Docker-Content-Digest"),
           let digest = try? Digest(parsing: digestText),
           let type = response.headers.first(name: "Content-Type").map(Self.mediaType),
           let length = response.headers.first(name: "Content-Length").flatMap(Int64.init) {
            if let pinned = try? Digest(parsing: reference), pinned != digest {
                throw RegistryError(.digestMismatch, "\(repository)@\(reference): the registry says the manifest is \(digest)")
            }
            return Descriptor(mediaType: type, digest: digest, size: length)
        }
        let manifest = try await fetchManifest(repository, reference: reference)
        return Descriptor(mediaType: manifest.mediaType, digest: manifest.digest, size: Int64(manifest.data.count))
    }

    /// Fetches a manifest or index by tag or digest, verifying the bytes against the digest asked for or announced.
    public func fetchManifest(_ repository: Repository, reference: String) async throws -> FetchedManifest {
        let pinned = try? Digest(parsing: reference)
        if let pinned, let cached = cache?.data(for: pinned, limit: Self.manifestLimit) {
            let probe = try? JSONDecoder().decode(ManifestProbe.self, from: cached)
            let type = probe?.mediaType ?? Self.inferType(probe) ?? MediaType.ociManifest
            return FetchedManifest(data: cached, mediaType: type, digest: pinned)
        }
        var request = RegistryRequest(.GET, manifestPath(repository, reference), scope: pullScope(repository))
        request.headers = [("Accept", Self.manifestAccept)]
        let response = try await transport.send(request, host: repository.apiHost)
        let body = try await Self.collect(response, limit: Self.manifestLimit, what: "manifest \(repository):\(reference)")
        let actual = Digest.sha256(of: body)
        if let pinned, pinned.algorithm == "sha256", pinned != actual {
            throw RegistryError(.digestMismatch, "\(repository)@\(pinned): the registry sent a manifest that hashes to \(actual); refusing it")
        }
        if let announced = response.headers.first(name: "Docker-Content-Digest").flatMap({ try? Digest(parsing: $0) }),
           announced.algorithm == "sha256", announced != actual {
            throw RegistryError(.digestMismatch, "\(repository):\(reference): the registry announced manifest \(announced) but the bytes hash to \(actual); refusing it")
        }
        let probe = try? JSONDecoder().decode(ManifestProbe.self, from: body)
        let headerType = response.headers.first(name: "Content-Type").map(Self.mediaType)
        if probe?.schemaVersion == 1 || headerType == MediaType.dockerManifestV1 || headerType == MediaType.dockerManifestV1Signed {
            throw RegistryError(.unsupported, "\(repository):\(reference) is a Docker schema 1 manifest, which moat does not read (it is deprecated and unsigned by content); re-push the image with a current Docker, buildah or skopeo")
        }
        guard let type = probe?.mediaType ?? headerType ?? Self.inferType(probe) else {
            throw RegistryError(.unsupported, "\(repository):\(reference): the manifest has no media type moat can read")
        }
        guard MediaType.isIndex(type) || MediaType.isManifest(type) else {
            throw RegistryError(.unsupported, "\(repository):\(reference) is a \(type), not an image manifest or index")
        }
        cache?.store(body, digest: actual)
        return FetchedManifest(data: body, mediaType: type, digest: actual)
    }

    /// Reads a small blob (a config) whole, verified against its digest; served from the cache when present.
    public func fetchBlob(_ repository: Repository, digest: Digest, limit: Int) async throws -> Data {
        if let cached = cache?.data(for: digest, limit: limit) { return cached }
        let response = try await transport.send(RegistryRequest(.GET, blobPath(repository, digest), scope: pullScope(repository)),
                                                host: repository.apiHost)
        let body = try await Self.collect(response, limit: limit, what: "blob \(digest) of \(repository)")
        if digest.algorithm == "sha256" {
            let actual = Digest.sha256(of: body)
            guard actual == digest else {
                throw RegistryError(.digestMismatch, "\(repository): blob \(digest) arrived with content hashing to \(actual); refusing it")
            }
        }
        cache?.store(body, digest: digest)
        return body
    }

    /// Streams a blob from `offset` straight from the event loop into `sink` when the registry allows
    /// (see `RegistryTransport.streamDirect`).
    func streamBlobDirect(_ repository: Repository, digest: Digest, offset: Int64, into sink: any DirectSink) async throws -> DirectStream {
        var request = RegistryRequest(.GET, blobPath(repository, digest), scope: pullScope(repository), accepted: [200, 206])
        if offset > 0 { request.headers = [("Range", "bytes=\(offset)-")] }
        return try await transport.streamDirect(request, host: repository.apiHost, into: sink)
    }

    /// Starts a `GET` of a blob from `offset` (a `Range` request when resuming); the caller streams the body.
    func openBlob(_ repository: Repository, digest: Digest, offset: Int64) async throws -> HTTPClientResponse {
        var request = RegistryRequest(.GET, blobPath(repository, digest), scope: pullScope(repository), accepted: [200, 206])
        if offset > 0 { request.headers = [("Range", "bytes=\(offset)-")] }
        return try await transport.send(request, host: repository.apiHost)
    }

    // MARK: Paths and helpers

    func manifestPath(_ repository: Repository, _ reference: String) -> String {
        "/v2/\(repository.path)/manifests/\(reference)"
    }

    func blobPath(_ repository: Repository, _ digest: Digest) -> String {
        "/v2/\(repository.path)/blobs/\(digest)"
    }

    func pullScope(_ repository: Repository) -> String { "repository:\(repository.path):pull" }
    func pushScope(_ repository: Repository) -> String { "repository:\(repository.path):pull,push" }

    /// `application/vnd.oci.image.manifest.v1+json; charset=utf-8` → the bare type.
    static func mediaType(_ header: String) -> String {
        String(header.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces)
    }

    static func inferType(_ probe: ManifestProbe?) -> String? {
        guard let probe else { return nil }
        if probe.manifests != nil { return MediaType.ociIndex }
        if probe.config != nil { return MediaType.ociManifest }
        return nil
    }

    static func collect(_ response: HTTPClientResponse, limit: Int, what: String) async throws -> Data {
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw RegistryError(.invalidResponse, "\(what) is \(length) bytes, more than the \(limit) accepted")
        }
        do {
            let buffer = try await response.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw RegistryError(.invalidResponse, "\(what) is larger than the \(limit) bytes accepted")
        } catch {
            throw RegistryError(.unreachable, "reading \(what) failed: \(error)")
        }
    }
}
