import Foundation
@testable import Inventory
import Testing

@Suite("Rust cargo-auditable binaries")
struct RustBinaryTests {
    static let json = """
        {"packages":[
          {"name":"app","version":"0.1.0","source":"local","kind":"runtime","dependencies":[1,2],"root":true},
          {"name":"serde","version":"1.0.190","source":"crates.io","dependencies":[]},
          {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
          {"name":"libc","version":"0.2.150","source":"crates.io","features":["std"]}
        ]}
        """

    static func binary(section: String = ".dep-v0", payload: [UInt8] = TestDeflate.zlib(Array(json.utf8)), is64Bit: Bool = true,
                       littleEndian: Bool = true) -> [UInt8] {
        TestELF.build([TestELF.Section(name: ".text", data: pseudoBytes(1000)), TestELF.Section(name: section, data: payload)],
                      is64Bit: is64Bit, littleEndian: littleEndian).bytes
    }

    @Test("the .dep-v0 JSON is read from 32/64-bit, little/big-endian ELF", arguments: [(true, true), (false, false), (false, true), (true, false)])
    func synthetic(_ is64Bit: Bool, _ littleEndian: Bool) throws {
        let dependencies = try CargoAuditable.dependencies(inELF: Self.binary(is64Bit: is64Bit, littleEndian: littleEndian))
        #expect(dependencies.map(\.name) == ["app", "serde", "cc", "libc"])
        #expect(dependencies[0] == CargoAuditable.Dependency(name: "app", version: "0.1.0", source: "local", dependencies: [1, 2], root: true))
        #expect(dependencies[1].kind == "runtime")
        #expect(dependencies[2].kind == "build")
    }

    @Test("packages are the runtime crates, with cargo purls")
    func packages() throws {
        let packages = CargoAuditable.packages(try CargoAuditable.dependencies(inELF: Self.binary()), filePath: "usr/bin/app")
        #expect(packages == [
            Package(type: .rustbinary, name: "app", version: "0.1.0", purl: "pkg:cargo/app@0.1.0", filePath: "usr/bin/app"),
            Package(type: .rustbinary, name: "serde", version: "1.0.190", purl: "pkg:cargo/serde@1.0.190", filePath: "usr/bin/app"),
            Package(type: .rustbinary, name: "libc", version: "0.2.150", purl: "pkg:cargo/libc@0.2.150", filePath: "usr/bin/app"),
        ])
    }

    @Test("the rust-audit 0.1 section name is also read")
    func legacySection() throws {
        #expect(try CargoAuditable.dependencies(inELF: Self.binary(section: ".rust-deps-v0")).count == 4)
    }

    @Test("hostile sections give clear errors", arguments: [
        (TestDeflate.zlib(Array("{\"packages\":[{\"name\":1}]}".utf8)), "json"),
        (TestDeflate.zlib(Array("{\"packages\":[{\"name\":\"a\",\"dependencies\":[-1]}]}".utf8)), "json"),
        (TestDeflate.zlib(Array("{\"nope\":[]}".utf8)), "json"),
        (TestDeflate.zlib(Array((String(repeating: "[", count: 100_000)).utf8)), "json"),
        (TestDeflate.zlib(Array(json.utf8)).dropLast(9).map { $0 }, "compression"),
        (Array(json.utf8), "compression"),
        ([], "compression"),
    ])
    func hostile(_ payload: [UInt8], _ kind: String) {
        do {
            _ = try CargoAuditable.dependencies(inELF: Self.binary(payload: payload))
            Issue.record("expected an error")
        } catch {
            switch error {
            case .json: #expect(kind == "json", "\(error)")
            case .compression: #expect(kind == "compression", "\(error)")
            default: Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("a zlib bomb in the section stops at the JSON limit")
    func bomb() {
        let bomb = TestDeflate.zlib(Array("{\"packages\":[".utf8) + [UInt8](repeating: 0x20, count: 64 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: CargoAuditableError.compression(.tooLarge(limit: 1 << 20))) {
            try CargoAuditable.dependencies(inELF: Self.binary(payload: bomb), jsonLimit: 1 << 20)
        }
    }

    @Test("ordinary ELF files and non-ELF files are told apart from damaged records")
    func notAuditable() {
        let plain = TestELF.build([TestELF.Section(name: ".text", data: [1, 2, 3])]).bytes
        #expect(throws: CargoAuditableError.notAuditable) { try CargoAuditable.dependencies(inELF: plain) }
        #expect(throws: CargoAuditableError.elf(.notELF)) { try CargoAuditable.dependencies(inELF: Array("#!/bin/sh".utf8)) }
    }

    @Test("a binary linked by rustc (real) with a .dep-v0 section, as cargo-auditable embeds it", .enabled(if: workingTool("rustc") != nil),
          .timeLimit(.minutes(3)))
    func realRustBinary() throws {
        let rustc = try #require(workingTool("rustc"))
        let directory = try TemporaryDirectory()
        let compressed = TestDeflate.zlib(Array(Self.json.utf8))
        try Data(compressed).write(to: URL(fileURLWithPath: directory.path + "/deps.z"))
        let source = """
            #[used]
            #[link_section = ".dep-v0"]
            static AUDITABLE_VERSION_INFO: [u8; include_bytes!("deps.z").len()] = *include_bytes!("deps.z");
            fn main() { let info = std::hint::black_box(&AUDITABLE_VERSION_INFO); println!("{}", info.len()); }
            """
        try source.write(toFile: directory.path + "/main.rs", atomically: true, encoding: .utf8)
        try run(rustc, ["-O", "-o", directory.path + "/app", directory.path + "/main.rs"], directory: directory.path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.path + "/app")))
        let file = try ELFFile(bytes)
        #expect(file.sections.count > 20)
        #expect(Array(try file.data(of: #require(file.section(named: ".dep-v0")))) == compressed)
        let packages = CargoAuditable.packages(try CargoAuditable.dependencies(inELF: bytes), filePath: "app")
        #expect(packages.map(\.name) == ["app", "serde", "libc"])
    }
}
