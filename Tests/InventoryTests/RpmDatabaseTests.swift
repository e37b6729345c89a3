import Foundation
import Inventory
import MoatTesting
import Testing

@Suite("rpm databases")
struct RpmDatabaseTests {
    static func shared(_ name: String) throws -> [UInt8]? {
        guard let shared = TestEnvironment.sharedTestdata else {
            Issue.record(Comment(rawValue: TestEnvironment.missingSharedMessage))
            return nil
        }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: shared + "/pkgdb/rpm/" + name)))
    }

    /// A package as a line of the `rpm -qa --qf` query used for `RpmExpectations`.
    static func row(_ p: Package) -> String {
        let source = p.sourceName.map { "\($0)-\(p.sourceVersion ?? "")-\(p.sourceRelease ?? "").src.rpm" } ?? "(none)"
        return [p.name, String(p.epoch ?? 0), p.version, p.release ?? "", p.arch ?? "", source, p.vendor ?? "(none)",
                p.licenses.first ?? "(none)", p.modularityLabel ?? "(none)"].joined(separator: "|")
    }

    static func check(_ packages: [Package], against expected: String, path: String) {
        let rows = RpmExpectations.rows(expected)
        #expect(packages.count == rows.count)
        #expect(packages.map(row).sorted() == rows.sorted())
        #expect(packages.allSatisfy { $0.type == .rpm && $0.filePath == path && $0.purl == nil })
        #expect(packages.allSatisfy { $0.sourceEpoch == $0.epoch && $0.maintainer == $0.vendor && $0.licenses.count == 1 })
    }

    // MARK: - Real databases

    @Test("SQLite: CBL-Mariner 2.0 rpmdb.sqlite (WAL mode) gives rpm's 129 packages")
    func sqlite() throws {
        guard let bytes = try Self.shared("cbl-mariner-2.0.rpmdb.sqlite") else { return }
        #expect(RpmDatabase.backend(of: bytes) == .sqlite)
        let path = "var/lib/rpm/rpmdb.sqlite"
        let packages = try RpmDatabase.packages(sqlite: bytes, path: path)
        Self.check(packages, against: RpmExpectations.sqlite, path: path)
        #expect(packages.count == 129)
        // Same result through the dispatcher, whatever the name.
        #expect(try RpmDatabase.packages(path: path, bytes: bytes) == packages)

        let tools = try #require(packages.first { $0.name == "ca-certificates-tools" })
        #expect(tools == Package(
            type: .rpm, name: "ca-certificates-tools", version: "2.0.0", epoch: 1, release: "1.cm2", arch: "noarch",
            sourceName: "ca-certificates", sourceVersion: "2.0.0", sourceRelease: "1.cm2", sourceEpoch: 1,
            licenses: ["MPLv2.0"], maintainer: "Microsoft Corporation", vendor: "Microsoft Corporation", filePath: path))
        #expect(tools.fullVersion == "1:2.0.0-1.cm2")
        #expect(RpmDatabase.purl(for: tools, distro: "cbl-mariner", versionID: "2.0")
            == "pkg:rpm/cbl-mariner/ca-certificates-tools@2.0.0-1.cm2?arch=noarch&distro=cbl-mariner-2.0&epoch=1")
        let glibc = try #require(packages.first { $0.name == "glibc" })
        #expect(glibc.licenses == ["BSD AND GPLv2+ AND Inner-Net AND ISC AND LGPLv2+ AND MIT"])
        #expect(glibc.epoch == nil && glibc.sourceEpoch == nil)
    }

    @Test("BerkeleyDB: the libuuid Packages file gives rpm's single package")
    func berkeleyDB() throws {
        guard let bytes = try Self.shared("libuuid.Packages.bdb") else { return }
        #expect(RpmDatabase.backend(of: bytes) == .berkeleyDB)
        let path = "var/lib/rpm/Packages"
        let packages = try RpmDatabase.packages(berkeleyDB: bytes, path: path)
        Self.check(packages, against: RpmExpectations.berkeleyDB, path: path)
        #expect(packages == [Package(
            type: .rpm, name: "libuuid", version: "2.32.1", release: "42.el8_8", arch: "x86_64",
            sourceName: "util-linux", sourceVersion: "2.32.1", sourceRelease: "42.el8_8",
            licenses: ["BSD"], maintainer: "Red Hat, Inc.", vendor: "Red Hat, Inc.", filePath: path)])
        #expect(try RpmDatabase.packages(path: path, bytes: bytes) == packages)
        #expect(RpmDatabase.purl(for: packages[0], distro: "rhel", versionID: "8.8")
            == "pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=redhat-8.8")
    }

    @Test("NDB: the SLE 15 BCI Packages.db gives rpm's 35 packages")
    func ndb() throws {
        guard let bytes = try Self.shared("sle15-bci.Packages.ndb") else { return }
        #expect(RpmDatabase.backend(of: bytes) == .ndb)
        let path = "usr/lib/sysimage/rpm/Packages.db"
        let packages = try RpmDatabase.packages(ndb: bytes, path: path)
        Self.check(packages, against: RpmExpectations.ndb, path: path)
        #expect(packages.count == 35)
        #expect(try RpmDatabase.packages(path: path, bytes: bytes) == packages)
        let gcc = try #require(packages.first { $0.name == "libstdc++6" })
        #expect(gcc.sourceName == "gcc11" && gcc.sourceVersion == "11.2.1+git610" && gcc.sourceRelease == "1.3.9")
        #expect(gcc.vendor == "SUSE LLC <https://www.suse.com/>")
        #expect(RpmDatabase.purl(for: gcc, distro: "sles", versionID: "15.3")
            == "pkg:rpm/sles/libstdc%2B%2B6@11.2.1%2Bgit610-1.3.9?arch=x86_64&distro=sles-15.3")
    }

    @Test("backend detection by magic, then by name; empty files have no packages")
    func dispatch() throws {
        #expect(RpmDatabase.backend(of: []) == nil)
        #expect(RpmDatabase.backend(of: Array("SQLite format 3\u{0}rest".utf8)) == .sqlite)
        #expect(RpmDatabase.backend(forPath: "usr/lib/sysimage/rpm/Packages.db") == .ndb)
        #expect(RpmDatabase.backend(forPath: "var/lib/rpm/Packages") == .berkeleyDB)
        #expect(RpmDatabase.backend(forPath: "usr/share/rpm/rpmdb.sqlite") == .sqlite)
        #expect(try RpmDatabase.packages(path: "var/lib/rpm/Packages", bytes: []).isEmpty)
        #expect(throws: RpmDatabaseError.self) {
            try RpmDatabase.packages(path: "var/lib/rpm/unknown", bytes: Array("hello, world".utf8))
        }
        // A name that says BerkeleyDB over bytes that are not: a clear error from that backend.
        #expect(throws: RpmDatabaseError.self) {
            try RpmDatabase.packages(path: "var/lib/rpm/Packages", bytes: [UInt8](repeating: 7, count: 4096))
        }
    }

    @Test("source rpm names split as trivy splits them", arguments: [
        ("util-linux-2.32.1-42.el8_8.src.rpm", "util-linux", "2.32.1", "42.el8_8"),
        ("gcc11-11.2.1+git610-1.3.9.src.rpm", "gcc11", "11.2.1+git610", "1.3.9"),
        ("foo-1.0-1.i386.rpm", "foo", "1.0", "1"),
        ("-1-2.src.rpm", "", "1", "2"),
    ])
    func sourceRPM(_ text: String, _ name: String, _ version: String, _ release: String) throws {
        let split = try #require(RpmDatabase.splitSourceRPM(text))
        #expect(split.name == name && split.version == version && split.release == release)
    }

    @Test("source rpm names that do not split", arguments: ["", "foo", "foo.src.rpm", "foo-1.src.rpm", "elasticsearch-8.17.0-1-src.rpm"])
    func badSourceRPM(_ text: String) {
        #expect(RpmDatabase.splitSourceRPM(text) == nil)
    }

    // MARK: - Hostile databases

    @Test("SQLite: garbage after the magic, and a Packages row holding a damaged header, give errors")
    func hostileSQLite() throws {
        var garbage = Array("SQLite format 3\u{0}".utf8)
        garbage += [UInt8](repeating: 0xA5, count: 4096)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(sqlite: garbage) }
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(sqlite: Array("SQLite format 3\u{0}".utf8)) }

        guard var bytes = try Self.shared("cbl-mariner-2.0.rpmdb.sqlite") else { return }
        // A valid SQLite database without a Packages table: every `Packages` renamed `Packagez`.
        var renamed = bytes
        for at in Self.indices(of: Array("Packages".utf8), in: bytes) { renamed[at + 7] = UInt8(ascii: "z") }
        #expect(throws: RpmDatabaseError.notRecognized("var/lib/rpm/rpmdb.sqlite: no Packages table (not an rpm database)")) {
            try RpmDatabase.packages(sqlite: renamed)
        }
        // Truncated file: SQLite reports corruption or a short read; no crash.
        let truncated = Array(bytes.prefix(bytes.count / 3))
        do {
            let packages = try RpmDatabase.packages(sqlite: truncated)
            #expect(packages.count < 129)
        } catch {
            #expect(String(describing: error).contains("var/lib/rpm/rpmdb.sqlite"))
        }
        // Break the header blobs: a blob starts with `il dl` (big-endian) then the region entry
        // `00 00 00 3f 00 00 00 07`; every such start gets an index count far too large.
        let region: [UInt8] = [0, 0, 0, 0x3f, 0, 0, 0, 7]
        var broken = 0
        for at in Self.indices(of: region, in: bytes) where at >= 8 {
            let indexCount = Self.be32(bytes, at - 8)
            let dataLength = Self.be32(bytes, at - 4)
            guard (1...1000).contains(indexCount), (1...10_000_000).contains(dataLength) else { continue }
            bytes.replaceSubrange((at - 8)..<(at - 4), with: [0x7f, 0xff, 0xff, 0xff])
            broken += 1
        }
        #expect(broken >= 129)
        do {
            _ = try RpmDatabase.packages(sqlite: bytes)
            Issue.record("damaged header blobs were accepted")
        } catch {
            #expect(String(describing: error).contains("hnum"))
            #expect(String(describing: error).contains("bad index entry count 2147483647"))
        }
    }

    @Test("BerkeleyDB: an overflow chain that loops, a page past the end, a truncated file all give errors")
    func hostileBerkeleyDB() throws {
        guard let bytes = try Self.shared("libuuid.Packages.bdb") else { return }
        let pageSize = 4096
        // Find the overflow chain of the one value: walk hash pages for a HOFFPAGE item.
        var firstOverflow = 0
        for page in 1..<(bytes.count / pageSize) where bytes[page * pageSize + 25] == 13 {
            let start = page * pageSize
            let entries = Int(bytes[start + 20]) | Int(bytes[start + 21]) << 8
            for pair in 0..<(entries / 2) {
                let at = start + 26 + (pair * 2 + 1) * 2
                let item = start + (Int(bytes[at]) | Int(bytes[at + 1]) << 8)
                if bytes[item] == 3 { firstOverflow = Self.le32(bytes, item + 4) }
            }
        }
        #expect(firstOverflow > 0)
        var last = firstOverflow
        var steps = 0
        while Self.le32(bytes, last * pageSize + 16) != 0, steps < 100 {
            last = Self.le32(bytes, last * pageSize + 16)
            steps += 1
        }
        #expect(steps >= 1, "the libuuid header spans several overflow pages")

        // The last page points back at the first: a loop.
        var looping = bytes
        Self.setLE32(&looping, last * pageSize + 16, UInt32(firstOverflow))
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: looping) }
        // A page that points at itself.
        var selfLoop = bytes
        Self.setLE32(&selfLoop, firstOverflow * pageSize + 16, UInt32(firstOverflow))
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: selfLoop) }
        // A next page far past the end of the file.
        var farAway = bytes
        Self.setLE32(&farAway, firstOverflow * pageSize + 16, 0xFFFF_FFF0)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: farAway) }
        // A chain cut short: the first page claims to be the last, so the header blob is truncated.
        var cut = bytes
        Self.setLE32(&cut, firstOverflow * pageSize + 16, 0)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: cut) }
        // The file cut in half: the metadata's last page lies past the end.
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: Array(bytes.prefix(100))) }
        // A huge last-page number and a bad page size.
        var hugeLast = bytes
        Self.setLE32(&hugeLast, 32, 0xFFFF_FFFF)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: hugeLast) }
        var badPageSize = bytes
        Self.setLE32(&badPageSize, 20, 1000)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: badPageSize) }
        // A hash page claiming more entries than fit.
        var page = 1
        while bytes[page * pageSize + 25] != 13 { page += 1 }
        var tooMany = bytes
        tooMany[page * pageSize + 20] = 0xFE
        tooMany[page * pageSize + 21] = 0xFF
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(berkeleyDB: tooMany) }
    }

    @Test("NDB: a slot pointing outside the file, bad magics, too many slot pages, overlapping blobs give errors")
    func hostileNDB() throws {
        guard let bytes = try Self.shared("sle15-bci.Packages.ndb") else { return }
        // The first slot (after the 32-byte header) is used.
        #expect(Self.le32(bytes, 32) == 0x746f_6c53 && Self.le32(bytes, 36) != 0)

        var outside = bytes
        Self.setLE32(&outside, 40, 0xFFFF_FFFF) // block offset * 16 is far past the end
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: outside) }
        var nearEnd = bytes
        Self.setLE32(&nearEnd, 40, UInt32(bytes.count / 16 - 1)) // the blob header itself runs past the end
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: nearEnd) }

        var badSlot = bytes
        badSlot[32] = 0
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: badSlot) }

        var tooManyPages = bytes
        Self.setLE32(&tooManyPages, 12, 100_000)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: tooManyPages) }
        var pagesPastEnd = bytes
        Self.setLE32(&pagesPastEnd, 12, 2000)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: pagesPastEnd) }

        // The first blob's length made huge.
        let firstBlob = Self.le32(bytes, 40) * 16
        var longBlob = bytes
        Self.setLE32(&longBlob, firstBlob + 12, 0x7FFF_FFFF)
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: longBlob) }
        // Two slots sharing one blob.
        var shared = bytes
        let secondSlot = 48
        #expect(Self.le32(bytes, secondSlot + 4) != 0)
        Self.setLE32(&shared, secondSlot + 4, UInt32(Self.le32(bytes, 36)))
        Self.setLE32(&shared, secondSlot + 8, UInt32(Self.le32(bytes, 40)))
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: shared) }
        // Truncated files.
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: Array(bytes.prefix(20))) }
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: Array(bytes.prefix(3000))) }
        #expect(throws: RpmDatabaseError.self) { try RpmDatabase.packages(ndb: Array(bytes.prefix(bytes.count - 1000))) }
    }

    // MARK: - Helpers

    static func le32(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }

    static func setLE32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }

    static func be32(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }

    static func indices(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { found.append(i) }
        }
        return found
    }
}

