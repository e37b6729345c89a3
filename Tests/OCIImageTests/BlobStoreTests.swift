import Foundation
import Testing
import OCIImage
import OCIModel
import LayerFS
import Compression
import MoatTesting

/// The three stores image formats are read through: a directory, a tar file, a compressed tar.
@Suite("Blob stores")
struct BlobStoreTests {
    static func sampleTar() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("dir")
        tar.file("dir/small.json", #"{"a":1}"#)
        tar.file("big.bin", bytes: (0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        tar.symlink("link.json", to: "dir/small.json")
        tar.file("empty", bytes: [])
        return tar.finished()
    }

    /// Collects what `visitMembers` streams.
    final class Collector: ChunkSink {
        var bytes: [UInt8] = []
        var finished = 0
        func consume(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
        func finish() throws { finished += 1 }
    }

    static func drain(_ stream: any ByteStream, bufferSize: Int = 4096) throws -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    @Test("TarFileStore finds regular members, sizes them and reads them in place")
    func tarFileStore() throws {
        let path = try temporaryFile(Self.sampleTar())
        defer { removeTree(path) }
        let store = try TarFileStore(file: SharedFile(path: path))
        #expect(store.isSequential == false)
        #expect(store.displayName == path)
        #expect(store.contains("dir/small.json"))
        #expect(store.contains("./dir//small.json"))
        #expect(store.size(of: "dir/small.json") == 7)
        #expect(try store.read("dir/small.json", limit: 100) == Data(#"{"a":1}"#.utf8))
        #expect(store.size(of: "big.bin") == 5_000_000)
        let big = try Self.drain(store.open("big.bin"), bufferSize: 65_536)
        #expect(big.count == 5_000_000)
        #expect(big[4_999_999] == UInt8(truncatingIfNeeded: 4_999_999 &* 31))
        #expect(store.contains("empty"))
        #expect(try Self.drain(store.open("empty")).isEmpty)
        // Directories and symlinks are not blobs.
        #expect(store.contains("dir") == false)
        #expect(store.contains("link.json") == false)
        let missing = try #require(throws: ImageError.self) { _ = try store.read("nope", limit: 10) }
        #expect(missing.code == .notFound)
        #expect(missing.message.contains("nope"))
        let tooBig = try #require(throws: ImageError.self) { _ = try store.read("big.bin", limit: 1 << 20) }
        #expect(tooBig.code == .invalidMetadata)
        #expect(tooBig.message.contains("big.bin"))
    }

    @Test("TarFileStore visits members in one call each, through pump")
    func tarFileStoreVisit() throws {
        let path = try temporaryFile(Self.sampleTar())
        defer { removeTree(path) }
        let store = try TarFileStore(file: SharedFile(path: path))
        var sinks: [String: Collector] = [:]
        try store.visitMembers(["dir/small.json", "big.bin"]) { member in
            let sink = Collector()
            sinks[member] = sink
            return sink
        }
        #expect(Set(sinks.keys) == ["dir/small.json", "big.bin"])
        #expect(sinks["dir/small.json"]?.bytes == Array(#"{"a":1}"#.utf8))
        #expect(sinks["big.bin"]?.bytes.count == 5_000_000)
        #expect(sinks.values.allSatisfy { $0.finished == 1 })
    }

    @Test("CompressedTarStore keeps metadata, refuses random access and streams members in one pass",
          arguments: [CompressionKind.gzip, .zstd])
    func compressedTarStore(compression: CompressionKind) throws {
        let tar = Self.sampleTar()
        let bytes = compression == .gzip ? TestCompression.gzip(tar) : TestCompression.zstd(tar)
        let path = try temporaryFile(bytes)
        defer { removeTree(path) }
        let store = try CompressedTarStore(file: SharedFile(path: path), compression: compression)
        #expect(store.isSequential)
        #expect(store.contains("dir/small.json"))
        #expect(store.contains("./dir/small.json"))
        #expect(store.size(of: "big.bin") == 5_000_000)
        #expect(try store.read("dir/small.json", limit: 100) == Data(#"{"a":1}"#.utf8))
        #expect(store.contains("link.json") == false)
        // big.bin is past the 4 MB kept from the first pass: it can only be streamed.
        let tooBig = try #require(throws: ImageError.self) { _ = try store.read("big.bin", limit: 64 << 20) }
        #expect(tooBig.code == .invalidMetadata)
        let random = try #require(throws: ImageError.self) { _ = try store.open("dir/small.json") }
        #expect(random.code == .unsupported)
        #expect(random.message.contains("front to back"))

        var sinks: [String: Collector] = [:]
        try store.visitMembers(["big.bin", "./dir/small.json", "empty"]) { member in
            let sink = Collector()
            sinks[member] = sink
            return sink
        }
        // Sinks are keyed by the caller's spelling of the path.
        #expect(Set(sinks.keys) == ["big.bin", "./dir/small.json", "empty"])
        #expect(sinks["big.bin"]?.bytes == Array(tar[2048..<(2048 + 5_000_000)]))
        #expect(sinks["./dir/small.json"]?.bytes == Array(#"{"a":1}"#.utf8))
        #expect(sinks["empty"]?.bytes.isEmpty == true)
        #expect(sinks.values.allSatisfy { $0.finished == 1 })
    }

    @Test("an error thrown by a sink stops the pass and reaches the caller")
    func sinkErrorPropagates() throws {
        let path = try temporaryFile(TestCompression.gzip(Self.sampleTar()))
        defer { removeTree(path) }
        let store = try CompressedTarStore(file: SharedFile(path: path), compression: .gzip)
        final class Failing: ChunkSink {
            func consume(_ chunk: UnsafeRawBufferPointer) throws { throw ImageError(.io, "sink refused") }
            func finish() throws {}
        }
        let error = try #require(throws: ImageError.self) {
            try store.visitMembers(["big.bin"]) { _ in Failing() }
        }
        #expect(error.message == "sink refused")
    }

    @Test("DirectoryStore streams files and reports missing ones as .notFound")
    func directoryStore() throws {
        let root = try temporaryDirectory()
        defer { removeTree(root) }
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0) }
        try ImageWriter.writeTree(["blobs/sha256/x": payload], to: root)
        let store = DirectoryStore(root: root)
        #expect(store.isSequential == false)
        #expect(try Self.drain(store.open("blobs/sha256/x"), bufferSize: 7_000) == payload)
        let missing = try #require(throws: ImageError.self) { _ = try store.open("blobs/sha256/y") }
        #expect(missing.code == .notFound)
        #expect(missing.message.contains("blobs/sha256/y"))
    }

