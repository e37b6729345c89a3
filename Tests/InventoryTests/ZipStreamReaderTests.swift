import CMoatInflate
import Foundation
@testable import Inventory
import MoatTesting
import Testing

/// Compression for fixtures through moat_zlib.
enum TestDeflate {
    static func raw(_ input: [UInt8], level: Int32 = 6) -> [UInt8] { compress(input, level: level, format: MOAT_ZLIB_FORMAT_RAW) }
    static func zlib(_ input: [UInt8], level: Int32 = 6) -> [UInt8] { compress(input, level: level, format: MOAT_ZLIB_FORMAT_ZLIB) }

    private static func compress(_ input: [UInt8], level: Int32, format: moat_zlib_format) -> [UInt8] {
        var length = 0
        let pointer = input.withUnsafeBufferPointer { moat_zlib_compress($0.baseAddress, $0.count, level, Int32(format.rawValue), &length) }
        guard let pointer else { return [] }
        defer { moat_zlib_free(pointer) }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }
}

/// Writes zip archives for tests, including shapes real tools write (data descriptors, ZIP64 extras) and hostile ones.
struct TestZip {
    enum Method { case stored, deflated }

    struct Entry {
        var name: String
        var data: [UInt8]
        var method: Method = .deflated
        /// Sizes deferred to a data descriptor (bit 3), as `jar` and Java's ZipOutputStream write them.
        var descriptor = false
        var descriptorSignature = true
        /// A ZIP64 extra field in the local header (and 8-byte descriptor sizes).
        var zip64 = false
        /// Replaces the compressed bytes (to corrupt them).
        var payload: [UInt8]? = nil
    }

    static func entry(_ name: String, _ text: String, method: Method = .deflated, descriptor: Bool = false) -> Entry {
        Entry(name: name, data: Array(text.utf8), method: method, descriptor: descriptor)
    }

    static func build(_ entries: [Entry], preamble: [UInt8] = [], centralDirectory: Bool = true) -> [UInt8] {
        var out = preamble
        var central: [UInt8] = []
        func u16(_ value: Int, into bytes: inout [UInt8]) { bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff)] }
        func u32(_ value: UInt64, into bytes: inout [UInt8]) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(value >> UInt64(shift) & 0xff)) } }
        func u64(_ value: UInt64, into bytes: inout [UInt8]) { for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(value >> UInt64(shift) & 0xff)) } }
        for entry in entries {
            let compressed = entry.payload ?? (entry.method == .deflated ? TestDeflate.raw(entry.data) : entry.data)
            let offset = UInt64(out.count)
            let name = Array(entry.name.utf8)
            var extra: [UInt8] = []
            if entry.zip64 {
                u16(1, into: &extra)
                u16(16, into: &extra)
                u64(entry.descriptor ? 0 : UInt64(entry.data.count), into: &extra)
                u64(entry.descriptor ? 0 : UInt64(compressed.count), into: &extra)
            }
            var header: [UInt8] = [0x50, 0x4b, 0x03, 0x04]
            u16(entry.zip64 ? 45 : 20, into: &header)
            u16(entry.descriptor ? 0x8 : 0, into: &header)
            u16(entry.method == .deflated ? 8 : 0, into: &header)
            u32(0, into: &header)  // time, date
            u32(0, into: &header)  // crc (not checked by the reader)
            if entry.zip64 {
                u32(0xFFFF_FFFF, into: &header)
                u32(0xFFFF_FFFF, into: &header)
            } else {
                u32(entry.descriptor ? 0 : UInt64(compressed.count), into: &header)
                u32(entry.descriptor ? 0 : UInt64(entry.data.count), into: &header)
            }
            u16(name.count, into: &header)
            u16(extra.count, into: &header)
            out += header + name + extra + compressed
            if entry.descriptor {
                if entry.descriptorSignature { out += [0x50, 0x4b, 0x07, 0x08] }
                u32(0, into: &out)
                if entry.zip64 {
                    u64(UInt64(compressed.count), into: &out)
                    u64(UInt64(entry.data.count), into: &out)
                } else {
                    u32(UInt64(compressed.count), into: &out)
                    u32(UInt64(entry.data.count), into: &out)
                }
            }
            central += [0x50, 0x4b, 0x01, 0x02]
            u16(20, into: &central); u16(20, into: &central)
            u16(entry.descriptor ? 0x8 : 0, into: &central)
            u16(entry.method == .deflated ? 8 : 0, into: &central)
            u32(0, into: &central); u32(0, into: &central)
            u32(UInt64(compressed.count), into: &central); u32(UInt64(entry.data.count), into: &central)
            u16(name.count, into: &central); u16(0, into: &central); u16(0, into: &central)
            u16(0, into: &central); u16(0, into: &central); u32(0, into: &central)
            u32(offset, into: &central)
            central += name
        }
        if centralDirectory {
            let start = out.count
            out += central
            out += [0x50, 0x4b, 0x05, 0x06]
            u16(0, into: &out); u16(0, into: &out)
            u16(entries.count, into: &out); u16(entries.count, into: &out)
            u32(UInt64(central.count), into: &out); u32(UInt64(start), into: &out)
            u16(0, into: &out)
        }
        return out
    }
}

