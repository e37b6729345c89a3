@testable import Inventory
import LayerFS
import MoatTesting
import Testing

@Suite("Language package collector")
struct LanguagePackageCollectorTests {
    static func layer() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("usr/lib/python3/dist-packages/six-1.16.0.dist-info")
        tar.file("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n")
        tar.file("usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD", "six.py,,\n")
        tar.file("usr/lib/python3/dist-packages/distlib-0.3.1.egg-info", "Name: distlib\nVersion: 0.3.1\nLicense: Python license\n")
        tar.file("app/package.json", #"{"private":true,"workspaces":["packages/*"]}"#)
        tar.file("app/node_modules/lodash/package.json", #"{"name":"lodash","version":"4.17.21","license":"MIT"}"#)
        tar.file("app/node_modules/broken/package.json", #"{"name":"broken","#)
        tar.symlink("app/node_modules/link/package.json", to: "../lodash/package.json")
        let inner = TestZip.build([TestZip.entry("META-INF/maven/org.yaml/snakeyaml/pom.properties",
                                                 "groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n")])
        tar.file("opt/app/app.JAR", bytes: TestZip.build([TestZip.Entry(name: "BOOT-INF/lib/snakeyaml-1.33.jar", data: inner, method: .stored),
                                                          TestZip.entry("META-INF/MANIFEST.MF", "Implementation-Title: app\n"
                                                              + "Implementation-Version: 2.0\nImplementation-Vendor-Id: com.acme\n")]))
        tar.file("opt/app/truncated.jar", bytes: Array(TestZip.build([TestZip.Entry(name: "x.bin", data: pseudoBytes(3000))]).prefix(1000)))
        let go = TestGoBinary.executable(payload: TestGoBinary.buildInfo(version: "go1.22.1",
                                                                         moduleInfo: "path\texample.com/tool\nmod\texample.com/tool\tv0.9.0\t\n"),
                                         at: 4096, size: 20_000)
        tar.file("usr/local/bin/tool", bytes: go, mode: 0o755)
        tar.file("usr/local/bin/tool.copy", bytes: go, mode: 0o644)  // not executable: not read, as in trivy
        tar.file("usr/local/bin/rusty", bytes: RustBinaryTests.binary(), mode: 0o755)
        tar.file("usr/local/bin/oldgo", bytes: TestGoBinary.executable(payload: [0xff] + Array(" Go buildinf:".utf8) + [8, 0]
                                                                        + [UInt8](repeating: 1, count: 16), at: 1024), mode: 0o755)
        tar.file("usr/bin/script", "#!/bin/sh\necho '\u{FF} Go buildinf:'\n", mode: 0o755)
        tar.file("opt/kitchen-1.2.6-py2.7.egg", bytes: TestZip.build([TestZip.entry("EGG-INFO/PKG-INFO", "Name: kitchen\nVersion: 1.2.6\n")]))
        tar.file("etc/hostname", "box\n")
        tar.end()
        return tar.finished()
    }

    static func collect(_ bytes: [UInt8], chunkSize: Int, limits: LanguagePackageCollector.Limits = .init()) throws -> LanguagePackageCollector {
        var parser = TarStreamParser()
        var indexer = LayerIndexer(visitor: LanguagePackageCollector(limits: limits))
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSize)
            try bytes[start..<end].withUnsafeBytes { try parser.feed($0, to: &indexer) }
            start = end
        }
        try parser.finish()
        return indexer.visitor
    }

