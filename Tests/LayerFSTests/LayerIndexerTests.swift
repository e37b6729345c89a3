import Testing
import LayerFS
import MoatTesting

/// A visitor that asks for a fixed prefix of chosen paths and records what it saw.
struct PrefixVisitor: ContentVisitor {
    var wanted: [String: Int]
    var seen: [String: [UInt8]] = [:]

    init(wanted: [String: Int]) { self.wanted = wanted }

    func captureLimit(for entry: TarEntry) -> Int { wanted[entry.path] ?? 0 }
    mutating func visit(_ entry: TarEntry, content: [UInt8]) { seen[entry.path] = content }
}

@Suite("LayerIndexer")
struct LayerIndexerTests {
    static let elfHeader: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 200)

    func anomalies(_ index: LayerIndex, _ kind: LayerAnomaly.Kind) -> [LayerAnomaly] {
        index.anomalies.filter { $0.kind == kind }
    }

    @Test("files are recorded in archive order with their metadata")
    func basicIndex() throws {
        var tar = TarBuilder()
        tar.directory("./")
        tar.directory("etc")
        tar.file("etc/os-release", "ID=debian\n", mode: 0o644, uid: 0, gid: 0)
        tar.symlink("etc/localtime", to: "/usr/share/zoneinfo/UTC")
        tar.file("home/user/.profile", "x", mode: 0o600, uid: 1000, gid: 1000)
        let index = try indexLayer(tar.finished())

        #expect(index.files.map(\.path) == ["etc", "etc/os-release", "etc/localtime", "home/user/.profile"], "\"./\" is not a file")
        #expect(index.files.map(\.kind) == [.directory, .regular, .symlink, .regular])
        #expect(index.files[2].linkTarget == "/usr/share/zoneinfo/UTC")
        #expect(index.files[3].uid == 1000)
        #expect(index.files[3].mode == 0o600)
        #expect(index.contentBytes == 11)
        #expect(index.whiteouts.isEmpty)
        #expect(index.opaqueDirectories.isEmpty)
        #expect(index.anomalies.isEmpty)
    }

    @Test("tarBytes is what finish(tarBytes:) records")
    func tarBytes() throws {
        var tar = TarBuilder()
        tar.file("a", "a")
        let bytes = tar.finished()
        let indexer = try indexLayer(bytes, visitor: NoContent())
        #expect(indexer.index.tarBytes == Int64(bytes.count))
    }

    @Test(".wh.NAME records a whiteout of NAME in the same directory, not a file")
    func whiteouts() throws {
        var tar = TarBuilder()
        tar.whiteout("etc/passwd-")
        tar.whiteout("toplevel")
        tar.whiteout("var/cache/apt")
        tar.whiteout("etc/passwd-")  // repeated: recorded once
        tar.file("etc/not.wh.a-whiteout", "only the .wh. prefix of the base name counts")
        tar.file(".wh.dir/inside", "a directory named .wh.dir is not a whiteout either")
        let index = try indexLayer(tar.finished())
        #expect(index.whiteouts == ["etc/passwd-", "toplevel", "var/cache/apt"])
        #expect(index.files.map(\.path) == ["etc/not.wh.a-whiteout", ".wh.dir/inside"])
        #expect(index.anomalies.isEmpty)
    }

    @Test("a whiteout whose name is empty, '.' or '..' is an anomaly, not a deletion", arguments: [".wh.", "etc/.wh..", "etc/.wh..."])
    func whiteoutOfNothing(_ name: String) throws {
        var tar = TarBuilder()
        tar.file(name, "")
        let index = try indexLayer(tar.finished())
        #expect(index.whiteouts.isEmpty)
        #expect(index.files.isEmpty)
        #expect(anomalies(index, .whiteoutOfRoot).count == 1)
        #expect(anomalies(index, .whiteoutOfRoot).first?.path == name)
    }

    @Test(".wh..wh..opq marks its directory opaque")
    func opaqueDirectories() throws {
        var tar = TarBuilder()
        tar.directory("usr/share/doc")
        tar.opaque("usr/share/doc")
        tar.file("usr/share/doc/README", "r")
        tar.opaque("opt")
        let index = try indexLayer(tar.finished())
        #expect(index.opaqueDirectories == ["usr/share/doc", "opt"])
        #expect(index.files.map(\.path) == ["usr/share/doc", "usr/share/doc/README"])
        #expect(index.whiteouts.isEmpty)
    }

    @Test("a duplicate path keeps the last copy and reports an anomaly")
    func duplicates() throws {
        var tar = TarBuilder()
        tar.file("etc/config", "first version", mode: 0o600)
        tar.file("other", "o")
        tar.file("etc/config", "second, longer version", mode: 0o644)
        let index = try indexLayer(tar.finished())
        #expect(index.files.map(\.path) == ["etc/config", "other"], "the first position is kept")
        #expect(index.files[0].size == 22)
        #expect(index.files[0].mode == 0o644)
        #expect(anomalies(index, .duplicateEntry).map(\.path) == ["etc/config"])
        #expect(index.contentBytes == 13 + 1 + 22, "both copies ship in the blob")
    }

    @Test("a directory repeated is normal; a directory replaced by a file is a duplicate")
    func duplicateDirectories() throws {
        var tar = TarBuilder()
        tar.directory("var")
        tar.directory("var/")
        tar.directory("opt")
        tar.file("opt", "now a file")
        let index = try indexLayer(tar.finished())
        #expect(index.files.map(\.path) == ["var", "opt"])
        #expect(index.files[1].kind == .regular)
        #expect(anomalies(index, .duplicateEntry).map(\.path) == ["opt"])
    }

    @Test("a hard link to an earlier regular file inherits its mode and content kind")
    func hardLinkToEarlierFile() throws {
        var tar = TarBuilder()
        tar.file("usr/bin/perl5.36", bytes: Self.elfHeader, mode: 0o755)
        tar.hardLink("usr/bin/perl", to: "usr/bin/perl5.36")
        tar.hardLink("usr/bin/perl-abs", to: "/usr/bin/perl5.36")
        let index = try indexLayer(tar.finished())
        let link = try #require(index.files.first { $0.path == "usr/bin/perl" })
        #expect(link.kind == .hardLink)
        #expect(link.linkTarget == "usr/bin/perl5.36")
        #expect(link.mode == 0o755)
        #expect(link.contentKind == .elf)
        #expect(index.files.first { $0.path == "usr/bin/perl-abs" }?.linkTarget == "usr/bin/perl5.36", "targets are normalised")
        #expect(index.anomalies.isEmpty)
    }

    @Test("a hard link to a missing or later target is an anomaly")
    func hardLinkMissingTarget() throws {
        var tar = TarBuilder()
        tar.hardLink("usr/bin/ghost", to: "usr/bin/nowhere")
        tar.hardLink("early", to: "late")
        tar.file("late", "l")
        tar.directory("somedir")
        tar.hardLink("to-dir", to: "somedir")
        let index = try indexLayer(tar.finished())
        #expect(anomalies(index, .hardLinkTargetMissing).map(\.path) == ["usr/bin/ghost", "early", "to-dir"])
        #expect(index.files.first { $0.path == "usr/bin/ghost" }?.linkTarget == "usr/bin/nowhere")
        #expect(index.files.first { $0.path == "usr/bin/ghost" }?.contentKind == .unknown)
    }

    @Test("a hard link climbing out of the root is an anomaly")
    func hardLinkEscapingRoot() throws {
        var tar = TarBuilder()
        tar.hardLink("etc/shadow-copy", to: "../../../etc/shadow")
        let index = try indexLayer(tar.finished())
        let escapes = anomalies(index, .hardLinkEscapesRoot)
        #expect(escapes.map(\.path) == ["etc/shadow-copy"])
        #expect(escapes.first?.detail.contains("../../../etc/shadow") == true)
        #expect(anomalies(index, .hardLinkTargetMissing).isEmpty)
    }

    @Test("a symlink climbing out of the root is an anomaly; one that stays inside is not")
    func symlinkEscapingRoot() throws {
        var tar = TarBuilder()
        tar.symlink("usr/lib/evil", to: "../../../../etc/passwd")
        tar.symlink("usr/lib/fine", to: "../../etc/passwd")
        tar.symlink("usr/lib/absolute", to: "/etc/passwd")
        tar.symlink("top", to: "..")
        let index = try indexLayer(tar.finished())
        #expect(anomalies(index, .symlinkEscapesRoot).map(\.path) == ["usr/lib/evil", "top"])
        #expect(index.files.count == 4, "escaping symlinks are still recorded")
        #expect(index.files.first { $0.path == "usr/lib/evil" }?.linkTarget == "../../../../etc/passwd", "symlink targets are kept verbatim")
    }

    @Test("members named with '..' escaping the root are anomalies and not files")
    func rejectedMembers() throws {
        var tar = TarBuilder()
        tar.file("../../etc/cron.d/evil", "* * * * * root sh")
        tar.file("kept", "k")
        let index = try indexLayer(tar.finished())
        #expect(index.files.map(\.path) == ["kept"])
        #expect(anomalies(index, .pathEscapesRoot).map(\.path) == ["../../etc/cron.d/evil"])
    }

    @Test("absolute member names are read relative to the root and reported")
    func absoluteNames() throws {
        var tar = TarBuilder()
        tar.file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        let index = try indexLayer(tar.finished())
        #expect(index.files.map(\.path) == ["etc/passwd"])
        #expect(anomalies(index, .absolutePath).map(\.path) == ["/etc/passwd"])
    }

    @Test("executables are sniffed into a ContentKind", arguments: [
        (LayerIndexerTests.elfHeader, ContentKind.elf),
        (Array("#!/bin/sh\necho hi\n".utf8), ContentKind.script(interpreter: "/bin/sh")),
        (Array("#!/usr/bin/env python3\nprint()\n".utf8), ContentKind.script(interpreter: "/usr/bin/env")),
        (Array("#! /bin/bash -e\r\n".utf8), ContentKind.script(interpreter: "/bin/bash")),
        (Array("#!\n".utf8), ContentKind.script(interpreter: "")),
        (Array("plain text marked executable".utf8), ContentKind.other),
        ([], ContentKind.unknown),
    ])
    func sniffing(_ content: [UInt8], _ expected: ContentKind) throws {
        var tar = TarBuilder()
        tar.file("usr/bin/tool", bytes: content, mode: 0o755)
        let index = try indexLayer(tar.finished())
        #expect(index.files.first?.contentKind == expected)
    }

    @Test("a shebang longer than the sniffed prefix is cut, not lost")
    func longShebang() throws {
        let interpreter = "/" + String(repeating: "i", count: 300)
        var tar = TarBuilder()
        tar.file("run", "#!\(interpreter) -x\n", mode: 0o700)
        let index = try indexLayer(tar.finished())
        guard case .script(let found)? = index.files.first?.contentKind else {
            Issue.record("expected a script, got \(String(describing: index.files.first?.contentKind))")
            return
        }
        #expect(interpreter.hasPrefix(found))
        #expect(found.utf8.count == 126, "128 sniffed bytes minus the #!")
    }

    @Test("non-executable files are not sniffed, whatever they hold")
    func nonExecutablesNotSniffed() throws {
        var tar = TarBuilder()
        tar.file("usr/lib/libfoo.so", bytes: Self.elfHeader, mode: 0o644)
        tar.file("script.sh", "#!/bin/sh\n", mode: 0o644)
        let index = try indexLayer(tar.finished())
        #expect(index.files.map(\.contentKind) == [.unknown, .unknown])
    }

    @Test("executables are sniffed even when the visitor wants nothing", arguments: [1, 7, 100])
    func sniffingWithoutVisitorInterest(_ chunkSize: Int) throws {
        var tar = TarBuilder()
        tar.file("bin/x", bytes: Self.elfHeader, mode: 0o100)
        let indexer = try indexLayer(tar.finished(), visitor: PrefixVisitor(wanted: [:]), chunkSize: chunkSize)
        #expect(indexer.index.files.first?.contentKind == .elf)
        #expect(indexer.visitor.seen.isEmpty, "the visitor is not called for content it did not ask for")
    }

    @Test("the visitor sees the prefix it asked for")
    func visitorContent() throws {
        let content = pseudoRandomBytes(5_000)
        var tar = TarBuilder()
        tar.file("etc/os-release", bytes: content)
        tar.file("etc/other", "other")
        tar.file("etc/empty", "")
        let visitor = PrefixVisitor(wanted: ["etc/os-release": 1_000, "etc/empty": 10])
        let indexer = try indexLayer(tar.finished(), visitor: visitor, chunkSize: 333)
        #expect(indexer.visitor.seen["etc/os-release"] == Array(content.prefix(1_000)))
        #expect(indexer.visitor.seen["etc/other"] == nil)
        #expect(indexer.visitor.seen["etc/empty"] == nil, "empty content is not visited")
    }

    @Test("an executable's visitor gets only the bytes it asked for, not the longer sniffed prefix")
    func executableVisitorPrefix() throws {
        let content = Self.elfHeader + pseudoRandomBytes(400)
        var tar = TarBuilder()
        tar.file("usr/bin/tool", bytes: content, mode: 0o755)
        let indexer = try indexLayer(tar.finished(), visitor: PrefixVisitor(wanted: ["usr/bin/tool": 16]), chunkSize: 100)
        #expect(indexer.visitor.seen["usr/bin/tool"] == Array(content.prefix(16)))
        #expect(indexer.index.files.first?.contentKind == .elf)
    }

    @Test("setuid, setgid and sticky bits are kept in the mode")
    func specialModeBits() throws {
        var tar = TarBuilder()
        tar.file("usr/bin/passwd", bytes: Self.elfHeader, mode: 0o4755)
        tar.file("usr/bin/wall", bytes: Self.elfHeader, mode: 0o2755)
        tar.directory("tmp", mode: 0o1777)
        tar.file("usr/bin/both", "", mode: 0o6711)
        let index = try indexLayer(tar.finished())
        let byPath = Dictionary(uniqueKeysWithValues: index.files.map { ($0.path, $0) })
        #expect(byPath["usr/bin/passwd"]?.mode == 0o4755)
        #expect(byPath["usr/bin/passwd"]?.isSetUID == true)
        #expect(byPath["usr/bin/passwd"]?.isSetGID == false)
        #expect(byPath["usr/bin/wall"]?.isSetGID == true)
        #expect(byPath["usr/bin/wall"]?.isSetUID == false)
        #expect(byPath["tmp"]?.mode == 0o1777)
        #expect(byPath["usr/bin/both"]?.mode == 0o6711)
        #expect(byPath["usr/bin/both"]?.isExecutable == true)
    }

    @Test("the file-type bits of the tar mode field are dropped")
    func fileTypeBitsDropped() throws {
        var tar = TarBuilder()
        tar.file("f", "x", mode: 0o100755)  // S_IFREG | 0755, as some writers store it
        let index = try indexLayer(tar.finished())
        #expect(index.files.first?.mode == 0o755)
    }

    @Test("TarEntry and LayerFile mode helpers")
    func modeHelpers() {
        let entry = TarEntry(path: "usr/bin/sudo", kind: .regular, mode: 0o4711)
        #expect(entry.isSetUID && entry.isExecutable && !entry.isSetGID && !entry.isWorldWritable && !entry.isSticky)
        #expect(entry.baseName == "sudo")
        #expect(entry.rawName == "usr/bin/sudo")
        let tmp = TarEntry(path: "tmp", kind: .directory, mode: 0o1777)
        #expect(tmp.isSticky && tmp.isWorldWritable && !tmp.isExecutable)
        let file = LayerFile(TarEntry(path: "x", kind: .regular, size: 3, mode: 0o2750))
        #expect(file.isSetGID && file.isExecutable && !file.isSetUID)
        let built = LayerIndex(files: [file, LayerFile(TarEntry(path: "d", kind: .directory, size: 99))])
        #expect(built.contentBytes == 3)
    }
}

