import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import OCIImage
public import OCIModel

/// A blob to upload: opened afresh for every attempt.
public struct UploadSource: Sendable {
    public var size: Int64
    public var open: @Sendable () throws -> any ByteStream
    /// Runs once, only when the blob has to be uploaded (the repository lacks it and cannot mount it): a blob that
    /// lives on another registry is downloaded here, so a copy the registry can mount downloads nothing.
    public var prepare: (@Sendable () async throws -> Void)?

    public init(size: Int64, prepare: (@Sendable () async throws -> Void)? = nil, open: @escaping @Sendable () throws -> any ByteStream) {
        self.size = size
        self.prepare = prepare
        self.open = open
    }

    public static func data(_ data: Data) -> UploadSource {
        UploadSource(size: Int64(data.count)) { DataStream(data) }
    }
}

extension RegistryClient {
    /// Whether the repository already has the blob (`HEAD`).
    public func blobExists(_ repository: Repository, digest: Digest) async throws -> Bool {
        var request = RegistryRequest(.HEAD, blobPath(repository, digest), scope: pushScope(repository), accepted: [200, 404])
        request.followRedirects = true
        let response = try await transport.send(request, host: repository.apiHost)
        return response.status.code == 200
    }

    /// Asks the registry to link a blob from another repository on it; false when it wants an upload instead.
    public func mountBlob(_ repository: Repository, digest: Digest, from source: Repository) async throws -> Bool {
        guard source.registry == repository.registry, source.path != repository.path else { return false }
        let query = "mount=\(digest)&from=\(source.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? source.path)"
        let request = RegistryRequest(.POST, "/v2/\(repository.path)/blobs/uploads/?\(query)",
                                      scope: pushScope(repository) + " " + pullScope(source), accepted: [201, 202])
        let response = try await transport.send(request, host: repository.apiHost)
        _ = try? await response.body.collect(upTo: 64 << 10)
        return response.status.code == 201
    }

    /// Uploads a blob unless the repository has it: in one request, or in chunks for large blobs.
    /// The registry checks the digest; a mismatch is its 400 `DIGEST_INVALID`, reported as such.
    public func pushBlob(_ repository: Repository, digest: Digest, source: UploadSource, mountFrom: Repository? = nil) async throws {
        if try await blobExists(repository, digest: digest) { return }
        if let mountFrom, try await mountBlob(repository, digest: digest, from: mountFrom) { return }
        try await source.prepare?()
        if source.size > transport.configuration.chunkedUploadThreshold {
            try await uploadChunked(repository, digest: digest, source: source)
        } else {
            try await uploadMonolithic(repository, digest: digest, source: source)
        }
    }

    private func startUpload(_ repository: Repository) async throws -> String {
        var request = RegistryRequest(.POST, "/v2/\(repository.path)/blobs/uploads/", scope: pushScope(repository), accepted: [202])
        request.headers = [("Content-Length", "0")]
        request.followRedirects = false
        let response = try await transport.send(request, host: repository.apiHost)
        _ = try? await response.body.collect(upTo: 64 << 10)
        guard let location = response.headers.first(name: "Location") else {
            throw RegistryError(.invalidResponse, "\(repository): the registry started an upload without a Location")
        }
        return try absolute(location, repository: repository)
    }