    @Test("SharedFile ranges and DataStream read exactly what they cover")
    func streams() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let path = try temporaryFile(bytes)
        defer { removeTree(path) }
        let file = try SharedFile(path: path)
        #expect(file.size == 10_000)
        #expect(try Self.drain(file.stream(offset: 1000, length: 2345), bufferSize: 100) == Array(bytes[1000..<3345]))
        #expect(try Self.drain(file.stream()) == bytes)
        #expect(try Self.drain(DataStream(Data(bytes)), bufferSize: 333) == bytes)
        // A range running past the end of the file is an error, not a short read.
        let error = try #require(throws: ImageError.self) { _ = try Self.drain(file.stream(offset: 9_000, length: 5_000)) }
        #expect(error.code == .io)
        #expect(error.message.contains("truncated"))
    }

    @Test("pump feeds a stream to a sink and finishes it once")
    func pumpFinishes() throws {
        let sink = Collector()
        try pump(DataStream(Data([1, 2, 3, 4, 5])), into: sink, bufferSize: 2)
        #expect(sink.bytes == [1, 2, 3, 4, 5])
        #expect(sink.finished == 1)
    }

    @Test("a layer stored as a hard link to another archive member reads the target's bytes")
    func hardLinkedLayerMember() async throws {
        let layer = smallLayerTar("linked")
        let config = try encodeJSON(handConfig(diffIDs: [OCIModel.Digest.sha256(of: layer)]))
        let configName = OCIModel.Digest.sha256(of: config).hex + ".json"
        var tar = TarBuilder()
        tar.file(configName, bytes: config)
        tar.file("blobs/real.tar", bytes: layer)
        tar.hardLink("abc/layer.tar", to: "blobs/real.tar")
        tar.file("manifest.json", bytes: try encodeJSON([DockerArchiveManifestEntry(config: configName, repoTags: ["h:1"], layers: ["abc/layer.tar"])]))
        let path = try temporaryFile(tar.finished())
        defer { removeTree(path) }
        let opened = try ImageOpener().open(path: path)
        let scans = try await scan(opened)
        #expect(scans.first?.index.files.map(\.path) == ["etc", "etc/linked", "etc/filler"])
    }
}