    @Test("one layer yields every kind of package, in file order, in any chunking", arguments: [512, 4096, 1 << 20])
    func layer(_ chunkSize: Int) throws {
        let collector = try Self.collect(Self.layer(), chunkSize: chunkSize)
        let found = collector.packages.map { "\($0.type.rawValue) \($0.name)@\($0.version) \($0.filePath)" }
        #expect(found == [
            "python-pkg six@1.16.0 usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
            "python-pkg distlib@0.3.1 usr/lib/python3/dist-packages/distlib-0.3.1.egg-info",
            "node-pkg lodash@4.17.21 app/node_modules/lodash/package.json",
            "jar org.yaml:snakeyaml@1.33 opt/app/app.JAR/BOOT-INF/lib/snakeyaml-1.33.jar",
            "jar com.acme:app@2.0 opt/app/app.JAR",
            "gobinary example.com/tool@v0.9.0 usr/local/bin/tool",
            "gobinary stdlib@v1.22.1 usr/local/bin/tool",
            "rustbinary app@0.1.0 usr/local/bin/rusty",
            "rustbinary serde@1.0.190 usr/local/bin/rusty",
            "rustbinary libc@0.2.150 usr/local/bin/rusty",
            "python-pkg kitchen@1.2.6 opt/kitchen-1.2.6-py2.7.egg",
        ])
        #expect(collector.packages.allSatisfy { $0.purl != nil && $0.layer == nil })
        #expect(collector.issues.map(\.path) == ["app/node_modules/broken/package.json", "opt/app/truncated.jar", "usr/local/bin/oldgo"])
        #expect(collector.issues.map(\.type) == [.node, .jar, .gobinary])
        #expect(collector.issues.last?.message == GoBuildInfoError.pointerFormatUnsupported.description)
    }

    @Test("executables above the Rust capture limit are still scanned for Go but not held for cargo-auditable")
    func rustCaptureLimit() throws {
        var tar = TarBuilder()
        tar.file("bin/rusty", bytes: RustBinaryTests.binary(), mode: 0o755)
        tar.end()
        let small = try Self.collect(tar.finished(), chunkSize: 700)
        #expect(small.packages.count == 3)
        let limited = try Self.collect(tar.finished(), chunkSize: 700, limits: .init(rustCaptureLimit: 1024))
        #expect(limited.packages.isEmpty)
        #expect(limited.issues.isEmpty)
    }

    @Test("a 30 MiB executable streamed in 64 KiB chunks is captured once and its Rust record read")
    func largeExecutable() {
        var collector = LanguagePackageCollector()
        var bytes = RustBinaryTests.binary()
        bytes += [UInt8](repeating: 0x90, count: (30 << 20) - bytes.count)
        let entry = TarEntry(path: "bin/big", kind: .regular, size: Int64(bytes.count), mode: 0o755)
        let began = collector.beginStream(entry)
        #expect(began)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 65_536)
            bytes[offset..<end].withUnsafeBytes { collector.streamChunk($0) }
            offset = end
        }
        collector.endStream(entry)
        #expect(collector.packages.map(\.name) == ["app", "serde", "libc"])
        #expect(collector.packages.allSatisfy { $0.filePath == "bin/big" })
    }

    @Test("files it does not want cost nothing: no capture, no stream", arguments: [
        "etc/passwd", "usr/share/doc/x/README", "usr/lib/x86_64-linux-gnu/libc.so.6", "app/node_modules/x/index.js",
        "usr/lib/python3/dist-packages/x.dist-info/RECORD", "srv/archive.zip",
    ])
    func uninteresting(_ path: String) {
        var collector = LanguagePackageCollector()
        let entry = TarEntry(path: path, kind: .regular, size: 1000, mode: 0o644)
        #expect(collector.captureLimit(for: entry) == 0)
        #expect(collector.beginStream(entry) == false)
    }

    @Test("links and directories named like metadata are ignored")
    func nonRegular() {
        var collector = LanguagePackageCollector()
        for kind in [TarEntry.Kind.symlink, .hardLink, .directory] {
            let entry = TarEntry(path: "a/package.json", kind: kind, size: 10, mode: 0o755)
            #expect(collector.captureLimit(for: entry) == 0)
            #expect(collector.beginStream(entry) == false)
        }
    }

    @Test("an oversized package.json is skipped rather than captured truncated")
    func oversizedPackageJSON() {
        let collector = LanguagePackageCollector(limits: .init(packageJSONLimit: 100))
        #expect(collector.captureLimit(for: TarEntry(path: "package.json", kind: .regular, size: 101)) == 0)
        #expect(collector.captureLimit(for: TarEntry(path: "package.json", kind: .regular, size: 100)) == 100)
    }
}
