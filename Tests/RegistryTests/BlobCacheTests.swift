import Foundation
import OCIModel
import Testing
@testable import Registry

@Suite struct BlobCacheTests {
    func temporaryCache(limit: Int64 = BlobCache.defaultLimit) throws -> BlobCache {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-cache-\(UUID().uuidString)").path
        return BlobCache(directory: directory, limit: limit)
    }

    @Test func storesVerifiedBlobsAndRefusesWrongContent() throws {
        let cache = try temporaryCache()
        defer { cache.clean() }
        let data = Data("hello layer".utf8)
        let digest = Digest.sha256(of: data)
        cache.store(data, digest: digest)
        #expect(cache.contains(digest))
        #expect(cache.data(for: digest, limit: 1 << 20) == data)

        let other = Digest.sha256(of: Data("other".utf8))
        cache.store(data, digest: other)
        #expect(!cache.contains(other), "content hashing to another digest must not be cached")
    }

    @Test func corruptEntryIsDroppedOnRead() throws {
        let cache = try temporaryCache()
        defer { cache.clean() }
        let data = Data("config".utf8)
        let digest = Digest.sha256(of: data)
        cache.store(data, digest: digest)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: cache.path(for: digest)))
        #expect(cache.data(for: digest, limit: 1 << 20) == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.path(for: digest)))
    }

    @Test func abandonedWriteLeavesNoEntry() throws {
        let cache = try temporaryCache()
        defer { cache.clean() }
        let digest = Digest.sha256(of: Data("full".utf8))
        do {
            let writer = try CacheWriter(cache: cache, digest: digest)
            Data("fu".utf8).withUnsafeBytes { writer.append($0) }
            #expect(throws: RegistryError.self) { try writer.commit() }
        }
        #expect(!cache.contains(digest))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: cache.temporaryDirectory)) ?? []
        #expect(leftovers.isEmpty, "a failed write must not leave temporary files: \(leftovers)")
    }

    /// Disk reserved for a download of stated size is given back on commit when less arrived (a descriptor may
    /// overstate): the entry holds exactly its bytes, with no blocks allocated past its end.
    @Test func diskReservedBeyondWhatArrivedIsReleased() throws {
        let cache = try temporaryCache()
        defer { cache.clean() }
        let data = Data(repeating: 7, count: 100 << 10)
        let digest = Digest.sha256(of: data)
        let writer = try CacheWriter(cache: cache, digest: digest, expectedSize: 32 << 20)
        let reservedBefore = try allocatedBytes(writer.temporaryPath)
        data.withUnsafeBytes { writer.append($0) }
        try writer.commit()
        let path = cache.path(for: digest)
        #expect(cache.data(for: digest, limit: 1 << 20) == data)
        let allocated = try allocatedBytes(path)
        #expect(allocated < 1 << 20, "\(allocated) bytes allocated for a 100 KiB entry (reserved before: \(reservedBefore))")
    }

    /// A stated size beyond the cache's limit reserves nothing (a hostile manifest must not take the disk); within it
    /// the disk is reserved, where the filesystem can.
    @Test func noReservationBeyondTheCacheLimit() throws {
        let cache = try temporaryCache(limit: 1 << 20)
        defer { cache.clean() }
        let beyond = try CacheWriter(cache: cache, digest: Digest.sha256(of: Data("big".utf8)), expectedSize: 64 << 20)
        defer { beyond.discard() }
        let within = try CacheWriter(cache: cache, digest: Digest.sha256(of: Data("small".utf8)), expectedSize: 512 << 10)
        defer { within.discard() }
        let reserved = try allocatedBytes(within.temporaryPath)
        guard reserved > 0 else { return }  // no fallocate on this filesystem: nothing is ever reserved
        #expect(reserved >= 512 << 10)
        #expect(try allocatedBytes(beyond.temporaryPath) < 1 << 20)
    }

    /// Disk allocated to the file (not its length).
    func allocatedBytes(_ path: String) throws -> Int {
        try URL(fileURLWithPath: path).resourceValues(forKeys: [.totalFileAllocatedSizeKey]).totalFileAllocatedSize ?? 0
    }

    @Test func limitEvictsLeastRecentlyUsed() throws {
        var cache = try temporaryCache()
        defer { cache.clean() }
        let blobs = (0..<3).map { Data(repeating: UInt8($0), count: 1000) }
        for (index, blob) in blobs.enumerated() {
            cache.store(blob, digest: Digest.sha256(of: blob))
            // Distinct use times: the first is the oldest.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(index - 10))],
                                                  ofItemAtPath: cache.path(for: Digest.sha256(of: blob)))
        }
        cache.limit = 2000
        let freed = cache.enforceLimit()
        #expect(freed == 1000)
        #expect(!cache.contains(Digest.sha256(of: blobs[0])))
        #expect(cache.contains(Digest.sha256(of: blobs[2])))
        #expect(cache.size() == 2000)
    }

    @Test func tagHintsAreRememberedPerRepositoryAndTagAndNeverTrustedWhenMangled() throws {
        let cache = try temporaryCache()
        defer { cache.clean() }
        let digest = Digest.sha256(of: Data("manifest".utf8))
        #expect(cache.taggedDigest("127.0.0.1:5000/app:1") == nil)
        cache.rememberTag("127.0.0.1:5000/app:1", digest: digest)
        #expect(cache.taggedDigest("127.0.0.1:5000/app:1") == digest)
        #expect(cache.taggedDigest("127.0.0.1:5000/app:2") == nil)
        #expect(cache.taggedDigest("127.0.0.1:5000/other:1") == nil)
        let newer = Digest.sha256(of: Data("newer".utf8))
        cache.rememberTag("127.0.0.1:5000/app:1", digest: newer)
        #expect(cache.taggedDigest("127.0.0.1:5000/app:1") == newer, "a re-pushed tag replaces the hint")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.directory + "/tags")
        #expect(files.count == 1, "one file per repository and tag")
        let hintFile = cache.directory + "/tags/" + (files.first ?? "")
        try Data("not a digest".utf8).write(to: URL(fileURLWithPath: hintFile))
        #expect(cache.taggedDigest("127.0.0.1:5000/app:1") == nil)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.temporaryDirectory))?.isEmpty ?? true,
                "no temporary file is left behind")
    }
}
