import Testing
import LayerFS
import MoatTesting

@Suite("TarStreamParser")
struct TarStreamParserTests {
    // MARK: - Header formats

    @Test("a plain ustar member carries its metadata and content")
    func ustarMember() throws {
        var tar = TarBuilder()
        tar.entry("etc/hostname", content: text("moat\n"), mode: 0o640, uid: 1000, gid: 100, mtime: 1_650_000_000)
        tar.file("etc/motd", "hello")
        let handler = try parse(tar.finished())

        #expect(handler.paths == ["etc/hostname", "etc/motd"])
        let first = try #require(handler.entry("etc/hostname"))
        #expect(first.entry.kind == .regular)
        #expect(first.entry.rawName == "etc/hostname")
        #expect(first.entry.size == 5)
        #expect(first.entry.mode == 0o640)
        #expect(first.entry.uid == 1000)
        #expect(first.entry.gid == 100)
        #expect(first.entry.modificationTime == 1_650_000_000)
        #expect(first.entry.offset == 0)
        #expect(first.entry.linkTarget == nil)
        #expect(first.content == text("moat\n"))
        let second = try #require(handler.entry("etc/motd"))
        #expect(second.entry.offset == 1024, "header + one padded data block")
        #expect(second.content == text("hello"))
        #expect(handler.rejected.isEmpty)
    }

    @Test("the ustar prefix field joins long names")
    func ustarPrefixLongName() throws {
        let directory = (0..<12).map { "directory\($0)" }.joined(separator: "/")  // 129 bytes
        let name = directory + "/file-name.txt"
        #expect(name.utf8.count > 100)
        var tar = TarBuilder()
        tar.file(name, "x")
        let bytes = tar.finished()
        #expect(bytes[345] != 0, "the builder must have used the prefix field")
        #expect(String(decoding: bytes[0..<13], as: UTF8.self) == "file-name.txt", "the name field holds only the last part")

        let handler = try parse(bytes)
        #expect(handler.paths == [name])
        #expect(handler.delivered.first?.content == text("x"))
    }

    @Test("pax records override path, linkpath, size, mtime, uid and gid")
    func paxOverrides() throws {
        let longName = "opt/" + String(repeating: "very-long-component/", count: 15) + "file.bin"
        let content = pseudoRandomBytes(700)
        var tar = TarBuilder()
        tar.entry("PaxHeaders/1", type: .paxLocal, content: paxBody([
            ("path", longName), ("size", "700"), ("mtime", "1234567890.123456789"), ("uid", "4242"), ("gid", "4343"),
        ]))
        // The ustar header lies about the size (0) and the name; the pax values must win.
        tar.entry("short-name", content: content, size: 0, uid: 1, gid: 2, mtime: 5)
        tar.entry("PaxHeaders/2", type: .paxLocal, content: paxBody([("linkpath", "/" + longName)]))
        tar.symlink("link", to: "truncated")
        tar.file("after", "still parsed")
        let handler = try parse(tar.finished())

        #expect(handler.paths == [longName, "link", "after"])
        let file = try #require(handler.entry(longName))
        #expect(file.entry.size == 700)
        #expect(file.entry.modificationTime == 1_234_567_890)
        #expect(file.entry.uid == 4242)
        #expect(file.entry.gid == 4343)
        #expect(file.content == content)
        let link = try #require(handler.entry("link"))
        #expect(link.entry.linkTarget == "/" + longName)
        // Local pax records apply to one member only.
        let after = try #require(handler.entry("after"))
        #expect(after.entry.uid == 0)
        #expect(after.entry.modificationTime == 1_700_000_000)
        #expect(after.content == text("still parsed"))
    }

    @Test("TarBuilder.paxFile names are honoured")
    func paxFileHelper() throws {
        let name = "usr/share/" + String(repeating: "n", count: 240)
        var tar = TarBuilder()
        tar.paxFile(name, content: text("pax body"), extraRecords: ["uid": "77"])
        let handler = try parse(tar.finished())
        #expect(handler.paths == [name])
        #expect(handler.delivered.first?.entry.uid == 77)
        #expect(handler.delivered.first?.content == text("pax body"))
    }