/// Records what a zip walk delivers.
struct RecordingZipDelegate: ZipStreamDelegate {
    var read: (String) -> Bool = { _ in true }
    var names: [String] = []
    var contents: [String: [UInt8]] = [:]
    var complete: [String: Bool] = [:]
    private var current = ""

    init(read: @escaping (String) -> Bool = { _ in true }) {
        self.read = read
    }

    mutating func zipEntryBegins(_ header: ZipEntryHeader, budget: inout ZipBudget) -> ZipEntryAction {
        names.append(header.name)
        current = header.name
        guard read(header.name) else { return .skip }
        contents[header.name] = []
        return .read
    }

    mutating func zipEntryData(_ bytes: UnsafeRawBufferPointer, budget: inout ZipBudget) -> ZipEntryAction {
        contents[current, default: []].append(contentsOf: bytes)
        return .read
    }

    mutating func zipEntryEnds(_ header: ZipEntryHeader, complete: Bool, budget: inout ZipBudget) {
        self.complete[header.name] = complete
    }
}

/// Walks `bytes` in chunks of `chunkSize` (whole when nil); returns the delegate, the budget and the error, if any.
func walkZip(_ bytes: [UInt8], chunkSize: Int? = nil, limits: ZipLimits = ZipLimits(),
             read: @escaping (String) -> Bool = { _ in true }) -> (RecordingZipDelegate, ZipBudget, ZipStreamError?) {
    var reader = ZipStreamReader()
    var delegate = RecordingZipDelegate(read: read)
    var budget = ZipBudget(limits: limits)
    let size = max(1, chunkSize ?? bytes.count)
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + size)
        bytes[start..<end].withUnsafeBytes { reader.feed($0, to: &delegate, budget: &budget) }
        start = end
    }
    do {
        try reader.finish(to: &delegate, budget: &budget)
        return (delegate, budget, nil)
    } catch {
        return (delegate, budget, error)
    }
}

