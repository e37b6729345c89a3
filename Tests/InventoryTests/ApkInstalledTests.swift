import Versioning
import Foundation
import Inventory
import MoatTesting
import Testing

@Suite("apk installed database")
struct ApkInstalledTests {
    static let path = "lib/apk/db/installed"

    struct Row: Hashable, CustomStringConvertible {
        var name, version, origin, arch: String
        var licenses: [String]
        var maintainer: String
        init(_ name: String, _ version: String, _ origin: String, _ arch: String, _ licenses: [String], _ maintainer: String) {
            (self.name, self.version, self.origin, self.arch, self.licenses, self.maintainer) =
                (name, version, origin, arch, licenses, maintainer)
        }
        init(_ p: Package) {
            self.init(p.name, p.version, p.sourceName ?? "", p.arch ?? "", p.licenses, p.maintainer ?? "")
        }
        var description: String { "\(name)|\(version)|\(origin)|\(arch)|\(licenses)|\(maintainer)" }
    }

    /// Every record of `pkgdb/apk/installed` (its `P V o A L m` lines), in file order. The record
    /// `P:invalidPackageWithoutAVersion` has no version and is dropped; trivy's own test over the same file expects the
    /// same 15 packages. Licenses are split the trivy way, without trivy's SPDX renaming (`GPL2` stays `GPL-2`).
    static let expected: [Row] = [
        Row("musl", "1.1.14-r10", "musl", "x86_64", ["MIT"], "Timo Teräs <timo.teras@iki.fi>"),
        Row("busybox", "1.24.2-r9", "busybox", "x86_64", ["GPL-2"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("alpine-baselayout", "3.0.3-r0", "alpine-baselayout", "x86_64", ["GPL-2"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("alpine-keys", "1.1-r0", "alpine-keys", "x86_64", ["GPL"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("zlib", "1.2.8-r2", "zlib", "x86_64", ["zlib"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("libcrypto1.0", "1.0.2h-r1", "openssl", "x86_64", ["openssl"], "Timo Teras <timo.teras@iki.fi>"),
        Row("libssl1.0", "1.0.2h-r1", "openssl", "x86_64", ["openssl"], "Timo Teras <timo.teras@iki.fi>"),
        Row("apk-tools", "2.6.7-r0", "apk-tools", "x86_64", ["GPL-2"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("scanelf", "1.1.6-r0", "pax-utils", "x86_64", ["GPL-2"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("musl-utils", "1.1.14-r10", "musl", "x86_64", ["MIT", "BSD", "GPL-2+"], "Timo Teräs <timo.teras@iki.fi>"),
        Row("libc-utils", "0.7-r0", "libc-dev", "x86_64", ["GPL"], "Natanael Copa <ncopa@alpinelinux.org>"),
        Row("pkgconf", "1.6.0-r0", "pkgconf", "x86_64", ["ISC"], "William Pitcock <nenolod@dereferenced.org>"),
        Row("sqlite-libs", "3.26.0-r3", "sqlite", "x86_64", ["Public-Domain"], "Carlo Landmeter <clandmeter@gmail.com>"),
        Row("test", "2.9.11_pre20061021-r2", "test-parent", "x86_64", ["Public-Domain"], "Carlo Landmeter <clandmeter@gmail.com>"),
        Row("ada-libs", "2.7.4-r0", "ada", "x86_64", ["Apache-2.0", "MIT", "MPL-2.0"], "Jakub Jirutka <jakub@jirutka.cz>"),
    ]

    static func parse(_ text: String) throws -> [Package] {
        try ApkInstalled.parse(Array(text.utf8), path: path)
    }

    @Test("the real installed database parses to its 15 packages, in order")
    func realDatabase() throws {
        guard let shared = TestEnvironment.sharedTestdata else {
            Issue.record(Comment(rawValue: TestEnvironment.missingSharedMessage))
            return
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: shared + "/pkgdb/apk/installed")))
        let packages = try ApkInstalled.parse(bytes, path: Self.path)
        #expect(packages.count == 15)
        #expect(packages.map(Row.init) == Self.expected)
        #expect(packages.allSatisfy { $0.type == .apk && $0.filePath == Self.path && $0.purl == nil && $0.epoch == nil })
        #expect(packages.allSatisfy { $0.sourceVersion == $0.version })
        #expect(!packages.contains { $0.name == "invalidPackageWithoutAVersion" })

        let libcrypto = try #require(packages.first { $0.name == "libcrypto1.0" })
        #expect(libcrypto.sourceName == "openssl")
        #expect(libcrypto.sourceVersion == "1.0.2h-r1")
        #expect(ApkInstalled.purl(for: libcrypto, distro: "alpine", versionID: "3.4.0")
            == "pkg:apk/alpine/libcrypto1.0@1.0.2h-r1?arch=x86_64&distro=3.4.0")
    }

    @Test("fields and records")
    func records() throws {
        let text = """
            C:Q1abc=
            P:first
            V:1.0-r0
            A:aarch64
            L:MIT
            o:first-src
            m:Someone <s@example.org>

            P:no-origin
            V:2.0-r1

            P:first
            V:9.9-r9

            P:bad-version
            V:not-a-version

            P:last-without-newline
            V:3.0_rc1-r2
            o:origin
            """
        let packages = try Self.parse(text)
        #expect(packages.map(\.name) == ["first", "no-origin", "last-without-newline"])
        #expect(packages[0] == Package(type: .apk, name: "first", version: "1.0-r0", arch: "aarch64", sourceName: "first-src",
                                       sourceVersion: "1.0-r0", licenses: ["MIT"], maintainer: "Someone <s@example.org>",
                                       filePath: Self.path))
        #expect(packages[1].sourceName == nil && packages[1].sourceVersion == nil && packages[1].arch == nil)
        #expect(packages[2].sourceName == "origin" && packages[2].sourceVersion == "3.0_rc1-r2")
    }

    @Test("a line shorter than two characters ends a record; CRLF is tolerated")
    func separators() throws {
        let packages = try Self.parse("P:a\r\nV:1.0-r0\r\nx\r\nP:b\r\nV:2.0-r0\r\n")
        #expect(packages.map { "\($0.name)@\($0.version)" } == ["a@1.0-r0", "b@2.0-r0"])
    }

    @Test("apk version validation (apk-tools rules, shared with Versioning)", arguments: [
        ("1.0", true), ("1.2.3-r4", true), ("1.0.2h-r1", true), ("2.9.11_pre20061021-r2", true), ("1.6_rc1-r0", true),
        ("0.1.0_alpha", true), ("0.1.0_alpha_pre2", true), ("1.0_p1-r0", true), ("1.0_git20200101", true),
        ("001.02", true), ("20190513", true),
        ("1.0-", false), ("1.0_foo", false), ("not-a-version", false), ("1.0 ", false), ("1.0ab", false), ("1.0_", false),
        ("1.0-r1 ", false), ("1.0_rc1x", false), ("1.2.3-r4+", false),
    ])
    func versions(_ version: String, _ valid: Bool) {
        #expect(ApkVersion.isValid(version) == valid, "\(version)")
    }

    @Test("license splitting as trivy's LaxSplitLicenses, without SPDX renaming", arguments: [
        ("MIT", ["MIT"]),
        ("MIT BSD GPL2+", ["MIT", "BSD", "GPL-2+"]),
        ("( Apache-2.0 OR MIT ) AND MPL-2.0", ["Apache-2.0", "MIT", "MPL-2.0"]),
        ("MPL 2.0 GPL2+", ["MPL-2.0", "GPL-2+"]),
        ("LGPL-2.1-or-later", ["LGPL-2.1-or-later"]),
        ("GPL-2.0-only WITH Linux-syscall-note", ["GPL-2.0-only", "WITH", "Linux-syscall-note"]),
        ("", []),
    ])
    func licenses(_ text: String, _ expected: [String]) {
        #expect(ApkInstalled.splitLicenses(text) == expected)
    }

    @Test("hostile input: binary data is rejected; odd text gives no crash")
    func hostile() throws {
        #expect(throws: ApkInstalledError.notText(path: "x")) { try ApkInstalled.parse([0x50, 0x3a, 0x00], path: "x") }
        #expect(try Self.parse("").isEmpty)
        #expect(try Self.parse("P\nV\n:\n\n\n").isEmpty)
        #expect(try Self.parse("V:1.0\n").isEmpty)
        #expect(try Self.parse("P:empty-version\nV:\n").isEmpty)
        #expect(try ApkInstalled.parse([0x50, 0x3a, 0xff, 0xfe, 0x0a, 0x56, 0x3a, 0x31, 0x0a], path: "x").count == 1)
        let many = String(repeating: "P:same\nV:1.0-r0\n\n", count: 50_000)
        #expect(try Self.parse(many).count == 1)
        // A 200 kB version is beyond any real one: the package is dropped (as an invalid version), nothing crashes.
        let long = "P:x\nV:" + String(repeating: "1.", count: 100_000) + "1\n"
        #expect(try Self.parse(long).isEmpty)
    }
}
