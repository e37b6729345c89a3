import Foundation
@testable import Inventory
import Testing

/// Builds Go build information the way the Go linker lays it out (cmd/link `buildinfo`, read by `debug/buildinfo`).
enum TestGoBinary {
    static let infoStart: [UInt8] = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6]
    static let infoEnd: [UInt8] = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2]

    static func uvarint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    /// The 32-byte header and the two strings (inline layout), padded to 16 bytes.
    static func buildInfo(version: String, moduleInfo: String?, pointerSize: UInt8 = 8, flags: UInt8 = 0x2) -> [UInt8] {
        var data = [0xff] + Array(" Go buildinf:".utf8)
        data += [pointerSize, flags]
        data += [UInt8](repeating: 0, count: 32 - data.count)
        data += uvarint(UInt64(version.utf8.count)) + Array(version.utf8)
        let module = moduleInfo.map { infoStart + Array($0.utf8) + infoEnd } ?? []
        data += uvarint(UInt64(module.count)) + module
        while data.count % 16 != 0 { data.append(0) }
        return data
    }

    /// A file that starts like an ELF executable and holds `payload` at `offset`.
    static func executable(payload: [UInt8], at offset: Int, size: Int? = nil) -> [UInt8] {
        var bytes = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + pseudoBytes(offset - 8)
        bytes += payload
        bytes += pseudoBytes(max(0, (size ?? bytes.count + 1000) - bytes.count), seed: 99)
        return bytes
    }

    static let moduleInfo = """
        path\texample.com/app/cmd/app
        mod\texample.com/app\t(devel)\t
        dep\tgithub.com/google/uuid\tv1.3.0\th1:t6JiXgmwXMjEs8VusXIJk2BXHsn+wx8BZdTaoZ5fu7I=
        dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=
        =>\tgolang.org/x/text\tv0.3.8\th1:abc=
        dep\texample.com/local\tv0.0.0-00010101000000-000000000000\t
        =>\t../local\t\t
        build\t-compiler=gc
        build\t-ldflags="-s -w -X main.version=1.4.2"
        build\tCGO_ENABLED=0
        build\tvcs.revision=0123456789abcdef

        """
}

func feedGo(_ bytes: [UInt8], chunkSize: Int) -> Result<GoBuildInfo, GoBuildInfoError> {
    var scanner = GoBuildInfoScanner()
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunkSize)
        bytes[start..<end].withUnsafeBytes { scanner.feed($0) }
        start = end
    }
    return scanner.finish()
}

@Suite("Go build information")
struct GoBuildInfoTests {
    @Test("module information is parsed as runtime/debug reads it")
    func parseModuleInfo() throws {
        let info = try GoBuildInfo.parseModuleInfo(TestGoBinary.moduleInfo, goVersion: "go1.21.5")
        #expect(info.path == "example.com/app/cmd/app")
        #expect(info.main == GoModule(path: "example.com/app", version: "(devel)"))
        #expect(info.deps.count == 3)
        #expect(info.deps[1].replacement == GoModule.Replacement(path: "golang.org/x/text", version: "v0.3.8", sum: "h1:abc="))
        #expect(info.deps[2].replacement == GoModule.Replacement(path: "../local", version: ""))
        #expect(info.settings.first { $0.key == "-ldflags" }?.value == "-s -w -X main.version=1.4.2")
        #expect(info.settings.count == 4)
    }

    @Test("malformed module lines are errors, as in Go", arguments: [
        ("dep\tonly-one-column\n", 1),
        ("dep\ta\tv1\th1:x\textra\n", 1),
        ("path\tp\n=>\tx\tv1\t\n", 2),
        ("mod\tm\tv1\t\n=>\tonly\ttwo\n", 2),
        ("build\t=value\n", 1),
        ("build\tnoequals\n", 1),
        ("build\tkey=\"unterminated\n", 1),
    ])
    func malformed(_ text: String, _ line: Int) {
        #expect(throws: GoBuildInfoError.self) { try GoBuildInfo.parseModuleInfo(text, goVersion: "go1.20") }
        do {
            _ = try GoBuildInfo.parseModuleInfo(text, goVersion: "go1.20")
        } catch {
            guard case .malformedModuleInfo(let reported, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reported == line)
        }
    }

