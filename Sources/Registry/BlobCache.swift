public import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import OCIModel

/// Blobs by digest on disk, so a second scan of an image downloads nothing.
///
/// Safe to share between processes: an entry appears only by `rename` of a complete, verified file, so a reader sees
/// either nothing or the whole blob; writers use unique temporary names; a crash leaves only a stray temporary file,
/// which `clean` and the size limit remove. Entries are never trusted blindly: they are re-verified as they are read.
public struct BlobCache: Sendable {
    public let directory: String
    /// Total bytes kept; the least recently used entries go first when a write pushes the total over it.
    public var limit: Int64

    public static let defaultLimit: Int64 = 10 << 30

    public init(directory: String, limit: Int64 = BlobCache.defaultLimit) {
        self.directory = directory
        self.limit = limit
    }

    var temporaryDirectory: String { directory + "/tmp" }

    public func path(for digest: Digest) -> String {
        "\(directory)/\(digest.algorithm)/\(digest.hex)"
    }

    /// Whether the blob is cached; touching it marks it recently used.
    public func contains(_ digest: Digest) -> Bool {
        let path = path(for: digest)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        return true
    }

    /// A small cached blob, verified; a corrupt entry is removed and reported as absent.
    public func data(for digest: Digest, limit: Int) -> Data? {
        let path = path(for: digest)
        guard let file = Self.regularFile(path), file.size <= Int64(limit),
              let data = FileManager.default.contents(atPath: path) else { return nil }
        if digest.algorithm == "sha256", Digest.sha256(of: data) != digest {
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        return data
    }

    /// Stores a small blob already verified by the caller. Failures only cost a later download.
    public func store(_ data: Data, digest: Digest) {
        guard let writer = try? CacheWriter(cache: self, digest: digest) else { return }
        do {
            data.withUnsafeBytes { writer.append($0) }
            try writer.commit()
        } catch {
            writer.discard()
        }
    }

    /// The digest a repository's tag pointed at when it was last pulled (`name` is `REPOSITORY:TAG`). A hint, never
    /// trusted for content: it only says a `HEAD` is worth asking (the manifest is probably cached); without one, the
    /// manifest is fetched by tag at once, saving a round trip on a first pull.
    public func taggedDigest(_ name: String) -> Digest? {
        guard let data = FileManager.default.contents(atPath: tagPath(name)), data.count <= 200 else { return nil }
        return try? Digest(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Records the digest a tag resolved to (see `taggedDigest`); written whole by rename, failures ignored.
    public func rememberTag(_ name: String, digest: Digest) {
        let manager = FileManager.default
        let temporary = temporaryDirectory + "/tag-" + UUID().uuidString
        let final = tagPath(name)
        do {
            try manager.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
            try manager.createDirectory(atPath: directory + "/tags", withIntermediateDirectories: true)
            try Data(digest.description.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, final) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? manager.removeItem(atPath: temporary)
        }
    }

    private func tagPath(_ name: String) -> String {
        directory + "/tags/" + Digest.sha256(of: Data(name.utf8)).hex
    }

    /// Bytes held by complete entries.
    public func size() -> Int64 {
        entries().reduce(0) { $0 + $1.size }
    }

    struct Entry {
        var path: String
        var size: Int64
        var used: Date
    }

    func entries() -> [Entry] {
        var result: [Entry] = []
        let manager = FileManager.default
        guard let algorithms = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        for algorithm in algorithms where algorithm != "tmp" {
            let folder = directory + "/" + algorithm
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else { continue }
            for name in names {
                let path = folder + "/" + name
                guard let file = Self.regularFile(path) else { continue }
                result.append(Entry(path: path, size: file.size, used: file.modified))
            }
        }
        return result
    }

    /// Removes least recently used entries until the cache fits its limit; returns the bytes freed.
    @discardableResult
    public func enforceLimit() -> Int64 {
        var all = entries().sorted { $0.used < $1.used }
        var total = all.reduce(0) { $0 + $1.size }
        var freed: Int64 = 0
        while total > limit, !all.isEmpty {
            let oldest = all.removeFirst()
            if (try? FileManager.default.removeItem(atPath: oldest.path)) != nil {
                total -= oldest.size
                freed += oldest.size
            }
        }
        return freed
    }

    /// Removes every entry and stray temporary file; returns the bytes freed.
    @discardableResult
    public func clean() -> Int64 {
        let freed = size() + temporaryBytes()
        try? FileManager.default.removeItem(atPath: directory)
        return freed
    }

    private func temporaryBytes() -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory) else { return 0 }
        return names.reduce(0) { total, name in total + (Self.regularFile(temporaryDirectory + "/" + name)?.size ?? 0) }
    }

    /// Size and modification time of a regular file, from one `stat`: FileManager's attributes also look up the
    /// owner's and group's names, reading /etc/passwd and /etc/group for every entry of the cache.
    static func regularFile(_ path: String) -> (size: Int64, modified: Date)? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return (Int64(info.st_size), Date(timeIntervalSince1970: Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9))
    }
}

