import Testing
import Foundation
import Compression
import MoatTesting

@Suite("CompressionKind")
struct CompressionKindTests {
    @Test("sniff reads the magic numbers", arguments: [
        ([0x1f, 0x8b], CompressionKind.gzip),
        ([0x1f, 0x8b, 0x08, 0x00, 0x00], .gzip),
        ([0x28, 0xb5, 0x2f, 0xfd], .zstd),
        ([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00], .zstd),
        ([], .none),
        ([0x1f], .none),
        ([0x28, 0xb5, 0x2f], .none),
        ([0x28, 0xb5, 0x2f, 0xfe], .none),
        ([0x8b, 0x1f], .none),
        (Array("ustar".utf8), .none),
        ([0x42, 0x5a, 0x68, 0x39], .none),  // bzip2 is not a layer compression moat reads
    ] as [([UInt8], CompressionKind)])
    func sniff(_ prefix: [UInt8], _ expected: CompressionKind) {
        #expect(CompressionKind.sniff(prefix) == expected)
        #expect(CompressionKind.sniff(prefix[...]) == expected, "slices work too")
        #expect(CompressionKind.sniff(Data(prefix)) == expected)
    }

    @Test("sniff recognises real compressed output and plain tar")
    func sniffReal() {
        let payload = Array(repeating: UInt8(ascii: "a"), count: 1_000)
        #expect(CompressionKind.sniff(TestCompression.gzip(payload)) == .gzip)
        #expect(CompressionKind.sniff(TestCompression.zstd(payload)) == .zstd)
        var tar = TarBuilder()
        tar.file("etc/hostname", "moat")
        #expect(CompressionKind.sniff(tar.finished()) == .none)
    }

    @Test("each kind makes a matching decompressor")
    func makeDecompressor() throws {
        let payload = Array("payload for every kind of decompressor".utf8)
        let inputs: [CompressionKind: [UInt8]] = [.none: payload, .gzip: TestCompression.gzip(payload), .zstd: TestCompression.zstd(payload)]
        for kind in CompressionKind.allCases {
            let decompressor = try kind.makeDecompressor()
            #expect(try decompressAll(decompressor, try #require(inputs[kind]), chunkSize: 3) == payload, "\(kind)")
        }
        #expect(try CompressionKind.gzip.makeDecompressor() is GzipDecompressor)
        #expect(try CompressionKind.zstd.makeDecompressor() is ZstdDecompressor)
    }

    @Test("the pass-through decompressor copies bytes and accepts empty input")
    func passthrough() throws {
        let decompressor = try CompressionKind.none.makeDecompressor()
        var calls = 0
        try decompressor.decompress(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in calls += 1 }
        #expect(calls == 0, "empty input emits nothing")
        try decompressor.finish()
        #expect(try decompressAll(try CompressionKind.none.makeDecompressor(), noise(10_000), chunkSize: 777) == noise(10_000))
    }

    @Test("raw values are the names used in reports")
    func rawValues() {
        #expect(CompressionKind.allCases.map(\.rawValue) == ["none", "gzip", "zstd"])
        #expect(CompressionKind(rawValue: "zstd") == .zstd)
    }
}
