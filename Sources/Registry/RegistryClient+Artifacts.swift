public import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
public import OCIModel

/// What a registry said when it stored a manifest.
public struct ManifestPushResult: Sendable, Equatable {
    public var digest: Digest
    /// The registry indexed the manifest's `subject` for the referrers API (it answered with `OCI-Subject`); when false,
    /// the pusher maintains the referrers fallback tag itself.
    public var subjectIndexed: Bool

    public init(digest: Digest, subjectIndexed: Bool) {
        self.digest = digest
        self.subjectIndexed = subjectIndexed
    }
}

/// Reads and writes the small artifacts stored beside images: signature tags and OCI 1.1 referrers.
extension RegistryClient {
    /// A manifest by tag or digest, or nil when the registry has none (404).
    public func fetchManifestIfPresent(_ repository: Repository, reference: String) async throws -> FetchedManifest? {
        do {
            return try await fetchManifest(repository, reference: reference)
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
    }

    /// `GET /v2/<name>/referrers/<digest>`: the index of manifests whose `subject` is `digest`, following `Link`
    /// pagination; nil when the registry has no referrers API (404, or an answer that is not an index), in which case
    /// the referrers live in the fallback tag `sha256-<hex>`.
    public func referrers(_ repository: Repository, of digest: Digest) async throws -> Index? {
        var target = "/v2/\(repository.path)/referrers/\(digest)"
        var collected: [Descriptor] = []
        for _ in 0..<64 {
            var request = RegistryRequest(.GET, target, scope: pullScope(repository), accepted: [200, 400, 404, 405])
            request.headers = [("Accept", MediaType.ociIndex)]
            let response = try await transport.send(request, host: repository.apiHost)
            let body = try await Self.collect(response, limit: Self.manifestLimit, what: "referrers of \(repository)@\(digest)")
            guard response.status.code == 200 else { return nil }
            guard let page = try? JSONDecoder().decode(Index.self, from: body) else { return nil }
            collected += page.manifests
            guard let next = response.headers.first(name: "Link").flatMap(Self.nextLink) else { break }
            target = next
        }
        return Index(manifests: collected)
    }

    /// Puts a manifest and reports whether the registry indexed its `subject`.
    public func pushManifestReportingSubject(_ repository: Repository, reference: String, data: Data,
                                             mediaType: String) async throws -> ManifestPushResult {
        let response = try await putManifest(repository, reference: reference, data: data, mediaType: mediaType)
        return ManifestPushResult(digest: response.digest, subjectIndexed: response.headers.first(name: "OCI-Subject") != nil)
    }

    /// Puts a small blob unless the registry already has it.
    public func pushSmallBlob(_ repository: Repository, data: Data) async throws -> Descriptor {
        let digest = Digest.sha256(of: data)
        if try await !blobExists(repository, digest: digest) {
            try await pushBlob(repository, digest: digest, source: .data(data))
        }
        return Descriptor(mediaType: "application/octet-stream", digest: digest, size: Int64(data.count))
    }

    /// `<https://host/v2/...?last=x>; rel="next"` → the path and query to request next (same host only).
    static func nextLink(_ header: String) -> String? {
        guard header.contains("rel=\"next\""), let open = header.firstIndex(of: "<"), let close = header.firstIndex(of: ">"),
              open < close else { return nil }
        let link = String(header[header.index(after: open)..<close])
        if link.hasPrefix("/") { return link }
        guard let url = URL(string: link), let query = url.query else { return URL(string: link)?.path }
        return url.path + "?" + query
    }
}