    @Test("global pax records set metadata for every later member but never rename or resize")
    func globalPax() throws {
        var tar = TarBuilder()
        tar.entry("pax_global_header", type: .paxGlobal, content: paxBody([("mtime", "42"), ("path", "renamed"), ("size", "1")]))
        tar.file("a", "alpha")
        tar.file("b", "beta")
        let handler = try parse(tar.finished())
        #expect(handler.paths == ["a", "b"])
        #expect(handler.delivered.map(\.entry.modificationTime) == [42, 42])
        #expect(handler.delivered.map(\.content) == [text("alpha"), text("beta")])
    }

    @Test("GNU L and K records supply long names and long link targets")
    func gnuLongNameAndLink() throws {
        let longName = "srv/" + String(repeating: "gnu-long-name-", count: 20)
        let longLink = "/opt/" + String(repeating: "gnu-long-link-", count: 20)
        var tar = TarBuilder()
        tar.gnuLongNameFile(longName, content: text("gnu"))
        tar.entry("././@LongLink", type: .gnuLongName, content: text(longName + ".lnk") + [0])
        tar.entry("././@LongLink", type: .gnuLongLink, content: text(longLink) + [0])
        tar.symlink(String(longName.prefix(99)), to: String(longLink.prefix(99)))
        tar.file("plain", "p")
        let handler = try parse(tar.finished())

        #expect(handler.paths == [longName, longName + ".lnk", "plain"])
        #expect(handler.delivered[0].content == text("gnu"))
        #expect(handler.delivered[1].entry.kind == .symlink)
        #expect(handler.delivered[1].entry.linkTarget == longLink)
        #expect(handler.delivered[2].entry.linkTarget == nil)
    }

    @Test("a GNU base-256 size field is decoded")
    func base256Size() throws {
        let content = pseudoRandomBytes(1_000)
        var tar = TarBuilder()
        tar.entry("big", content: content, base256Size: true)
        tar.file("next", "n")
        let bytes = tar.finished()
        #expect(bytes[124] == 0x80)
        let handler = try parse(bytes)
        #expect(handler.paths == ["big", "next"])
        #expect(handler.delivered[0].entry.size == 1_000)
        #expect(handler.delivered[0].content == content)
        #expect(handler.delivered[1].content == text("n"))
    }

    @Test("GNU base-256 negative modification times are two's complement", arguments: [Int64(-1), -86_400, -2_000_000_000_000])
    func base256NegativeTime(_ mtime: Int64) throws {
        var tar = TarBuilder()
        tar.file("old", "1969")
        var bytes = tar.finished()
        patchHeader(&bytes, at: 0) { putBase256(mtime, into: &$0, at: 136, length: 12) }
        let handler = try parse(bytes)
        #expect(handler.delivered.first?.entry.modificationTime == mtime)
        #expect(handler.delivered.first?.content == text("1969"))
    }

    @Test("GNU base-256 large positive times decode")
    func base256PositiveTime() throws {
        var tar = TarBuilder()
        tar.file("future", "f")
        var bytes = tar.finished()
        let mtime: Int64 = 1 << 40  // beyond the 11 octal digits of the classic field
        patchHeader(&bytes, at: 0) { putBase256(mtime, into: &$0, at: 136, length: 12) }
        let handler = try parse(bytes)
        #expect(handler.delivered.first?.entry.modificationTime == mtime)
    }

    @Test("base-256 fields that do not fit in 64 bits, and negative sizes, are .badNumber")
    func base256Invalid() throws {
        var tar = TarBuilder()
        tar.file("x", "x")
        var tooLarge = tar.finished()
        patchHeader(&tooLarge, at: 0) { header in
            header[124] = 0x80
            for i in 125..<136 { header[i] = 0xff }
        }
        #expect(tarError { _ = try parse(tooLarge) }?.code == .badNumber)

        var negative = tar.finished()
        patchHeader(&negative, at: 0) { putBase256(-512, into: &$0, at: 124, length: 12) }
        let error = tarError { _ = try parse(negative) }
        #expect(error?.code == .badNumber)
        #expect(error?.detail.contains("negative size") == true)
    }