/// Writes one blob to a temporary file, hashing as it goes; `commit` publishes it only if the digest matches.
public final class CacheWriter: @unchecked Sendable {
    // @unchecked: used by one thread at a time (the reader that tees a download into the cache).
    let cache: BlobCache
    let digest: Digest
    let temporaryPath: String
    private let handle: FileHandle
    private var hasher = DigestHasher()
    private var finished = false
    private var written: Int64 = 0
    private var reserved: Int64 = 0
    /// Set when writing failed (a full disk): hashing goes on, so a reader can still verify, but nothing is published.
    private var writeFailed = false

    /// `expectedSize` (a descriptor's, so untrusted) reserves that much disk up front when it is within the cache's
    /// limit; see `DiskReservation`.
    init(cache: BlobCache, digest: Digest, expectedSize: Int64? = nil) throws {
        self.cache = cache
        self.digest = digest
        let manager = FileManager.default
        try manager.createDirectory(atPath: cache.temporaryDirectory, withIntermediateDirectories: true)
        let unique = "\(digest.hex.prefix(16)).\(ProcessInfo.processInfo.processIdentifier).\(UInt64.random(in: 0...UInt64.max))"
        temporaryPath = cache.temporaryDirectory + "/" + unique
        // open(O_EXCL) on the unique name: FileManager.createFile would write its own temporary file and rename it.
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RegistryError(.io, "cannot create \(temporaryPath) in the blob cache: \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        if let expectedSize, expectedSize > 0, expectedSize <= cache.limit, DiskReservation.reserve(descriptor, bytes: expectedSize) {
            reserved = expectedSize
        }
    }

    deinit {
        if !finished {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    /// Hashes and writes; a write error only costs the cache entry (see `writeFailed`).
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        hasher.update(bytes)
        guard !writeFailed, let base = bytes.baseAddress else { return }
        // Straight from the caller's buffer to the file, without an intermediate Data.
        var offset = 0
        while offset < bytes.count {
            let count = write(handle.fileDescriptor, base + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { writeFailed = true; return }
            offset += count
        }
        written += Int64(bytes.count)
    }

    /// The digest of everything appended so far (the download verifies with it, so bytes are hashed once).
    var contentDigest: Digest { hasher.finalize() }

    /// Publishes the entry if the content hashes to the digest; otherwise discards it and says so.
    func commit() throws {
        finished = true
        // Blocks reserved past what arrived (a descriptor that overstated the size) would stay allocated past the end
        // of the file for as long as the entry lives.
        if reserved > written { _ = ftruncate(handle.fileDescriptor, off_t(written)) }
        try? handle.close()
        guard !writeFailed else {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw RegistryError(.io, "writing blob \(digest) into the cache failed; nothing was cached")
        }
        let actual = hasher.finalize()
        guard digest.algorithm != "sha256" || actual == digest else {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw RegistryError(.digestMismatch, "blob \(digest) arrived with content hashing to \(actual); nothing was cached")
        }
        let final = cache.path(for: digest)
        try FileManager.default.createDirectory(atPath: (final as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard rename(temporaryPath, final) == 0 else {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw RegistryError(.io, "cannot move a downloaded blob into \(final)")
        }
    }

    func discard() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}

/// Reserves disk for a file about to be written, without changing its length (`FALLOC_FL_KEEP_SIZE`): a filesystem
/// with delayed allocation (ext4, xfs) then skips its per-page reservation as the data arrives, a third of the CPU a
/// cache write costs, spent while the layer is being analysed. Best effort: where the call or the filesystem lacks
/// it nothing happens. glibc's `posix_fallocate` would instead emulate it there by writing every block, and
/// `fallocate` itself is not visible to Swift (a GNU extension), so it is looked up once by name.
enum DiskReservation {
    private typealias Fallocate = @convention(c) (Int32, Int32, off_t, off_t) -> Int32

    private static let fallocate: Fallocate? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "fallocate") else { return nil }
        return unsafeBitCast(symbol, to: Fallocate.self)
        #else
        return nil
        #endif
    }()

    /// FALLOC_FL_KEEP_SIZE from <linux/falloc.h>.
    private static let keepSize: Int32 = 0x01

    /// Whether the space was reserved.
    static func reserve(_ descriptor: Int32, bytes: Int64) -> Bool {
        guard let fallocate else { return false }
        return fallocate(descriptor, keepSize, 0, off_t(bytes)) == 0
    }
}