    @Test("quoted build settings are unquoted")
    func quotedSettings() throws {
        let info = try GoBuildInfo.parseModuleInfo("build\t\"key with space\"=\"a\\tb \\u00e9\\x41\"\nbuild\t`raw`=`x y`\n", goVersion: "go1.22")
        #expect(info.settings == [GoBuildSetting(key: "key with space", value: "a\tb éA"), GoBuildSetting(key: "raw", value: "x y")])
    }

    @Test("packages follow trivy: stdlib as v1.x.y, replacements honoured, (devel) emptied, ldflags stamp for main")
    func packages() throws {
        let info = try GoBuildInfo.parseModuleInfo(TestGoBinary.moduleInfo, goVersion: "go1.21.5 X:boringcrypto")
        let packages = info.packages(filePath: "usr/local/bin/app")
        #expect(packages.map(\.name) == ["../local", "example.com/app", "github.com/google/uuid", "golang.org/x/text", "stdlib"])
        #expect(packages.map(\.version) == ["", "1.4.2", "v1.3.0", "v0.3.8", "v1.21.5"])
        #expect(packages.map(\.purl) == [nil, "pkg:golang/example.com/app@1.4.2", "pkg:golang/github.com/google/uuid@v1.3.0",
                                        "pkg:golang/golang.org/x/text@v0.3.8", "pkg:golang/stdlib@v1.21.5"])
        #expect(packages.allSatisfy { $0.type == .gobinary && $0.filePath == "usr/local/bin/app" })
    }

    @Test("binaries without module information report only stdlib")
    func toolchainBinary() {
        let packages = GoBuildInfo(goVersion: "go1.22.0").packages(filePath: "usr/local/go/bin/gofmt")
        #expect(packages.map(\.name) == ["stdlib"])
        #expect(packages.first?.purl == "pkg:golang/stdlib@v1.22.0")
    }

    @Test("golang purls are lower-cased and split at the last slash")
    func purls() {
        #expect(GoBuildInfo.purl(name: "github.com/BurntSushi/toml", version: "v1.2.0") == "pkg:golang/github.com/burntsushi/toml@v1.2.0")
        #expect(GoBuildInfo.purl(name: "./vendor/x", version: "") == nil)
    }

    @Test("-ldflags version stamps are read as trivy reads them", arguments: [
        ("-X main.version=1.2.3", "1.2.3"),
        ("-s -w -X=main.Version=v2.0.0", "v2.0.0"),
        ("-X 'main.version=1.0.0'", "1.0.0"),
        ("-X main.version=notsemver", ""),
        ("-X main.version=1.0.0 -X main.ver=2.0.0", ""),
        ("-X example.com/app/cmd/tool/x.version=3.0.0 -X main.version=1.0.0", "3.0.0"),
        ("-X github.com/other/pkg.version=4.0.0", "4.0.0"),
        ("-X main.version=1.0.0 -X github.com/other/pkg.version=4.0.0", "1.0.0"),
        ("-X main.commit=abc", ""),
    ])
    func ldflags(_ flags: String, _ expected: String) {
        let version = GoLinkerFlags.stampedVersion(module: "example.com/app", settings: [GoBuildSetting(key: "-ldflags", value: flags)])
        #expect(version == expected)
    }

    @Test("semantic versions as golang.org/x/mod/semver accepts them", arguments: [
        ("v1", true), ("v1.2", true), ("v1.2.3", true), ("v1.2.3-rc.1+build.5", true), ("v0.0.0-20230101-abcdef", true),
        ("1.2.3", false), ("v01.2.3", false), ("v1.2.3-01", false), ("v1.2-pre", false), ("v1.2.3+", false), ("v", false),
    ])
    func semver(_ version: String, _ valid: Bool) {
        #expect(GoSemver.isValid(version) == valid)
    }

    @Test("the scanner finds build information at an aligned offset in any chunking", arguments: [1, 3, 13, 16, 17, 4096, 1 << 20])
    func scanner(_ chunkSize: Int) throws {
        let binary = TestGoBinary.executable(payload: TestGoBinary.buildInfo(version: "go1.21.5", moduleInfo: TestGoBinary.moduleInfo),
                                             at: 8192, size: 40_000)
        let info = try feedGo(binary, chunkSize: chunkSize).get()
        #expect(info.goVersion == "go1.21.5")
        #expect(info.main?.path == "example.com/app")
        #expect(info.deps.count == 3)
    }

    @Test("a misaligned or false header before the real one is passed over")
    func falseCandidates() throws {
        let real = TestGoBinary.buildInfo(version: "go1.20.1", moduleInfo: "path\tp\nmod\tm\tv1.0.0\t\n")
        let magic = [0xff] + Array(" Go buildinf:".utf8)
        var payload = [UInt8](repeating: 0, count: 3) + magic + [8, 2]  // misaligned copy
        payload += [UInt8](repeating: 0, count: 64 - payload.count)
        payload += magic + [0x41, 0x42] + [UInt8](repeating: 0, count: 16)  // aligned, but not a pointer size
        payload += magic + [8, 2] + [UInt8](repeating: 0, count: 16) + [5] + Array("hello".utf8)  // version not "go…"
        while payload.count % 16 != 0 { payload.append(0) }
        payload += real
        for chunk in [1, 7, 100] {
            let info = try feedGo(TestGoBinary.executable(payload: payload, at: 4096), chunkSize: chunk).get()
            #expect(info.goVersion == "go1.20.1")
            #expect(info.main == GoModule(path: "m", version: "v1.0.0"))
        }
    }

    @Test("the pre-1.18 pointer layout is reported as unsupported")
    func pointerFormat() {
        let header = [0xff] + Array(" Go buildinf:".utf8) + [8, 0] + [UInt8](repeating: 0x10, count: 16)
        #expect(GoBuildInfoScanner.scan(TestGoBinary.executable(payload: header, at: 1024)) == .failure(.pointerFormatUnsupported))
    }

    @Test("bad varints and oversized lengths are clear errors", arguments: [
        ([UInt8](repeating: 0xff, count: 10) + [0x02], "version length is not a valid varint"),
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], "version length is not a valid varint"),
        ([0x00], "version length 0"),
        ([0xff, 0xff, 0x03], "version length 65535"),
    ])
    func badVersionVarint(_ tail: [UInt8], _ reason: String) {
        var payload = [0xff] + Array(" Go buildinf:".utf8) + [8, 2] + [UInt8](repeating: 0, count: 16) + tail
        payload += [UInt8](repeating: 0, count: 64)
        #expect(GoBuildInfoScanner.scan(TestGoBinary.executable(payload: payload, at: 2048)) == .failure(.malformedHeader(reason)))
    }

    @Test("a bad module-information varint after a good version is fatal, not a crash")
    func badModuleVarint() {
        let payload = [0xff] + Array(" Go buildinf:".utf8) + [8, 2] + [UInt8](repeating: 0, count: 16)
            + [8] + Array("go1.21.0".utf8) + [UInt8](repeating: 0xff, count: 12)
        #expect(GoBuildInfoScanner.scan(TestGoBinary.executable(payload: payload, at: 2048))
            == .failure(.malformedHeader("module information length is not a valid varint")))
    }

    @Test("module information over the limit is refused without buffering it")
    func tooLarge() {
        let payload = [0xff] + Array(" Go buildinf:".utf8) + [8, 2] + [UInt8](repeating: 0, count: 16)
            + [8] + Array("go1.21.0".utf8) + TestGoBinary.uvarint(1 << 40)
        let result = GoBuildInfoScanner.scan(TestGoBinary.executable(payload: payload, at: 2048), limits: .init(maxModuleInfoBytes: 1 << 20))
        #expect(result == .failure(.moduleInfoTooLarge(limit: 1 << 20)))
    }

    @Test("a file cut inside the build information is truncated")
    func truncated() {
        let info = TestGoBinary.buildInfo(version: "go1.21.5", moduleInfo: TestGoBinary.moduleInfo)
        let binary = TestGoBinary.executable(payload: info, at: 4096, size: 0)
        #expect(feedGo(Array(binary.prefix(4096 + 100)), chunkSize: 33) == .failure(.truncated))
    }

    @Test("malformed module text inside a real header is reported")
    func malformedInside() {
        let binary = TestGoBinary.executable(payload: TestGoBinary.buildInfo(version: "go1.21.5", moduleInfo: "dep\tbroken\n"), at: 4096)
        #expect(GoBuildInfoScanner.scan(binary) == .failure(.malformedModuleInfo(line: 1, reason: "expected 2 or 3 columns; got 1")))
    }

    @Test("non-executables and executables without build information are told apart")
    func notGo() {
        #expect(GoBuildInfoScanner.scan(Array("#!/bin/sh\necho hi\n".utf8)) == .failure(.unrecognizedFormat))
        #expect(GoBuildInfoScanner.scan([0x7f, 0x45]) == .failure(.unrecognizedFormat))
        #expect(GoBuildInfoScanner.scan(TestGoBinary.executable(payload: [], at: 64, size: 100_000)) == .failure(.notGoBinary))
    }

    @Test("header without sentinel framing carries no module information")
    func unframed() throws {
        var data = [0xff] + Array(" Go buildinf:".utf8) + [8, 2] + [UInt8](repeating: 0, count: 16)
        data += [8] + Array("go1.19.1".utf8) + [5] + Array("hello".utf8)
        let info = try GoBuildInfoScanner.scan(TestGoBinary.executable(payload: data, at: 512)).get()
        #expect(info == GoBuildInfo(goVersion: "go1.19.1"))
    }

    @Test("a binary built by the Go toolchain (real), with a local replace and an ldflags stamp", .enabled(if: workingTool("go", ["version"]) != nil),
          .timeLimit(.minutes(5)))
    func realBinary() throws {
        let go = try #require(workingTool("go", ["version"]))
        let directory = try TemporaryDirectory()
        let root = directory.path
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/dep", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/app", withIntermediateDirectories: true)
        try "module example.com/dep\n\ngo 1.18\n".write(toFile: root + "/dep/go.mod", atomically: true, encoding: .utf8)
        try "package dep\n\nfunc Hello() string { return \"hi\" }\n".write(toFile: root + "/dep/dep.go", atomically: true, encoding: .utf8)
        try "module example.com/app\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep v1.2.3 => ../dep\n"
            .write(toFile: root + "/app/go.mod", atomically: true, encoding: .utf8)
        try "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/dep\"\n)\n\nvar version = \"dev\"\n\nfunc main() { fmt.Println(dep.Hello(), version) }\n"
            .write(toFile: root + "/app/main.go", atomically: true, encoding: .utf8)
        var environment = ["GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GO111MODULE": "on", "CGO_ENABLED": "0"]
        if ProcessInfo.processInfo.environment["HOME"] == nil {
            environment["GOCACHE"] = root + "/cache"
            environment["GOPATH"] = root + "/gopath"
        }
        try run(go, ["build", "-ldflags", "-X main.version=1.4.2", "-o", root + "/app.bin", "."], directory: root + "/app", environment: environment)
        let goVersion = try run(go, ["env", "GOVERSION"], environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
        let listing = try run(go, ["version", "-m", root + "/app.bin"], environment: environment)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/app.bin")))

        for chunk in [65_536, 10_007] {
            let info = try feedGo(bytes, chunkSize: chunk).get()
            #expect(info.goVersion == goVersion)
            #expect(info.path == "example.com/app")
            #expect(info.main?.path == "example.com/app")
            #expect(info.deps.map(\.path) == ["example.com/dep"])
            #expect(info.deps.first?.replacement?.path == "../dep")
            // Every module line `go version -m` prints is one we read.
            for line in listing.split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 3 else { continue }
                switch fields[1] {
                case "dep": #expect(info.deps.contains { $0.path == fields[2] })
                case "mod": #expect(info.main?.path == fields[2])
                case "=>": #expect(info.deps.contains { $0.replacement?.path == fields[2] })
                default: break
                }
            }
            let packages = info.packages(filePath: "app/app.bin")
            let stdlib = "v" + goVersion.dropFirst(2)
            #expect(packages.map(\.name) == ["../dep", "example.com/app", "stdlib"])
            #expect(packages.map(\.version) == ["", "1.4.2", stdlib])
            #expect(packages.last?.purl == "pkg:golang/stdlib@\(stdlib)")
        }
    }
}