@Suite("Zip stream reader")
struct ZipStreamReaderTests {
    static let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 400)

    static let mixed: [TestZip.Entry] = [
        TestZip.Entry(name: "META-INF/", data: [], method: .stored),
        TestZip.entry("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n"),
        TestZip.Entry(name: "stored.txt", data: Array(text.utf8), method: .stored),
        TestZip.Entry(name: "deflated.txt", data: Array(text.utf8), method: .deflated),
        TestZip.Entry(name: "descriptor.txt", data: Array(text.utf8), method: .deflated, descriptor: true),
        TestZip.Entry(name: "descriptor-nosig.txt", data: Array(text.utf8), method: .deflated, descriptor: true, descriptorSignature: false),
        TestZip.Entry(name: "zip64.txt", data: Array(text.utf8), method: .deflated, zip64: true),
        TestZip.Entry(name: "zip64-descriptor.txt", data: Array(text.utf8), method: .deflated, descriptor: true, zip64: true),
        TestZip.Entry(name: "empty.txt", data: [], method: .deflated, descriptor: true),
        TestZip.entry("last.txt", "end"),
    ]

    @Test("every entry shape is delivered whole, in any chunking", arguments: [nil, 1, 7, 30, 4096])
    func shapes(_ chunkSize: Int?) {
        let (delegate, _, error) = walkZip(TestZip.build(Self.mixed), chunkSize: chunkSize)
        #expect(error == nil)
        #expect(delegate.names == Self.mixed.map(\.name))
        for entry in Self.mixed where !entry.name.hasSuffix("/") {
            #expect(delegate.contents[entry.name] == entry.data, "\(entry.name)")
            #expect(delegate.complete[entry.name] == true, "\(entry.name)")
        }
    }

    @Test("skipped entries with a known size are not inflated")
    func skipWithoutInflating() {
        let entries = [TestZip.Entry(name: "big.bin", data: [UInt8](repeating: 7, count: 1 << 20)), TestZip.entry("small.txt", "x")]
        let (delegate, budget, error) = walkZip(TestZip.build(entries), read: { $0 == "small.txt" })
        #expect(error == nil)
        #expect(delegate.contents["small.txt"] == Array("x".utf8))
        #expect(budget.inflatedBytes == 1)
    }

    @Test("a launch script in front of the archive is passed over")
    func preamble() {
        let script = Array("#!/bin/sh\nexec java -jar \"$0\" \"$@\"\n".utf8) + [UInt8](repeating: 0x50, count: 300)
        let (delegate, _, error) = walkZip(TestZip.build([TestZip.entry("a.txt", "hello")], preamble: script), chunkSize: 5)
        #expect(error == nil)
        #expect(delegate.contents["a.txt"] == Array("hello".utf8))
    }

    @Test("data that is not a zip is refused within the preamble limit")
    func notZip() {
        let (delegate, _, error) = walkZip(pseudoBytes(5000), limits: ZipLimits(maxPreambleBytes: 1000))
        #expect(error == .notZip)
        #expect(delegate.names.isEmpty)
    }

    @Test("a truncated archive keeps the entries before the cut and reports where it ended", arguments: [20, 41, 60, 200, 3000])
    func truncated(_ cut: Int) throws {
        // first.txt spans bytes 0..<42 (30-byte header, 9-byte name, 3 bytes); second.txt is incompressible.
        let full = TestZip.build([TestZip.entry("first.txt", "one", method: .stored),
                                  TestZip.Entry(name: "second.txt", data: pseudoBytes(6000), descriptor: true)],
                                 centralDirectory: false)
        try #require(cut < full.count - 16)
        let (delegate, _, error) = walkZip(Array(full.prefix(cut)), chunkSize: 64)
        #expect(error == .truncated(offset: UInt64(cut)))
        if cut > 42 {
            #expect(delegate.contents["first.txt"] == Array("one".utf8))
            #expect(delegate.complete["first.txt"] == true)
        } else if cut > 39 {
            #expect(delegate.complete["first.txt"] == false)
        }
        if cut > 82 { #expect(delegate.complete["second.txt"] == false) }
    }

    @Test("a corrupt entry of known size is reported incomplete and the walk goes on")
    func corruptSized() {
        let entries = [TestZip.Entry(name: "bad.txt", data: Array("whatever".utf8), payload: [0xff, 0xff, 0xff, 0xff, 0xff]),
                       TestZip.entry("good.txt", "fine")]
        let (delegate, _, error) = walkZip(TestZip.build(entries))
        #expect(error == nil)
        #expect(delegate.complete["bad.txt"] == false)
        #expect(delegate.contents["good.txt"] == Array("fine".utf8))
    }

    @Test("a corrupt entry whose end only its descriptor knows stops the walk")
    func corruptDescriptor() {
        let entries = [TestZip.Entry(name: "bad.txt", data: [], descriptor: true, payload: [0xff, 0xff, 0xff, 0xff, 0xff]),
                       TestZip.entry("never.txt", "unreached")]
        let (delegate, _, error) = walkZip(TestZip.build(entries))
        #expect(error == .corruptEntry(name: "bad.txt"))
        #expect(delegate.contents["never.txt"] == nil)
    }

    @Test("a stored entry that defers its size cannot be walked past")
    func storedWithDescriptor() {
        let entries = [TestZip.Entry(name: "s.txt", data: Array("abc".utf8), method: .stored, descriptor: true)]
        let (_, _, error) = walkZip(TestZip.build(entries))
        #expect(error == .unknownEntryLength(name: "s.txt", method: 0))
    }

    @Test("a zip bomb entry stops at the inflate limit, whether read or only skipped past", arguments: [true, false])
    func bomb(_ read: Bool) {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let entries = [TestZip.entry("before.txt", "kept"), TestZip.Entry(name: "bomb.bin", data: zeros, descriptor: true)]
        let archive = TestZip.build(entries)
        #expect(archive.count < 200_000)
        let (delegate, budget, error) = walkZip(archive, chunkSize: 1 << 16, limits: ZipLimits(maxInflatedBytes: 8 << 20),
                                                read: { read || $0 != "bomb.bin" })
        #expect(error == .inflateLimitExceeded(limit: 8 << 20))
        #expect(budget.inflatedBytes <= (8 << 20) + Int64(ZipInflater.outputWindow))
        #expect(delegate.contents["before.txt"] == Array("kept".utf8))
        if read { #expect(delegate.complete["bomb.bin"] == false) }
    }

    @Test("an entry over the per-entry limit is cut short and skipped when its size is known")
    func entryLimitSized() {
        let entries = [TestZip.Entry(name: "big.bin", data: [UInt8](repeating: 1, count: 8 << 20)), TestZip.entry("after.txt", "still read")]
        let (delegate, budget, error) = walkZip(TestZip.build(entries), chunkSize: 4096, limits: ZipLimits(maxEntryInflatedBytes: 1 << 20))
        #expect(error == nil)
        #expect(delegate.complete["big.bin"] == false)
        #expect((delegate.contents["big.bin"]?.count ?? 0) <= (1 << 20) + ZipInflater.outputWindow)
        #expect(delegate.contents["after.txt"] == Array("still read".utf8))
        #expect(budget.inflatedBytes < 2 << 20)
    }

    @Test("an entry over the per-entry limit whose end only its descriptor knows stops the walk")
    func entryLimitDescriptor() {
        let entries = [TestZip.Entry(name: "big.bin", data: [UInt8](repeating: 1, count: 8 << 20), descriptor: true), TestZip.entry("after.txt", "x")]
        let (delegate, _, error) = walkZip(TestZip.build(entries), limits: ZipLimits(maxEntryInflatedBytes: 1 << 20), read: { $0 != "big.bin" })
        #expect(error == .entryTooLarge(name: "big.bin", limit: 1 << 20))
        #expect(delegate.contents["after.txt"] == nil)
    }

    @Test("the entry count is capped")
    func tooManyEntries() {
        let entries = (0..<50).map { TestZip.entry("f\($0)", "x", method: .stored) }
        let (delegate, _, error) = walkZip(TestZip.build(entries), limits: ZipLimits(maxEntries: 10))
        #expect(error == .tooManyEntries(limit: 10))
        #expect(delegate.names.count == 10)
    }

    @Test("garbage where a header should be is an error, not a crash")
    func badSignature() {
        var archive = TestZip.build([TestZip.entry("a.txt", "a", method: .stored)], centralDirectory: false)
        archive += [0x13, 0x37, 0x00, 0x00] + pseudoBytes(100)
        let (delegate, _, error) = walkZip(archive)
        #expect(delegate.contents["a.txt"] == Array("a".utf8))
        #expect(error == .badSignature(offset: UInt64(archive.count - 104)))
    }

    @Test("a lying ZIP64 extra or name length ends as truncation, never out of bounds")
    func lyingLengths() {
        var archive = TestZip.build([TestZip.entry("a.txt", "abc", method: .stored)], centralDirectory: false)
        archive[26] = 0xff  // name length 0xff05
        archive[27] = 0xff
        let (_, _, error) = walkZip(archive)
        #expect(error == .truncated(offset: UInt64(archive.count)))
    }

    @Test("an archive written by Python's zipfile module (real tool output) is walked", .enabled(if: workingTool("python3") != nil))
    func pythonZipfile() throws {
        let python = try #require(workingTool("python3"))
        let directory = try TemporaryDirectory()
        let script = """
        import zipfile, sys
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
            z.writestr('a/one.txt', 'one' * 1000)
            z.writestr(zipfile.ZipInfo('b/two.txt'), 'two')
            with z.open('c/three.txt', 'w', force_zip64=True) as f:
                f.write(b'three' * 5000)
        """
        let path = directory.path + "/p.zip"
        try run(python, ["-c", script, path])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let (delegate, _, error) = walkZip(bytes, chunkSize: 333)
        #expect(error == nil)
        #expect(delegate.contents["a/one.txt"] == Array(String(repeating: "one", count: 1000).utf8))
        #expect(delegate.contents["b/two.txt"] == Array("two".utf8))
        #expect(delegate.contents["c/three.txt"] == Array(String(repeating: "three", count: 5000).utf8))
    }
}

// MARK: - Shared test support

func pseudoBytes(_ count: Int, seed: UInt64 = 0x1234_5678) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// A directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "moat-inventory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func findExecutable(_ name: String) -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for directory in paths + ["/usr/local/go/bin", "/usr/lib/go/bin", "/root/.cargo/bin"] {
        let candidate = directory + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// The tool's path when it is installed and answers `arguments` (e.g. `--version`) successfully, so tests that
/// drive real toolchains skip cleanly on machines where the tool is missing or not set up.
func workingTool(_ name: String, _ arguments: [String] = ["--version"]) -> String? {
    guard let path = findExecutable(name), (try? run(path, arguments)) != nil else { return nil }
    return path
}

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program and returns its standard output; throws with its error output when it fails.
@discardableResult
func run(_ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.runWithDefaultSignals()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")) failed: " + String(decoding: err, as: UTF8.self))
    }
    return String(decoding: out, as: UTF8.self)
}
