import Testing
import Foundation
import Compression
import MoatTesting

/// Both back ends: ISA-L when the machine has it (the default) and zlib (forced).
enum GzipBackend: String, CaseIterable, CustomTestStringConvertible {
    case isal, zlib
    var testDescription: String { rawValue }
    func make() throws -> GzipDecompressor { try GzipDecompressor(allowISAL: self == .isal) }
}

@Suite("GzipDecompressor")
struct GzipDecompressorTests {
    static let payload = mixedData(700_000)
    static let compressed = TestCompression.gzip(payload)

    @Test("round trip in assorted chunk sizes", arguments: GzipBackend.allCases, [7, 512, 4_096, 65_536, 1 << 22])
    func roundTrip(_ backend: GzipBackend, _ chunkSize: Int) throws {
        #expect(Self.compressed.count > 1_000)
        #expect(Self.compressed.count < Self.payload.count)
        let output = try decompressAll(try backend.make(), Self.compressed, chunkSize: chunkSize)
        #expect(output.count == Self.payload.count)
        #expect(output == Self.payload)
    }

    @Test("round trip fed one byte at a time", arguments: GzipBackend.allCases)
    func oneByteChunks(_ backend: GzipBackend) throws {
        let payload = mixedData(120_000)
        let output = try decompressAll(try backend.make(), TestCompression.gzip(payload), chunkSize: 1)
        #expect(output == payload)
    }

    @Test("outputs of exactly the internal buffer size and its multiples", arguments: GzipBackend.allCases, [0, 1, 262_143, 262_144, 262_145, 524_288])
    func bufferBoundaries(_ backend: GzipBackend, _ size: Int) throws {
        let payload = sampleText(size)
        for chunk in [1_000, 1 << 20] {
            let output = try decompressAll(try backend.make(), TestCompression.gzip(payload), chunkSize: chunk)
            #expect(output == payload, "\(size) bytes, chunks of \(chunk)")
        }
    }

    @Test("compression levels 0 (stored blocks) to 9 all decode", arguments: GzipBackend.allCases)
    func levels(_ backend: GzipBackend) throws {
        let payload = mixedData(100_000)
        for level: Int32 in [0, 1, 6, 9] {
            #expect(try decompressAll(try backend.make(), TestCompression.gzip(payload, level: level), chunkSize: 3_000) == payload)
        }
    }

    @Test("concatenated gzip members decode to the concatenated contents", arguments: GzipBackend.allCases, [1, 7, 100, 1 << 20])
    func multiMember(_ backend: GzipBackend, _ chunkSize: Int) throws {
        let first = sampleText(30_000)
        let second = noise(20_000)
        let third = Array("tail member\n".utf8)
        let stream = TestCompression.gzip(first) + TestCompression.gzip(second) + TestCompression.gzip(third)
        let output = try decompressAll(try backend.make(), stream, chunkSize: chunkSize)
        #expect(output.count == first.count + second.count + third.count)
        #expect(output == first + second + third)
    }

    @Test("an empty member between members is fine", arguments: GzipBackend.allCases)
    func emptyMember(_ backend: GzipBackend) throws {
        let stream = TestCompression.gzip(Array("a".utf8)) + TestCompression.gzip([]) + TestCompression.gzip(Array("b".utf8))
        #expect(try decompressAll(try backend.make(), stream, chunkSize: 5) == Array("ab".utf8))
    }

    @Test("zero padding after the last member is ignored", arguments: GzipBackend.allCases)
    func trailingPadding(_ backend: GzipBackend) throws {
        let payload = sampleText(10_000)
        let stream = TestCompression.gzip(payload) + [UInt8](repeating: 0, count: 1_024)
        #expect(try decompressAll(try backend.make(), stream, chunkSize: 333) == payload)
    }

    @Test("a stream cut anywhere before its trailer ends is .truncated on finish", arguments: GzipBackend.allCases)
    func truncated(_ backend: GzipBackend) throws {
        let stream = Self.compressed
        for cut in [1, 9, 10, 11, stream.count / 2, stream.count - 8, stream.count - 1] {
            let decompressor = try backend.make()
            let input = Array(stream.prefix(cut))
            // Feeding a prefix never fails; finishing does.
            _ = try decompressAll(decompressor, input, chunkSize: 4_096, finish: false)
            let error = compressionError { try decompressor.finish() }
            #expect(error?.code == .truncated, "cut at \(cut) of \(stream.count)")
            #expect(error?.detail.contains("truncated") == true)
        }
    }

    @Test("a second member cut short is .truncated", arguments: GzipBackend.allCases)
    func truncatedSecondMember(_ backend: GzipBackend) throws {
        let second = TestCompression.gzip(sampleText(5_000))
        let stream = TestCompression.gzip(sampleText(5_000)) + second.prefix(second.count - 3)
        let error = compressionError { _ = try decompressAll(try backend.make(), stream, chunkSize: 512) }
        #expect(error?.code == .truncated)
    }

    @Test("empty input is an error on finish", arguments: GzipBackend.allCases)
    func emptyInput(_ backend: GzipBackend) throws {
        let decompressor = try backend.make()
        try decompressor.decompress(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in Issue.record("no output expected") }
        let error = compressionError { try decompressor.finish() }
        #expect(error?.code == .truncated)
        #expect(error?.detail.contains("empty") == true)
    }