@Suite("LayerIndexer streaming to visitors")
struct LayerIndexerStreamingTests {
    struct StreamingVisitor: ContentVisitor {
        var streamed: [String: [UInt8]] = [:]
        var prefixes: [String: [UInt8]] = [:]
        var current: [UInt8] = []
        func captureLimit(for entry: TarEntry) -> Int { entry.path.hasPrefix("bin/") ? 8 : 0 }
        mutating func visit(_ entry: TarEntry, content: [UInt8]) { prefixes[entry.path] = content }
        mutating func beginStream(_ entry: TarEntry) -> Bool { entry.path.hasPrefix("bin/") }
        mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) { current.append(contentsOf: chunk) }
        mutating func endStream(_ entry: TarEntry) {
            streamed[entry.path] = current
            current = []
        }
    }

    @Test("a streamed file reaches the visitor whole, in any chunking, and is still sniffed and prefix-visited", arguments: [1, 100, 4096])
    func streaming(_ chunkSize: Int) throws {
        let binary: [UInt8] = [0x7f, 0x45, 0x4c, 0x46] + pseudoRandomBytes(3_000)
        var tar = TarBuilder()
        tar.file("bin/tool", bytes: binary, mode: 0o755)
        tar.file("etc/conf", "x")
        var parser = TarStreamParser()
        var indexer = LayerIndexer(visitor: StreamingVisitor())
        let bytes = tar.finished()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSize)
            try bytes[start..<end].withUnsafeBytes { try parser.feed($0, to: &indexer) }
            start = end
        }
        try parser.finish()
        #expect(indexer.visitor.streamed["bin/tool"] == binary)
        #expect(indexer.visitor.streamed["etc/conf"] == nil)
        #expect(indexer.visitor.prefixes["bin/tool"] == Array(binary.prefix(8)))
        #expect(indexer.index.files.first { $0.path == "bin/tool" }?.contentKind == .elf)
    }
}
