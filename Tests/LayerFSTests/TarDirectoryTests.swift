import Testing
import LayerFS
import MoatTesting

@Suite("TarDirectory")
struct TarDirectoryTests {
    /// Reads from an in-memory archive as a file would: short reads at the end.
    static func directory(_ bytes: [UInt8], limits: TarLimits = TarLimits(), reads: UnsafeMutablePointer<Int>? = nil) throws -> TarDirectory {
        try TarDirectory(fileSize: Int64(bytes.count), limits: limits) { offset, count in
            reads?.pointee += 1
            let start = min(Int(offset), bytes.count)
            return Array(bytes[start..<min(start + count, bytes.count)])
        }
    }

    static func body(_ bytes: [UInt8], _ member: TarDirectory.Member) -> [UInt8] {
        Array(bytes[Int(member.dataOffset)..<Int(member.dataOffset + member.size)])
    }

    @Test("members are found at their data offsets")
    func offsets() throws {
        let manifest = Array(#"[{"Config":"config.json"}]"#.utf8)
        let layer = pseudoRandomBytes(1_300)
        var tar = TarBuilder()
        tar.file("manifest.json", bytes: manifest)
        tar.directory("blobs")
        tar.file("blobs/layer.tar", bytes: layer)
        tar.file("empty", bytes: [])
        tar.file("last", "z")
        let bytes = tar.finished()
        let directory = try Self.directory(bytes)

        #expect(directory.order == ["manifest.json", "blobs", "blobs/layer.tar", "empty", "last"])
        let first = try #require(directory.members["manifest.json"])
        #expect(first.dataOffset == 512)
        #expect(first.size == Int64(manifest.count))
        #expect(first.kind == .regular)
        #expect(Self.body(bytes, first) == manifest)
        #expect(directory.members["blobs"]?.kind == .directory)
        #expect(directory.members["blobs"]?.size == 0)
        let blob = try #require(directory.members["blobs/layer.tar"])
        #expect(blob.dataOffset == Int64(512 + 512 + 512 + 512))
        #expect(Self.body(bytes, blob) == layer)
        #expect(directory.members["empty"]?.size == 0)
        #expect(directory.members["last"]?.dataOffset == Int64(2048 + 1536 + 512 + 512))
        #expect(Self.body(bytes, try #require(directory.members["last"])) == text("z"))
    }

    @Test("member bodies are skipped, not read")
    func headersOnly() throws {
        var tar = TarBuilder()
        tar.file("a", bytes: pseudoRandomBytes(100_000))
        tar.file("b", bytes: pseudoRandomBytes(100_000))
        var reads = 0
        _ = try Self.directory(tar.finished(), reads: &reads)
        #expect(reads <= 3, "one read per header plus the end marker, got \(reads)")
    }

    @Test("pax and GNU long names name the members and shift their offsets")
    func longNames() throws {
        let paxName = "blobs/sha256/" + String(repeating: "a", count: 200)
        let gnuName = "blobs/sha256/" + String(repeating: "b", count: 200)
        var tar = TarBuilder()
        tar.paxFile(paxName, content: text("pax content"))
        tar.gnuLongNameFile(gnuName, content: text("gnu content"))
        tar.entry("PaxHeaders/size", type: .paxLocal, content: paxBody([("size", "4")]))
        tar.entry("sized", content: text("four"), size: 0)
        let bytes = tar.finished()
        let directory = try Self.directory(bytes)

        #expect(directory.order == [paxName, gnuName, "sized"])
        let pax = try #require(directory.members[paxName])
        #expect(pax.dataOffset == 512 + 512 + 512)
        #expect(Self.body(bytes, pax) == text("pax content"))
        let gnu = try #require(directory.members[gnuName])
        #expect(gnu.dataOffset == 2048 + 512 + 512 + 512)
        #expect(Self.body(bytes, gnu) == text("gnu content"))
        #expect(directory.members["sized"]?.size == 4)
        #expect(Self.body(bytes, try #require(directory.members["sized"])) == text("four"))
    }

    @Test("names are normalised, escaping names dropped, and a repeated name keeps its last copy")
    func names() throws {
        var tar = TarBuilder()
        tar.file("./manifest.json", "old")
        tar.file("../outside", "x")
        tar.file("/abs", "y")
        tar.file("manifest.json", "new!")
        let bytes = tar.finished()
        let directory = try Self.directory(bytes)
        #expect(directory.order == ["manifest.json", "abs"])
        #expect(directory.members["manifest.json"].map { Self.body(bytes, $0) } == text("new!"))
        #expect(directory.members.count == 2)
    }

    @Test("a member claiming more bytes than the archive has is a truncation")
    func truncatedMember() throws {
        var tar = TarBuilder()
        tar.file("ok", "fine")
        tar.file("cut", bytes: pseudoRandomBytes(5_000))
        let bytes = Array(tar.bytes.prefix(1024 + 512 + 1_000))
        let error = tarError { _ = try Self.directory(bytes) }
        #expect(error?.code == .truncated)
        #expect(error?.offset == 1024)
        #expect(error?.description.contains("cut") == true)
    }

    @Test("an archive ending inside a header or an extension body is a truncation")
    func truncatedHeaderOrExtension() throws {
        var tar = TarBuilder()
        tar.file("ok", "fine")
        tar.paxFile("p/" + String(repeating: "x", count: 600), content: text("z"))
        let full = tar.bytes
        #expect(tarError { _ = try Self.directory(Array(full.prefix(1024 + 300))) }?.code == .truncated, "cut in the pax header block")
        #expect(tarError { _ = try Self.directory(Array(full.prefix(1024 + 512 + 200))) }?.code == .truncated, "cut in the pax body")
        #expect(tarError { _ = try Self.directory(Array(full.prefix(100))) }?.code == .truncated, "cut in the first header")
        // A cut end marker (fewer than 512 zero bytes after the last member) loses nothing.
        #expect(try Self.directory(Array(full.prefix(1024)) + [UInt8](repeating: 0, count: 300)).order == ["ok"])
    }

    @Test("an archive without an end marker is complete at a member boundary")
    func noEndMarker() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        tar.file("b", "b")
        let directory = try Self.directory(tar.bytes)
        #expect(directory.order == ["a", "b"])
    }

    @Test("the end marker stops the walk")
    func stopsAtEndMarker() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        tar.end()
        tar.file("hidden", "h")
        #expect(try Self.directory(tar.bytes).order == ["a"])
    }

    @Test("corruption and limits are reported")
    func corruptionAndLimits() throws {
        var bad = TarBuilder()
        bad.file("a", "a")
        bad.entry("b", content: text("b"), corruptChecksum: true)
        #expect(tarError { _ = try Self.directory(bad.finished()) }?.code == .badChecksum)

        var many = TarBuilder()
        for i in 0..<5 { many.file("f\(i)", "") }
        #expect(tarError { _ = try Self.directory(many.finished(), limits: TarLimits(maxEntries: 4)) }?.code == .tooManyEntries)
        #expect(try Self.directory(many.finished(), limits: TarLimits(maxEntries: 5)).order.count == 5)

        var long = TarBuilder()
        long.gnuLongNameFile(String(repeating: "n", count: 300), content: [])
        #expect(tarError { _ = try Self.directory(long.finished(), limits: TarLimits(maxExtensionBytes: 100)) }?.code == .oversizedExtension)
    }

    @Test("an empty file has no members")
    func emptyFile() throws {
        #expect(try Self.directory([]).order.isEmpty)
        #expect(try Self.directory([UInt8](repeating: 0, count: 1024)).members.isEmpty)
    }
}