/// What Debian's `rpm` 4.18.0 prints for the three real databases in `pkgdb/rpm/`, one line per package:
/// `rpm --dbpath DIR -qa --qf '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{VENDOR}|%{LICENSE}|%{MODULARITYLABEL}\n'`
/// with the file copied into DIR as `rpmdb.sqlite` (SQLite) or `Packages` (BerkeleyDB, `--define '_db_backend bdb_ro'`).
/// Debian's rpm has no NDB backend, so for the NDB file the header blobs were copied out of its slots (a 20-line
/// Python script walking the slot pages) into the `Packages` table of an empty rpm SQLite database, which rpm then
/// read with the same command (35 blobs, 35 packages).
enum RpmExpectations {
    static let sqlite = """
        mariner-release|0|2.0|4.cm2|noarch|mariner-release-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        filesystem|0|1.1|8.cm2|x86_64|filesystem-1.1-8.cm2.src.rpm|Microsoft Corporation|GPLv3|(none)
        glibc|0|2.34|2.cm2|x86_64|glibc-2.34-2.cm2.src.rpm|Microsoft Corporation|BSD AND GPLv2+ AND Inner-Net AND ISC AND LGPLv2+ AND MIT|(none)
        zlib|0|1.2.11|5.cm2|x86_64|zlib-1.2.11-5.cm2.src.rpm|Microsoft Corporation|zlib|(none)
        openssl-libs|0|1.1.1k|7.cm2|x86_64|openssl-1.1.1k-7.cm2.src.rpm|Microsoft Corporation|OpenSSL|(none)
        xz-libs|0|5.2.5|1.cm2|x86_64|xz-5.2.5-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ and GPLv3+ and LGPLv2+|(none)
        bzip2-libs|0|1.0.8|1.cm2|x86_64|bzip2-1.0.8-1.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        zstd-libs|0|1.5.0|1.cm2|x86_64|zstd-1.5.0-1.cm2.src.rpm|Microsoft Corporation|BSD or GPLv2|(none)
        sqlite-libs|0|3.34.1|2.cm2|x86_64|sqlite-3.34.1-2.cm2.src.rpm|Microsoft Corporation|Public Domain|(none)
        elfutils-libelf|0|0.185|1.cm2|x86_64|elfutils-0.185-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ OR LGPLv3+|(none)
        popt|0|1.16|7.cm2|x86_64|popt-1.16-7.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libgcc|0|11.2.0|1.cm2|x86_64|gcc-11.2.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        openssl|0|1.1.1k|7.cm2|x86_64|openssl-1.1.1k-7.cm2.src.rpm|Microsoft Corporation|OpenSSL|(none)
        libcap|0|2.26|2.cm2|x86_64|libcap-2.26-2.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        lua-libs|0|5.3.5|11.cm2|x86_64|lua-5.3.5-11.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        pcre-libs|0|8.44|3.cm2|x86_64|pcre-8.44-3.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        expat-libs|0|2.4.3|1.cm2|x86_64|expat-2.4.3-1.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libstdc++|0|11.2.0|1.cm2|x86_64|gcc-11.2.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        ncurses-libs|0|6.2|4.cm2|x86_64|ncurses-6.2-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        readline|0|8.1|1.cm2|x86_64|readline-8.1-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        libffi|0|3.4.2|1.cm2|x86_64|libffi-3.4.2-1.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        gmp|0|6.2.1|2.cm2|x86_64|gmp-6.2.1-2.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND GPLv3+ AND LGPLv3+|(none)
        e2fsprogs-libs|0|1.46.4|1.cm2|x86_64|e2fsprogs-1.46.4-1.cm2.src.rpm|Microsoft Corporation|GPLv2 AND LGPLv2 AND BSD AND MIT|(none)
        p11-kit|0|0.23.22|3.cm2|x86_64|p11-kit-0.23.22-3.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        pcre|0|8.44|3.cm2|x86_64|pcre-8.44-3.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        libselinux|0|3.2|1.cm2|x86_64|libselinux-3.2-1.cm2.src.rpm|Microsoft Corporation|Public Domain|(none)
        coreutils|0|8.32|1.cm2|x86_64|coreutils-8.32-1.cm2.src.rpm|Microsoft Corporation|GPLv3|(none)
        grep|0|3.7|1.cm2|x86_64|grep-3.7-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        bash|0|5.1.8|1.cm2|x86_64|bash-5.1.8-1.cm2.src.rpm|Microsoft Corporation|GPLv3|(none)
        libsepol|0|3.2|2.cm2|x86_64|libsepol-3.2-2.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        libgpg-error|0|1.43|1.cm2|x86_64|libgpg-error-1.43-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        xz|0|5.2.5|1.cm2|x86_64|xz-5.2.5-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ and GPLv3+ and LGPLv2+|(none)
        libassuan|0|2.5.5|1.cm2|x86_64|libassuan-2.5.5-1.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        krb5|0|1.18|2.cm2|x86_64|krb5-1.18-2.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libgcrypt|0|1.9.4|1.cm2|x86_64|libgcrypt-1.9.4-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ and LGPLv2+ and BSD and MIT and Public Domain|(none)
        cracklib|0|2.9.7|4.cm2|x86_64|cracklib-2.9.7-4.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        pam|0|1.5.1|2.cm2|x86_64|pam-1.5.1-2.cm2.src.rpm|Microsoft Corporation|BSD and GPLv2+|(none)
        nspr|0|4.21|2.cm2|x86_64|nspr-4.21-2.cm2.src.rpm|Microsoft Corporation|MPLv2.0|(none)
        mariner-rpm-macros|0|2.0|10.cm2|noarch|mariner-rpm-macros-2.0-10.cm2.src.rpm|Microsoft Corporation|GPL+ AND MIT|(none)
        rpm-libs|0|4.17.0|1.cm2|x86_64|rpm-4.17.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND LGPLv2+ AND BSD|(none)
        gzip|0|1.11|1.cm2|x86_64|gzip-1.11-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        bzip2|0|1.0.8|1.cm2|x86_64|bzip2-1.0.8-1.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        slang|0|2.3.2|3.cm2|x86_64|slang-2.3.2-3.cm2.src.rpm|Microsoft Corporation|GNU General Public License|(none)
        ncurses|0|6.2|4.cm2|x86_64|ncurses-6.2-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        expat|0|2.4.3|1.cm2|x86_64|expat-2.4.3-1.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libssh2|0|1.9.0|1.cm2|x86_64|libssh2-1.9.0-1.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        curl-libs|0|7.76.0|6.cm2|x86_64|curl-7.76.0-6.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        curl|0|7.76.0|6.cm2|x86_64|curl-7.76.0-6.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        file-libs|0|5.40|1.cm2|x86_64|file-5.40-1.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        libcap-ng|0|0.7.9|4.cm2|x86_64|libcap-ng-0.7.9-4.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        tar|0|1.34|1.cm2|x86_64|tar-1.34-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        lz4|0|1.9.2|2.cm2|x86_64|lz4-1.9.2-2.cm2.src.rpm|Microsoft Corporation|BSD 2-Clause and GPLv2|(none)
        newt|0|0.52.21|2.cm2|x86_64|newt-0.52.21-2.cm2.src.rpm|Microsoft Corporation|LGPLv2|(none)
        chkconfig|0|1.20|1.cm2|x86_64|chkconfig-1.20-1.cm2.src.rpm|Microsoft Corporation|GPLv2|(none)
        libsolv|0|0.7.19|2.cm2|x86_64|libsolv-0.7.19-2.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        nss-libs|0|3.44|10.cm2|x86_64|nss-3.44-10.cm2.src.rpm|Microsoft Corporation|MPLv2.0|(none)
        pinentry|0|1.2.0|1.cm2|x86_64|pinentry-1.2.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2|(none)
        kmod|0|29|1.cm2|x86_64|kmod-29-1.cm2.src.rpm|Microsoft Corporation|LGPLv2.1+ AND GPLv2+|(none)
        libksba|0|1.6.0|1.cm2|x86_64|libksba-1.6.0-1.cm2.src.rpm|Microsoft Corporation|(LGPLv3+ or GPLv2+) and GPLv3+|(none)
        zstd|0|1.5.0|1.cm2|x86_64|zstd-1.5.0-1.cm2.src.rpm|Microsoft Corporation|BSD or GPLv2|(none)
        unzip|0|6.0|19.cm2|x86_64|unzip-6.0-19.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        npth|0|1.6|4.cm2|x86_64|npth-1.6-4.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        gnupg2|0|2.3.3|1.cm2|x86_64|gnupg2-2.3.3-1.cm2.src.rpm|Microsoft Corporation|BSD and CC0 and GPLv2+ and LGPLv2+|(none)
        gpgme|0|1.16.0|1.cm2|x86_64|gpgme-1.16.0-1.cm2.src.rpm|Microsoft Corporation|GPLv3+ and LGPLv2+ and MIT|(none)
        vim|0|8.2.4081|1.cm2|x86_64|vim-8.2.4081-1.cm2.src.rpm|Microsoft Corporation|Vim|(none)
        libtool|0|2.4.6|7.cm2|x86_64|libtool-2.4.6-7.cm2.src.rpm|Microsoft Corporation|GPLv2|(none)
        findutils|0|4.8.0|1.cm2|x86_64|findutils-4.8.0-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        mpfr|0|4.1.0|1.cm2|x86_64|mpfr-4.1.0-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        gawk|0|5.1.0|1.cm2|x86_64|gawk-5.1.0-1.cm2.src.rpm|Microsoft Corporation|GPLv3|(none)
        gdbm|0|1.21|1.cm2|x86_64|gdbm-1.21-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        lua|0|5.3.5|11.cm2|x86_64|lua-5.3.5-11.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libarchive|0|3.4.2|3.cm2|x86_64|libarchive-3.4.2-3.cm2.src.rpm|Microsoft Corporation|BSD AND Public Domain AND (ASL 2.0 OR CC0 1.0 OR OpenSSL)|(none)
        openldap|0|2.4.57|6.cm2|x86_64|openldap-2.4.57-6.cm2.src.rpm|Microsoft Corporation|OpenLDAP|(none)
        elfutils-libelf-devel|0|0.185|1.cm2|x86_64|elfutils-0.185-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ OR LGPLv3+|(none)
        libgomp|0|11.2.0|1.cm2|x86_64|gcc-11.2.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        cpio|0|2.13|3.cm2|x86_64|cpio-2.13-3.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        libtasn1|0|4.14|3.cm2|x86_64|libtasn1-4.14-3.cm2.src.rpm|Microsoft Corporation|GPLv3+ and LGPLv2+|(none)
        p11-kit-trust|0|0.23.22|3.cm2|x86_64|p11-kit-0.23.22-3.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        ca-certificates-tools|1|2.0.0|1.cm2|noarch|ca-certificates-2.0.0-1.cm2.src.rpm|Microsoft Corporation|MPLv2.0|(none)
        json-c|0|0.14|3.cm2|x86_64|json-c-0.14-3.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        libpkgconf|0|1.8.0|1.cm2|x86_64|pkgconf-1.8.0-1.cm2.src.rpm|Microsoft Corporation|ISC|(none)
        pkgconf|0|1.8.0|1.cm2|x86_64|pkgconf-1.8.0-1.cm2.src.rpm|Microsoft Corporation|ISC|(none)
        tdnf-cli-libs|0|2.1.0|8.cm2|x86_64|tdnf-2.1.0-8.cm2.src.rpm|Microsoft Corporation|LGPLv2.1 AND GPLv2|(none)
        tdnf|0|2.1.0|8.cm2|x86_64|tdnf-2.1.0-8.cm2.src.rpm|Microsoft Corporation|LGPLv2.1 AND GPLv2|(none)
        tdnf-plugin-repogpgcheck|0|2.1.0|8.cm2|x86_64|tdnf-2.1.0-8.cm2.src.rpm|Microsoft Corporation|LGPLv2.1 AND GPLv2|(none)
        sed|0|4.8|1.cm2|x86_64|sed-4.8-1.cm2.src.rpm|Microsoft Corporation|GPLv3|(none)
        net-tools|0|1.60|16.cm2|x86_64|net-tools-1.60-16.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        ca-certificates-shared|1|2.0.0|1.cm2|noarch|ca-certificates-2.0.0-1.cm2.src.rpm|Microsoft Corporation|MPLv2.0|(none)
        ca-certificates-base|1|2.0.0|1.cm2|noarch|ca-certificates-2.0.0-1.cm2.src.rpm|Microsoft Corporation|MPLv2.0|(none)
        pkgconf-m4|0|1.8.0|1.cm2|noarch|pkgconf-1.8.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ WITH exceptions|(none)
        pkgconf-pkg-config|0|1.8.0|1.cm2|x86_64|pkgconf-1.8.0-1.cm2.src.rpm|Microsoft Corporation|ISC|(none)
        zstd-devel|0|1.5.0|1.cm2|x86_64|zstd-1.5.0-1.cm2.src.rpm|Microsoft Corporation|BSD or GPLv2|(none)
        popt-devel|0|1.16|7.cm2|x86_64|popt-1.16-7.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        zlib-devel|0|1.2.11|5.cm2|x86_64|zlib-1.2.11-5.cm2.src.rpm|Microsoft Corporation|zlib|(none)
        xz-devel|0|5.2.5|1.cm2|x86_64|xz-5.2.5-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ and GPLv3+ and LGPLv2+|(none)
        pcre-devel|0|8.44|3.cm2|x86_64|pcre-8.44-3.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        libsepol-devel|0|3.2|2.cm2|x86_64|libsepol-3.2-2.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        libselinux-devel|0|3.2|1.cm2|x86_64|libselinux-3.2-1.cm2.src.rpm|Microsoft Corporation|Public Domain|(none)
        util-linux|0|2.37.2|1.cm2|x86_64|util-linux-2.37.2-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        util-linux-devel|0|2.37.2|1.cm2|x86_64|util-linux-2.37.2-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        python3|0|3.9.9|3.cm2|x86_64|python3-3.9.9-3.cm2.src.rpm|Microsoft Corporation|PSF|(none)
        python3-libs|0|3.9.9|3.cm2|x86_64|python3-3.9.9-3.cm2.src.rpm|Microsoft Corporation|PSF|(none)
        glib|0|2.60.1|5.cm2|x86_64|glib-2.60.1-5.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        wget|0|1.20.3|4.cm2|x86_64|wget-1.20.3-4.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        e2fsprogs|0|1.46.4|1.cm2|x86_64|e2fsprogs-1.46.4-1.cm2.src.rpm|Microsoft Corporation|GPLv2 AND LGPLv2 AND BSD AND MIT|(none)
        systemd-rpm-macros|0|249.7|3.cm2|noarch|systemd-249.7-3.cm2.src.rpm|Microsoft Corporation|LGPLv2+ AND GPLv2+ AND MIT|(none)
        elfutils-default-yama-scope|0|0.185|1.cm2|noarch|elfutils-0.185-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ OR LGPLv3+|(none)
        cryptsetup-libs|0|2.3.3|3.cm2|x86_64|cryptsetup-2.3.3-3.cm2.src.rpm|Microsoft Corporation|GPLv2+ and LGPLv2+|(none)
        device-mapper-libs|0|2.03.05|9.cm2|x86_64|lvm2-2.03.05-9.cm2.src.rpm|Microsoft Corporation|LGPLv2|(none)
        systemd|0|249.7|3.cm2|x86_64|systemd-249.7-3.cm2.src.rpm|Microsoft Corporation|LGPLv2+ AND GPLv2+ AND MIT|(none)
        elfutils|0|0.185|1.cm2|x86_64|elfutils-0.185-1.cm2.src.rpm|Microsoft Corporation|GPLv3+ AND (GPLv2+ OR LGPLv3+)|(none)
        elfutils-devel|0|0.185|1.cm2|x86_64|elfutils-0.185-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ OR LGPLv3+|(none)
        rpm-build-libs|0|4.17.0|1.cm2|x86_64|rpm-4.17.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND LGPLv2+ AND BSD|(none)
        debugedit|0|5.0|1.cm2|x86_64|debugedit-5.0-1.cm2.src.rpm|Microsoft Corporation|GPLv3+|(none)
        rpm|0|4.17.0|1.cm2|x86_64|rpm-4.17.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND LGPLv2+ AND BSD|(none)
        rpm-devel|0|4.17.0|1.cm2|x86_64|rpm-4.17.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND LGPLv2+ AND BSD|(none)
        rpm-build|0|4.17.0|1.cm2|x86_64|rpm-4.17.0-1.cm2.src.rpm|Microsoft Corporation|GPLv2+ AND LGPLv2+ AND BSD|(none)
        mariner-repos-shared|0|2.0|4.cm2|noarch|mariner-repos-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        mariner-repos-preview|0|2.0|4.cm2|noarch|mariner-repos-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        mariner-repos-microsoft-preview|0|2.0|4.cm2|noarch|mariner-repos-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        mariner-repos-extras-preview|0|2.0|4.cm2|noarch|mariner-repos-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        mariner-repos-extended-preview|0|2.0|4.cm2|noarch|mariner-repos-2.0-4.cm2.src.rpm|Microsoft Corporation|MIT|(none)
        audit-libs|0|3.0.6|1.cm2|x86_64|audit-3.0.6-1.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        audit|0|3.0.6|1.cm2|x86_64|audit-3.0.6-1.cm2.src.rpm|Microsoft Corporation|GPLv2+|(none)
        libsemanage|0|3.2|1.cm2|x86_64|libsemanage-3.2-1.cm2.src.rpm|Microsoft Corporation|LGPLv2+|(none)
        shadow-utils|0|4.9|6.cm2|x86_64|shadow-utils-4.9-6.cm2.src.rpm|Microsoft Corporation|BSD|(none)
        sudo|0|1.9.5p2|3.cm2|x86_64|sudo-1.9.5p2-3.cm2.src.rpm|Microsoft Corporation|ISC|(none)
        core-packages-container|0|2.0|1.cm2|x86_64|core-packages-2.0-1.cm2.src.rpm|Microsoft Corporation|ASL 2.0|(none)
        sqlite|0|3.34.1|2.cm2|x86_64|sqlite-3.34.1-2.cm2.src.rpm|Microsoft Corporation|Public Domain|(none)
        """
    static let berkeleyDB = """
        libuuid|0|2.32.1|42.el8_8|x86_64|util-linux-2.32.1-42.el8_8.src.rpm|Red Hat, Inc.|BSD|(none)
        """
    static let ndb = """
        system-user-root|0|20190513|3.3.1|noarch|system-user-root-20190513-3.3.1.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        filesystem|0|15.0|11.3.2|x86_64|filesystem-15.0-11.3.2.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        glibc|0|2.31|9.3.2|x86_64|glibc-2.31-9.3.2.src.rpm|SUSE LLC <https://www.suse.com/>|LGPL-2.1-or-later AND LGPL-2.1-or-later WITH GCC-exception-2.0 AND GPL-2.0-or-later|(none)
        libpcre1|0|8.45|20.10.1|x86_64|pcre-8.45-20.10.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-3-Clause|(none)
        libgmp10|0|6.1.2|4.6.1|x86_64|gmp-6.1.2-4.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|LGPL-3.0-or-later OR GPL-2.0-or-later|(none)
        libgcc_s1|0|11.2.1+git610|1.3.9|x86_64|gcc11-11.2.1+git610-1.3.9.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-3.0-or-later WITH GCC-exception-3.1|(none)
        libcap2|0|2.26|4.6.1|x86_64|libcap-2.26-4.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-3-Clause or GPL-2.0|(none)
        libstdc++6|0|11.2.1+git610|1.3.9|x86_64|gcc11-11.2.1+git610-1.3.9.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-3.0-or-later WITH GCC-exception-3.1|(none)
        libncurses6|0|6.1|5.9.1|x86_64|ncurses-6.1-5.9.1.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        terminfo-base|0|6.1|5.9.1|x86_64|ncurses-6.1-5.9.1.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        libattr1|0|2.4.47|2.19|x86_64|attr-2.4.47-2.19.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0-or-later AND LGPL-2.1-or-later|(none)
        libselinux1|0|3.0|1.31|x86_64|libselinux-3.0-1.31.src.rpm|SUSE LLC <https://www.suse.com/>|SUSE-Public-Domain|(none)
        libreadline7|0|7.0|19.6.1|x86_64|bash-4.4-19.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-3.0-or-later|(none)
        bash|0|4.4|19.6.1|x86_64|bash-4.4-19.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-3.0-or-later|(none)
        libacl1|0|2.2.52|4.3.1|x86_64|acl-2.2.52-4.3.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0+ and LGPL-2.1+|(none)
        coreutils|0|8.32|3.2.1|x86_64|coreutils-8.32-3.2.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-3.0-or-later|(none)
        sles-release|0|15.3|55.4.1|x86_64|sles-release-15.3-55.4.1.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        ca-certificates-mozilla-prebuilt|0|2.44|21.1|noarch|ca-certificates-mozilla-prebuilt-2.44-21.1.src.rpm|SUSE LLC <https://www.suse.com/>|MPL-2.0|(none)
        libgpg-error0|0|1.29|1.8|x86_64|libgpg-error-1.29-1.8.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0-or-later AND LGPL-2.1-or-later|(none)
        libpopt0|0|1.16|3.22|x86_64|popt-1.16-3.22.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        file-magic|0|5.32|7.14.1|noarch|file-5.32-7.14.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-2-Clause|(none)
        libbz2-1|0|1.0.6|5.11.1|x86_64|bzip2-1.0.6-5.11.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-3-Clause|(none)
        liblua5_3-5|0|5.3.6|3.6.1|x86_64|lua53-5.3.6-3.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|MIT|(none)
        liblzma5|0|5.2.3|4.3.1|x86_64|xz-5.2.3-4.3.1.src.rpm|SUSE LLC <https://www.suse.com/>|SUSE-Public-Domain|(none)
        libz1|0|1.2.11|3.21.1|x86_64|zlib-1.2.11-3.21.1.src.rpm|SUSE LLC <https://www.suse.com/>|Zlib|(none)
        libzstd1|0|1.4.4|1.6.1|x86_64|zstd-1.4.4-1.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-3-Clause AND GPL-2.0-only|(none)
        libmagic1|0|5.32|7.14.1|x86_64|file-5.32-7.14.1.src.rpm|SUSE LLC <https://www.suse.com/>|BSD-2-Clause|(none)
        libdw1|0|0.168|4.5.3|x86_64|elfutils-0.168-4.5.3.src.rpm|SUSE LLC <https://www.suse.com/>|SUSE-GPL-2.0-with-OSI-exception|(none)
        libebl-plugins|0|0.168|4.5.3|x86_64|elfutils-0.168-4.5.3.src.rpm|SUSE LLC <https://www.suse.com/>|SUSE-GPL-2.0-with-OSI-exception|(none)
        libelf1|0|0.168|4.5.3|x86_64|elfutils-0.168-4.5.3.src.rpm|SUSE LLC <https://www.suse.com/>|SUSE-GPL-2.0-with-OSI-exception|(none)
        libcrypt1|0|4.4.15|2.51|x86_64|libxcrypt-4.4.15-2.51.src.rpm|SUSE LLC <https://www.suse.com/>|LGPL-2.1-or-later AND BSD-2-Clause AND BSD-3-Clause AND SUSE-Public-Domain|(none)
        perl-base|0|5.26.1|15.87|x86_64|perl-5.26.1-15.87.src.rpm|SUSE LLC <https://www.suse.com/>|Artistic-1.0 or GPL-2.0+|(none)
        libgcrypt20|0|1.8.2|8.39.1|x86_64|libgcrypt-1.8.2-8.39.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0+ AND LGPL-2.1+|(none)
        rpm-config-SUSE|0|1|5.6.1|noarch|rpm-config-SUSE-1-5.6.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0-or-later|(none)
        rpm-ndb|0|4.14.3|40.1|x86_64|rpm-ndb-4.14.3-40.1.src.rpm|SUSE LLC <https://www.suse.com/>|GPL-2.0-or-later|(none)
        """

    static func rows(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
}