    /// A `Location` may be relative and may carry a query of its own.
    private func absolute(_ location: String, repository: Repository) throws -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        guard location.hasPrefix("/") else {
            throw RegistryError(.invalidResponse, "\(repository): unusable upload location \(location.prefix(200))")
        }
        return location
    }

    private func withDigest(_ location: String, _ digest: Digest) -> String {
        location + (location.contains("?") ? "&" : "?") + "digest=" + digest.description.replacingOccurrences(of: ":", with: "%3A")
    }

    private func uploadMonolithic(_ repository: Repository, digest: Digest, source: UploadSource) async throws {
        let location = try await startUpload(repository)
        var request = RegistryRequest(.PUT, withDigest(location, digest), scope: pushScope(repository), accepted: [201])
        request.headers = [("Content-Type", "application/octet-stream"), ("Content-Length", String(source.size))]
        request.followRedirects = false
        request.retryable = false
        let open = source.open
        let size = source.size
        request.body = { Self.streamBody(open: open, size: size, offset: 0, length: size) }
        let response = try await transport.send(request, host: repository.apiHost)
        _ = try? await response.body.collect(upTo: 64 << 10)
    }

    private func uploadChunked(_ repository: Repository, digest: Digest, source: UploadSource) async throws {
        var location = try await startUpload(repository)
        var offset: Int64 = 0
        let open = source.open
        while offset < source.size {
            let length = min(Int64(transport.configuration.uploadChunkSize), source.size - offset)
            var request = RegistryRequest(.PATCH, location, scope: pushScope(repository), accepted: [202])
            request.headers = [("Content-Type", "application/octet-stream"), ("Content-Length", String(length)),
                               ("Content-Range", "\(offset)-\(offset + length - 1)")]
            request.followRedirects = false
            request.retryable = false
            let start = offset, size = source.size
            request.body = { Self.streamBody(open: open, size: size, offset: start, length: length) }
            let response = try await transport.send(request, host: repository.apiHost)
            _ = try? await response.body.collect(upTo: 64 << 10)
            if let next = response.headers.first(name: "Location") { location = try absolute(next, repository: repository) }
            offset += length
        }
        var finish = RegistryRequest(.PUT, withDigest(location, digest), scope: pushScope(repository), accepted: [201])
        finish.headers = [("Content-Length", "0")]
        finish.followRedirects = false
        finish.retryable = false
        let response = try await transport.send(finish, host: repository.apiHost)
        _ = try? await response.body.collect(upTo: 64 << 10)
    }

    /// `length` bytes of the source from `offset`, read 1 MiB at a time as the request is written.
    static func streamBody(open: @escaping @Sendable () throws -> any ByteStream, size: Int64, offset: Int64,
                           length: Int64) -> HTTPClientRequest.Body {
        .stream(ByteStreamChunks(open: open, offset: offset, length: length), length: .known(length))
    }

    /// Puts a manifest under a tag or its digest; returns the digest the registry stored it as.
    @discardableResult
    public func pushManifest(_ repository: Repository, reference: String, data: Data, mediaType: String) async throws -> Digest {
        try await putManifest(repository, reference: reference, data: data, mediaType: mediaType).digest
    }

    func putManifest(_ repository: Repository, reference: String, data: Data,
                     mediaType: String) async throws -> (digest: Digest, headers: HTTPHeaders) {
        var request = RegistryRequest(.PUT, manifestPath(repository, reference), scope: pushScope(repository), accepted: [201])
        request.headers = [("Content-Type", mediaType), ("Content-Length", String(data.count))]
        request.followRedirects = false
        request.body = { .bytes(ByteBuffer(bytes: data)) }
        let response = try await transport.send(request, host: repository.apiHost)
        _ = try? await response.body.collect(upTo: 64 << 10)
        let actual = Digest.sha256(of: data)
        if let stored = response.headers.first(name: "Docker-Content-Digest").flatMap({ try? Digest(parsing: $0) }), stored != actual {
            throw RegistryError(.digestMismatch, "\(repository):\(reference): the registry stored the manifest as \(stored), but it hashes to \(actual)")
        }
        return (actual, response.headers)
    }

    /// Downloads a blob into the cache (verified) without a synchronous reader, for copies from a registry.
    public func downloadToCache(_ repository: Repository, descriptor: Descriptor) async throws -> String {
        guard let cache else { throw RegistryError(.io, "downloading \(descriptor.digest) needs a blob cache") }
        if cache.contains(descriptor.digest) { return cache.path(for: descriptor.digest) }
        var attempt = 0
        while true {
            attempt += 1
            let writer = try CacheWriter(cache: cache, digest: descriptor.digest, expectedSize: descriptor.size)
            do {
                let response = try await openBlob(repository, digest: descriptor.digest, offset: 0)
                for try await chunk in response.body {
                    chunk.withUnsafeReadableBytes { writer.append($0) }
                }
                try writer.commit()
                return cache.path(for: descriptor.digest)
            } catch let error as RegistryError where error.code == .digestMismatch {
                throw error
            } catch {
                writer.discard()
                guard attempt < transport.configuration.retry.attempts else {
                    throw (error as? RegistryError) ?? RegistryError(.unreachable, "downloading \(descriptor.digest) of \(repository) failed: \(error)")
                }
                try await Task.sleep(nanoseconds: UInt64(transport.configuration.retry.backoff(after: attempt) * 1_000_000_000))
            }
        }
    }
}

/// Part of a `ByteStream` as an async sequence of buffers (the stream is a local file, so reads are short).
struct ByteStreamChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let open: @Sendable () throws -> any ByteStream
    let offset: Int64
    let length: Int64

    struct AsyncIterator: AsyncIteratorProtocol {
        var stream: (any ByteStream)?
        let open: @Sendable () throws -> any ByteStream
        var toSkip: Int64
        var remaining: Int64

        mutating func next() async throws -> ByteBuffer? {
            if stream == nil { stream = try open() }
            guard let stream else { return nil }
            var scratch = [UInt8](repeating: 0, count: 1 << 20)
            while toSkip > 0 {
                let wanted = Int(Swift.min(Int64(scratch.count), toSkip))
                let n = try scratch.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
                guard n > 0 else { throw RegistryError(.io, "the blob ended before the upload offset") }
                toSkip -= Int64(n)
            }
            guard remaining > 0 else { return nil }
            let wanted = Int(Swift.min(Int64(scratch.count), remaining))
            let n = try scratch.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
            guard n > 0 else { throw RegistryError(.io, "the blob ended \(remaining) bytes early while uploading") }
            remaining -= Int64(n)
            return ByteBuffer(bytes: scratch[0..<n])
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: nil, open: open, toSkip: offset, remaining: length)
    }
}