    @Test("every member kind is recognised")
    func allKinds() throws {
        var tar = TarBuilder()
        tar.file("reg", "regular")
        tar.directory("dir")
        tar.symlink("sym", to: "reg")
        tar.hardLink("hard", to: "reg")
        tar.entry("dev/null", type: .characterDevice, mode: 0o666)
        tar.entry("dev/sda", type: .blockDevice, mode: 0o660)
        tar.entry("run/pipe", type: .fifo, mode: 0o600)
        let handler = try parse(tar.finished())

        let kinds = Dictionary(uniqueKeysWithValues: handler.delivered.map { ($0.entry.path, $0.entry.kind) })
        #expect(kinds == [
            "reg": .regular, "dir": .directory, "sym": .symlink, "hard": .hardLink,
            "dev/null": .characterDevice, "dev/sda": .blockDevice, "run/pipe": .fifo,
        ])
        #expect(handler.entry("sym")?.entry.linkTarget == "reg")
        #expect(handler.entry("hard")?.entry.linkTarget == "reg")
        #expect(handler.entry("dir")?.entry.linkTarget == nil)
        #expect(handler.entry("dev/null")?.entry.mode == 0o666)
        #expect(handler.captureRequests == ["reg"], "only regular files are asked for content")
    }

    @Test("v7 typeflags NUL and '7', and a NUL typeflag with a trailing slash")
    func legacyTypeFlags() throws {
        var tar = TarBuilder()
        tar.file("nul-type", "a")
        tar.file("contiguous", "b")
        tar.entry("olddir/", type: .regular)
        var bytes = tar.finished()
        patchHeader(&bytes, at: 0) { $0[156] = 0 }
        patchHeader(&bytes, at: 1024) { $0[156] = UInt8(ascii: "7") }
        patchHeader(&bytes, at: 2048) { $0[156] = 0 }
        let handler = try parse(bytes)
        #expect(handler.paths == ["nul-type", "contiguous", "olddir"])
        #expect(handler.delivered.map(\.entry.kind) == [.regular, .regular, .directory])
        #expect(handler.delivered.map(\.content) == [text("a"), text("b"), []])
    }

    @Test("links, directories and devices carry no data even when their size field lies")
    func lyingSizesOnDataLessMembers() throws {
        var tar = TarBuilder()
        tar.entry("sym", type: .symlink, size: 5_000, linkName: "target")
        tar.entry("dir/", type: .directory, size: 99_999)
        tar.entry("dev/null", type: .characterDevice, size: 1_234)
        tar.file("real", "real data")
        let handler = try parse(tar.finished())
        #expect(handler.paths == ["sym", "dir", "dev/null", "real"])
        #expect(handler.delivered.map(\.entry.size) == [0, 0, 0, 9])
        #expect(handler.entry("real")?.content == text("real data"))
    }

    @Test("unknown member types are skipped with their data")
    func unknownTypesSkipped() throws {
        var tar = TarBuilder()
        tar.file("vendor", "payload that must be skipped")
        tar.file("kept", "k")
        var bytes = tar.finished()
        patchHeader(&bytes, at: 0) { $0[156] = UInt8(ascii: "V") }
        let handler = try parse(bytes)
        #expect(handler.paths == ["kept"])
        #expect(handler.delivered.first?.content == text("k"))
    }

    // MARK: - Chunking

    /// A stream exercising every feature, to compare results across chunk sizes.
    static func kitchenSinkStream() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("usr")
        tar.file("usr/small", "tiny")
        tar.file("usr/exact", bytes: pseudoRandomBytes(512, seed: 1))
        tar.file("usr/odd", bytes: pseudoRandomBytes(1_537, seed: 2), mode: 0o4755)
        tar.file("usr/empty", "")
        tar.paxFile("usr/" + String(repeating: "p", count: 200), content: pseudoRandomBytes(300, seed: 3),
                    extraRecords: ["mtime": "99", "uid": "12"])
        tar.gnuLongNameFile("usr/" + String(repeating: "g", count: 180), content: pseudoRandomBytes(513, seed: 4))
        tar.entry("usr/b256", content: pseudoRandomBytes(2_000, seed: 5), base256Size: true)
        tar.entry("../escape", content: pseudoRandomBytes(600, seed: 6))
        tar.symlink("usr/link", to: "small")
        tar.hardLink("usr/hard", to: "usr/small")
        tar.entry("dev/tty", type: .characterDevice)
        tar.file("/abs/file", "absolute")
        tar.file("streamed", bytes: pseudoRandomBytes(70_000, seed: 7))
        return tar.finished()
    }

    @Test("chunk size does not change the result", arguments: [1, 7, 511, 512, 513, 4_096])
    func chunkingInvariance(_ chunkSize: Int) throws {
        let bytes = Self.kitchenSinkStream()
        let reference = try parse(bytes, handler: RecordingHandler(capture: 1_000, streamPaths: ["streamed"]))
        let chunked = try parse(bytes, handler: RecordingHandler(capture: 1_000, streamPaths: ["streamed"]), chunkSize: chunkSize)

        #expect(reference.delivered.count == 13)
        #expect(chunked.delivered == reference.delivered)
        #expect(chunked.rejected.map(\.name) == reference.rejected.map(\.name))
        #expect(chunked.rejected.map(\.offset) == reference.rejected.map(\.offset))
        #expect(chunked.streamed == reference.streamed)
        #expect(chunked.streamed == pseudoRandomBytes(70_000, seed: 7))
        #expect(chunked.captureRequests == reference.captureRequests)
    }

    @Test("the whole-stream reference result is what the stream holds")
    func kitchenSinkReference() throws {
        let handler = try parse(Self.kitchenSinkStream(), handler: RecordingHandler(capture: 1_000, streamPaths: ["streamed"]))
        #expect(handler.rejected.map(\.name) == ["../escape"])
        #expect(handler.entry("usr/odd")?.entry.mode == 0o4755)
        #expect(handler.entry("usr/odd")?.content == Array(pseudoRandomBytes(1_537, seed: 2).prefix(1_000)))
        #expect(handler.entry("usr/b256")?.entry.size == 2_000)
        #expect(handler.entry("usr/" + String(repeating: "g", count: 180))?.content == pseudoRandomBytes(513, seed: 4))
        #expect(handler.entry("abs/file")?.entry.rawName == "/abs/file")
        #expect(handler.entry("streamed")?.content == [], "streamed members are not captured as well")
        #expect(handler.entry("usr/empty")?.content == [])
    }

    // MARK: - End of archive and truncation

    @Test("two zero blocks end the archive; anything after them is ignored")
    func endOfArchive() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        tar.end()
        tar.file("after-end", "ignored")
        var bytes = tar.bytes
        bytes += [0xde, 0xad, 0xbe, 0xef]  // trailing garbage that is not a header
        var parser = TarStreamParser()
        var handler = RecordingHandler()
        try feed(bytes, to: &parser, handler: &handler, chunkSize: 100)
        #expect(parser.isFinished)
        try parser.finish()
        #expect(handler.paths == ["a"])
    }

    @Test("a single zero block does not end the archive")
    func singleZeroBlock() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        var bytes = tar.bytes + [UInt8](repeating: 0, count: 512)
        var more = TarBuilder()
        more.file("b", "b")
        bytes += more.finished()
        var parser = TarStreamParser()
        var handler = RecordingHandler()
        try feed(bytes, to: &parser, handler: &handler)
        #expect(parser.isFinished)
        #expect(handler.paths == ["a", "b"])
    }

    @Test("a missing end marker is accepted at a member boundary")
    func missingEndMarker() throws {
        var tar = TarBuilder()
        tar.file("a", "content")
        tar.symlink("b", to: "a")
        var parser = TarStreamParser()
        var handler = RecordingHandler()
        try feed(tar.bytes, to: &parser, handler: &handler)
        #expect(!parser.isFinished)
        try parser.finish()
        #expect(handler.paths == ["a", "b"])
    }

    @Test("truncation inside a member's data throws .truncated", arguments: [513, 600, 1_000])
    func truncatedInData(_ cut: Int) throws {
        var tar = TarBuilder()
        tar.file("big", bytes: pseudoRandomBytes(2_000))
        let bytes = Array(tar.finished().prefix(cut))
        var handler = RecordingHandler()
        let error = tarError { _ = try parse(bytes, handler: handler) }
        #expect(error?.code == .truncated)
        #expect(error?.offset == Int64(cut))
        // Nothing half-read is delivered.
        var parser = TarStreamParser()
        try feed(bytes, to: &parser, handler: &handler)
        #expect(handler.delivered.isEmpty)
    }

    @Test("truncation inside a header throws .truncated")
    func truncatedInHeader() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        tar.file("b", "b")
        let bytes = Array(tar.bytes.prefix(1024 + 100))
        let error = tarError { _ = try parse(bytes) }
        #expect(error?.code == .truncated)
    }

    @Test("truncation inside a pax body or in a member's padding throws .truncated")
    func truncatedInExtensionOrPadding() throws {
        var tar = TarBuilder()
        tar.paxFile("p/" + String(repeating: "x", count: 300), content: text("abc"))
        let pax = tar.bytes
        #expect(tarError { _ = try parse(Array(pax.prefix(600))) }?.code == .truncated)
        // Data complete, padding cut: still mid-member.
        #expect(tarError { _ = try parse(Array(pax.prefix(1536 + 3 + 10))) }?.code == .truncated)
    }

    @Test("a member claiming more bytes than the stream holds is truncated")
    func lyingSize() throws {
        var tar = TarBuilder()
        tar.entry("liar", content: pseudoRandomBytes(600), size: 100_000)
        let error = tarError { _ = try parse(tar.bytes) }
        #expect(error?.code == .truncated)
        #expect(error?.description.contains("truncated") == true)
    }

    // MARK: - Corruption and limits

    @Test("a corrupt checksum throws .badChecksum at the header's offset")
    func badChecksum() throws {
        var tar = TarBuilder()
        tar.file("good", "g")
        tar.entry("bad", content: text("b"), corruptChecksum: true)
        let handler = RecordingHandler()
        let error = tarError { _ = try parse(tar.finished(), handler: handler) }
        #expect(error?.code == .badChecksum)
        #expect(error?.offset == 1024)
    }

    @Test("random bytes are not a tar stream")
    func notATar() throws {
        let error = tarError { _ = try parse(pseudoRandomBytes(2_048)) }
        #expect(error?.code == .badChecksum || error?.code == .badNumber)
    }

    @Test("a non-octal size field throws .badNumber")
    func badNumber() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        var bytes = tar.finished()
        patchHeader(&bytes, at: 0) { header in
            for (i, byte) in "00000000009x".utf8.enumerated() { header[124 + i] = byte }
        }
        #expect(tarError { _ = try parse(bytes) }?.code == .badNumber)
    }

    @Test("a malformed pax record throws .badPax")
    func badPax() throws {
        var tar = TarBuilder()
        tar.entry("PaxHeaders/x", type: .paxLocal, content: text("99 path=nope\n"))
        tar.file("a", "a")
        #expect(tarError { _ = try parse(tar.finished()) }?.code == .badPax)

        var noEquals = TarBuilder()
        noEquals.entry("PaxHeaders/x", type: .paxLocal, content: text("8 pathx\n"))
        noEquals.file("a", "a")
        #expect(tarError { _ = try parse(noEquals.finished()) }?.code == .badPax)

        var badSize = TarBuilder()
        badSize.entry("PaxHeaders/x", type: .paxLocal, content: paxBody([("size", "-5")]))
        badSize.file("a", "a")
        #expect(tarError { _ = try parse(badSize.finished()) }?.code == .badPax)
    }

    @Test("oversized pax and GNU long-name headers throw .oversizedExtension")
    func oversizedExtension() throws {
        let limits = TarLimits(maxExtensionBytes: 256)
        var pax = TarBuilder()
        pax.paxFile(String(repeating: "a", count: 400), content: text("x"))
        let paxError = tarError { _ = try parse(pax.finished(), limits: limits) }
        #expect(paxError?.code == .oversizedExtension)
        #expect(paxError?.offset == 0)

        var gnu = TarBuilder()
        gnu.file("first", "f")
        gnu.gnuLongNameFile(String(repeating: "b", count: 400), content: text("x"))
        let gnuError = tarError { _ = try parse(gnu.finished(), limits: limits) }
        #expect(gnuError?.code == .oversizedExtension)
        #expect(gnuError?.offset == 1024)

        // Just under the limit is fine.
        var fits = TarBuilder()
        fits.gnuLongNameFile(String(repeating: "c", count: 255), content: text("x"))
        #expect(try parse(fits.finished(), limits: limits).paths == [String(repeating: "c", count: 255)])

        // The default limit is 1 MiB: a 2 MiB pax header claim is refused before any of it is buffered.
        var huge = TarBuilder()
        huge.entry("PaxHeaders/huge", type: .paxLocal, size: 2 << 20)
        #expect(tarError { _ = try parse(huge.bytes) }?.code == .oversizedExtension)
    }

    @Test("more members than TarLimits.maxEntries throws .tooManyEntries")
    func tooManyEntries() throws {
        var tar = TarBuilder()
        for i in 0..<4 { tar.file("f\(i)", "\(i)") }
        let limits = TarLimits(maxEntries: 3)
        let error = tarError { _ = try parse(tar.finished(), limits: limits) }
        #expect(error?.code == .tooManyEntries)
        #expect(error?.offset == Int64(3 * 1024))

        var exact = TarBuilder()
        for i in 0..<3 { exact.file("f\(i)", "\(i)") }
        // Extension headers are not members.
        exact.paxFile("f3-" + String(repeating: "z", count: 150), content: [])
        let limitsFour = TarLimits(maxEntries: 4)
        #expect(try parse(exact.finished(), limits: limitsFour).delivered.count == 4)
        #expect(tarError { _ = try parse(exact.finished(), limits: limits) }?.code == .tooManyEntries)
    }

    @Test("TarError describes where it happened")
    func errorDescription() {
        let error = TarError(.truncated, offset: 1536, "tar stream is truncated")
        #expect(error.description == "tar stream is truncated (at byte 1536 of the tar stream)")
    }

    // MARK: - Names

    @Test("names climbing out of the root are rejected and never delivered",
          arguments: ["../etc/passwd", "a/../../etc/shadow", "./../x", "..", "usr/../../../root/.ssh/authorized_keys"])
    func escapingNamesRejected(_ name: String) throws {
        var tar = TarBuilder()
        tar.file("before", "b")
        tar.entry(name, content: pseudoRandomBytes(700))
        tar.file("after", "a")
        let handler = try parse(tar.finished())
        #expect(handler.paths == ["before", "after"])
        #expect(handler.rejected.count == 1)
        #expect(handler.rejected.first?.name == name)
        #expect(handler.rejected.first?.offset == 1024)
        #expect(handler.entry("after")?.content == text("a"), "the rejected member's data was skipped exactly")
        #expect(!handler.captureRequests.contains { $0.contains("..") })
    }

    @Test("escaping names arriving through pax or GNU long names are rejected too")
    func escapingExtendedNames() throws {
        var tar = TarBuilder()
        tar.paxFile("../../pax-escape", content: text("p"))
        tar.gnuLongNameFile("../" + String(repeating: "g", count: 120), content: text("g"))
        tar.file("ok", "ok")
        let handler = try parse(tar.finished())
        #expect(handler.paths == ["ok"])
        #expect(handler.rejected.map(\.name) == ["../../pax-escape", "../" + String(repeating: "g", count: 120)])
    }

    @Test("names are normalised", arguments: [
        ("/etc/passwd", "etc/passwd"),
        ("./usr//bin/./ls", "usr/bin/ls"),
        ("a/b/../c", "a/c"),
        ("///x", "x"),
        ("./", ""),
    ])
    func normalisedNames(_ raw: String, _ expected: String) throws {
        var tar = TarBuilder()
        if raw.hasSuffix("/") { tar.directory(raw) } else { tar.file(raw, "n") }
        let handler = try parse(tar.finished())
        #expect(handler.paths == [expected])
        #expect(handler.delivered.first?.entry.rawName == raw)
        #expect(handler.rejected.isEmpty)
    }

    // MARK: - Content delivery

    @Test("captureLimit bounds the captured prefix", arguments: [0, 1, 10, 511, 512, 513, 5_000])
    func captureLimit(_ limit: Int) throws {
        let content = pseudoRandomBytes(1_500)
        var tar = TarBuilder()
        tar.file("data", bytes: content)
        tar.file("next", "next")
        for chunk in [1, 100, 512, 100_000] {
            let handler = try parse(tar.finished(), handler: RecordingHandler(capture: limit), chunkSize: chunk)
            #expect(handler.entry("data")?.content == Array(content.prefix(limit)))
            #expect(handler.entry("data")?.entry.size == 1_500, "the size is the member's, not the capture's")
            #expect(handler.entry("next")?.content == Array("next".utf8.prefix(limit)))
        }
    }

    @Test("a streaming handler receives the whole body through streamChunk", arguments: [1, 333, 4_096, 1 << 20])
    func streamedContent(_ chunkSize: Int) throws {
        let big = pseudoRandomBytes(100_003, seed: 11)
        var tar = TarBuilder()
        tar.file("small", "s")
        tar.file("big", bytes: big)
        tar.file("empty-streamed", bytes: [])
        tar.file("tail", "t")
        let handler = try parse(tar.finished(),
                                handler: RecordingHandler(capture: 16, streamPaths: ["big", "empty-streamed"]), chunkSize: chunkSize)
        #expect(handler.streamed == big)
        #expect(handler.streamChunks >= 1)
        if chunkSize == 1 { #expect(handler.streamChunks == big.count) }
        #expect(handler.entry("big")?.content == [])
        #expect(handler.entry("big")?.entry.size == Int64(big.count))
        #expect(handler.entry("empty-streamed") != nil)
        #expect(handler.entry("small")?.content == text("s"))
        #expect(handler.entry("tail")?.content == text("t"))
        #expect(handler.streamRequests == ["small", "big", "empty-streamed", "tail"])
        #expect(!handler.captureRequests.contains("big"), "a streamed member is not also captured")
    }

    @Test("errors thrown by the handler propagate out of feed")
    func handlerErrorsPropagate() throws {
        struct Stop: Error {}
        struct Throwing: TarEntryHandler {
            mutating func captureLimit(for entry: TarEntry) -> Int { 0 }
            mutating func entry(_ entry: TarEntry, content: [UInt8]) throws { if entry.path == "second" { throw Stop() } }
            mutating func rejectedEntry(rawName: String, offset: Int64) {}
        }
        var tar = TarBuilder()
        tar.file("first", "1")
        tar.file("second", "2")
        var parser = TarStreamParser()
        var handler = Throwing()
        #expect(throws: Stop.self) { try feed(tar.finished(), to: &parser, handler: &handler) }
    }

    @Test("offset counts the bytes consumed up to the end marker")
    func offsetTracking() throws {
        var tar = TarBuilder()
        tar.file("a", bytes: pseudoRandomBytes(1_000))
        let bytes = tar.finished()
        var parser = TarStreamParser()
        var handler = RecordingHandler()
        try feed(bytes, to: &parser, handler: &handler, chunkSize: 1_000)
        #expect(parser.offset == Int64(bytes.count))
        #expect(parser.limits == TarLimits())
        #expect(TarLimits().maxEntries == 2_000_000)
        #expect(TarLimits().maxExtensionBytes == 1 << 20)
    }
}

@Suite("dangling extension headers")
struct DanglingExtensionTests {
    @Test("a stream ending right after a GNU long-name header is truncated")
    func danglingLongName() throws {
        var tar = TarBuilder()
        tar.entry("././@LongLink", type: .gnuLongName, content: Array("a/very/long/name".utf8) + [0])
        var parser = TarStreamParser()
        var handler = NoContentHandler()
        try tar.bytes.withUnsafeBytes { try parser.feed($0, to: &handler) }
        #expect(throws: TarError.self) { try parser.finish() }
    }
}

private struct NoContentHandler: TarEntryHandler {
    mutating func captureLimit(for entry: TarEntry) -> Int { 0 }
    mutating func entry(_ entry: TarEntry, content: [UInt8]) throws {}
    mutating func rejectedEntry(rawName: String, offset: Int64) {}
}