    @Test("an invalid deflate block type is .corrupt", arguments: GzipBackend.allCases)
    func invalidBlockType(_ backend: GzipBackend) throws {
        var stream = TestCompression.gzip(sampleText(50_000))
        // Byte 10 starts the deflate data (no optional header fields): BFINAL then BTYPE in bits 1-2; 11 is reserved.
        #expect(stream[3] == 0, "no FEXTRA/FNAME/FCOMMENT/FHCRC, so the deflate data starts at byte 10")
        stream[10] |= 0b110
        let error = compressionError { _ = try decompressAll(try backend.make(), stream, chunkSize: 4_096) }
        #expect(error?.code == .corrupt)
    }

    @Test("a damaged stored block is .corrupt (bad LEN/NLEN) or .checksum (bad data)", arguments: GzipBackend.allCases)
    func storedBlockDamage(_ backend: GzipBackend) throws {
        let payload = noise(3_000)
        let stream = TestCompression.gzip(payload, level: 0)
        // Level 0: header (10) + block header byte (1) + LEN (2) + NLEN (2), then the payload verbatim.
        #expect(Array(stream[15..<25]) == Array(payload[0..<10]))

        var badLength = stream
        badLength[11] ^= 0x01
        #expect(compressionError { _ = try decompressAll(try backend.make(), badLength) }?.code == .corrupt)

        var badData = stream
        badData[15 + 1_000] ^= 0x40
        let dataError = compressionError { _ = try decompressAll(try backend.make(), badData, chunkSize: 700) }
        #expect(dataError?.code == .checksum)
        #expect(dataError?.detail.contains("checksum") == true)
    }

    @Test("corrupted deflate bytes are detected", arguments: GzipBackend.allCases)
    func corruptedDeflate(_ backend: GzipBackend) throws {
        let stream = TestCompression.gzip(sampleText(200_000))
        var detected = 0
        var codes: Set<String> = []
        for position in stride(from: 20, to: stream.count - 8, by: max(1, (stream.count - 28) / 25)) {
            var damaged = stream
            damaged[position] ^= 0xa5
            let error = compressionError { _ = try decompressAll(try backend.make(), damaged, chunkSize: 8_192) }
            if let error {
                detected += 1
                codes.insert("\(error.code)")
                #expect([.corrupt, .checksum, .truncated].contains(error.code))
            }
        }
        #expect(detected >= 20, "damage must not go unnoticed (\(detected) detected; codes \(codes))")
        #expect(codes.isSubset(of: ["corrupt", "checksum", "truncated"]))
    }

    @Test("a flipped CRC or length byte in the trailer is .checksum", arguments: GzipBackend.allCases, [8, 7, 5, 4, 1])
    func trailerDamage(_ backend: GzipBackend, _ fromEnd: Int) throws {
        var stream = TestCompression.gzip(sampleText(40_000))
        stream[stream.count - fromEnd] ^= 0xff
        for chunk in [1, 4_096, 1 << 20] {
            let error = compressionError { _ = try decompressAll(try backend.make(), stream, chunkSize: chunk) }
            #expect(error?.code == .checksum, "byte \(fromEnd) from the end, chunks of \(chunk)")
        }
    }

    @Test("data that is not gzip at all is .corrupt", arguments: GzipBackend.allCases)
    func notGzip(_ backend: GzipBackend) throws {
        for input in [Array("this is plain text, not gzip".utf8), noise(4_096), [0x1f, 0x8b, 0x09, 0x00] + noise(100)] {
            let error = compressionError { _ = try decompressAll(try backend.make(), input) }
            #expect(error?.code == .corrupt, "input starting \(input.prefix(4))")
        }
    }

    @Test("errors are described for people")
    func descriptions() {
        let error = CompressionError(.truncated, "gzip stream is truncated")
        #expect(error.description == "gzip stream is truncated")
        #expect(error == CompressionError(.truncated, "gzip stream is truncated"))
    }

    @Test("which inflater this machine uses")
    func isalAvailability() throws {
        let usesISAL = GzipDecompressor.usesISAL
        let libraryPresent = ["/usr/lib/x86_64-linux-gnu/libisal.so.2", "/usr/lib/aarch64-linux-gnu/libisal.so.2",
                              "/usr/lib/libisal.so.2", "/usr/local/lib/libisal.so.2"]
            .contains { FileManager.default.fileExists(atPath: $0) }
        let disabled = ProcessInfo.processInfo.environment["MOAT_NO_ISAL"] != nil
        print("GzipDecompressor.usesISAL = \(usesISAL) (libisal.so.2 present: \(libraryPresent), MOAT_NO_ISAL set: \(disabled))")
        if disabled { #expect(!usesISAL, "MOAT_NO_ISAL must turn ISA-L off") }
        if usesISAL { #expect(libraryPresent, "ISA-L reported without the library on disk") }
        // Both constructors work whatever the answer.
        let payload = sampleText(1_000)
        #expect(try decompressAll(try GzipDecompressor(), TestCompression.gzip(payload)) == payload)
        #expect(try decompressAll(try GzipDecompressor(allowISAL: false), TestCompression.gzip(payload)) == payload)
    }
}

@Suite("gzip trailing bytes")
struct GzipTrailerTests {
    @Test("bytes after a member that are not gzip end the stream; a later 0x1f is not read as a new member")
    func trailerIsNeverANewMember() throws {
        let member = TestCompression.gzip(Array("hello".utf8))
        let decompressor = try GzipDecompressor()
        var output: [UInt8] = []
        try (member + [0, 0, 0]).withUnsafeBytes { raw in try decompressor.decompress(raw) { output += $0 } }
        try TestCompression.gzip(Array("world".utf8)).withUnsafeBytes { raw in try decompressor.decompress(raw) { output += $0 } }
        try decompressor.finish()
        #expect(output == Array("hello".utf8))
    }
}
