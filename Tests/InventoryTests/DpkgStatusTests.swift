import Foundation
import Inventory
import MoatTesting
import Testing

/// Expected contents of `pkgdb/dpkg/valid.txtar`, produced with the host's dpkg:
/// `dpkg-query --admindir=DIR -W -f '${Package}|${Version}|${Status}|${source:Package}|${source:Version}|${Architecture}\n'`
/// over the archive's `var/lib/dpkg/status` copied to `DIR/status`, keeping the packages whose status has neither
/// `deinstall` nor `purge`, with the epoch split off each version.
private let expectedValidRows: [DpkgStatusTests.Row] = [
        .init("adduser", 0, "3.116ubuntu1", "adduser", 0, "3.116ubuntu1", "all"),
        .init("apt", 0, "1.6.3ubuntu0.1", "apt", 0, "1.6.3ubuntu0.1", "amd64"),
        .init("base-files", 0, "10.1ubuntu2.2", "base-files", 0, "10.1ubuntu2.2", "amd64"),
        .init("base-passwd", 0, "3.5.44", "base-passwd", 0, "3.5.44", "amd64"),
        .init("bash", 0, "4.4.18-2ubuntu1", "bash", 0, "4.4.18-2ubuntu1", "amd64"),
        .init("bsdutils", 1, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("bzip2", 0, "1.0.6-8.1", "bzip2", 0, "1.0.6-8.1", "amd64"),
        .init("coreutils", 0, "8.28-1ubuntu1", "coreutils", 0, "8.28-1ubuntu1", "amd64"),
        .init("dash", 0, "0.5.8-2.10", "dash", 0, "0.5.8-2.10", "amd64"),
        .init("debconf", 0, "1.5.66", "debconf", 0, "1.5.66", "all"),
        .init("debianutils", 0, "4.8.4", "debianutils", 0, "4.8.4", "amd64"),
        .init("diffutils", 1, "3.6-1", "diffutils", 1, "3.6-1", "amd64"),
        .init("dpkg", 0, "1.19.0.5ubuntu2", "dpkg", 0, "1.19.0.5ubuntu2", "amd64"),
        .init("e2fsprogs", 0, "1.44.1-1", "e2fsprogs", 0, "1.44.1-1", "amd64"),
        .init("fdisk", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("findutils", 0, "4.6.0+git+20170828-2", "findutils", 0, "4.6.0+git+20170828-2", "amd64"),
        .init("gcc-8-base", 0, "8-20180414-1ubuntu2", "gcc-8", 0, "8-20180414-1ubuntu2", "amd64"),
        .init("gpgv", 0, "2.2.4-1ubuntu1.1", "gnupg2", 0, "2.2.4-1ubuntu1.1", "amd64"),
        .init("grep", 0, "3.1-2", "grep", 0, "3.1-2", "amd64"),
        .init("gzip", 0, "1.6-5ubuntu1", "gzip", 0, "1.6-5ubuntu1", "amd64"),
        .init("hostname", 0, "3.20", "hostname", 0, "3.20", "amd64"),
        .init("init-system-helpers", 0, "1.51", "init-system-helpers", 0, "1.51", "all"),
        .init("libacl1", 0, "2.2.52-3build1", "acl", 0, "2.2.52-3build1", "amd64"),
        .init("libapt-pkg5.0", 0, "1.6.3ubuntu0.1", "apt", 0, "1.6.3ubuntu0.1", "amd64"),
        .init("libattr1", 1, "2.4.47-2build1", "attr", 1, "2.4.47-2build1", "amd64"),
        .init("libaudit-common", 1, "2.8.2-1ubuntu1", "audit", 1, "2.8.2-1ubuntu1", "all"),
        .init("libaudit1", 1, "2.8.2-1ubuntu1", "audit", 1, "2.8.2-1ubuntu1", "amd64"),
        .init("libblkid1", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("libbz2-1.0", 0, "1.0.6-8.1", "bzip2", 0, "1.0.6-8.1", "amd64"),
        .init("libc-bin", 0, "2.27-3ubuntu1", "glibc", 0, "2.27-3ubuntu1", "amd64"),
        .init("libc6", 0, "2.27-3ubuntu1", "glibc", 0, "2.27-3ubuntu1", "amd64"),
        .init("libcap-ng0", 0, "0.7.7-3.1", "libcap-ng", 0, "0.7.7-3.1", "amd64"),
        .init("libcom-err2", 0, "1.44.1-1", "e2fsprogs", 0, "1.44.1-1", "amd64"),
        .init("libdb5.3", 0, "5.3.28-13.1ubuntu1", "db5.3", 0, "5.3.28-13.1ubuntu1", "amd64"),
        .init("libdebconfclient0", 0, "0.213ubuntu1", "cdebconf", 0, "0.213ubuntu1", "amd64"),
        .init("libext2fs2", 0, "1.44.1-1", "e2fsprogs", 0, "1.44.1-1", "amd64"),
        .init("libfdisk1", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("libffi6", 0, "3.2.1-8", "libffi", 0, "3.2.1-8", "amd64"),
        .init("libgcc1", 1, "8-20180414-1ubuntu2", "gcc-8", 0, "8-20180414-1ubuntu2", "amd64"),
        .init("libgcrypt20", 0, "1.8.1-4ubuntu1.1", "libgcrypt20", 0, "1.8.1-4ubuntu1.1", "amd64"),
        .init("libgmp10", 2, "6.1.2+dfsg-2", "gmp", 2, "6.1.2+dfsg-2", "amd64"),
        .init("libgnutls30", 0, "3.5.18-1ubuntu1", "gnutls28", 0, "3.5.18-1ubuntu1", "amd64"),
        .init("libgpg-error0", 0, "1.27-6", "libgpg-error", 0, "1.27-6", "amd64"),
        .init("libhogweed4", 0, "3.4-1", "nettle", 0, "3.4-1", "amd64"),
        .init("libidn2-0", 0, "2.0.4-1.1build2", "libidn2", 0, "2.0.4-1.1build2", "amd64"),
        .init("liblz4-1", 0, "0.0~r131-2ubuntu3", "lz4", 0, "0.0~r131-2ubuntu3", "amd64"),
        .init("liblzma5", 0, "5.1.1alpha+20120614-2+b3", "xz-utils", 0, "5.1.1alpha+20120614-2", "amd64"),
        .init("libmount1", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("libncurses5", 0, "6.1-1ubuntu1.18.04", "ncurses", 0, "6.1-1ubuntu1.18.04", "amd64"),
        .init("libncursesw5", 0, "6.1-1ubuntu1.18.04", "ncurses", 0, "6.1-1ubuntu1.18.04", "amd64"),
        .init("libnettle6", 0, "3.4-1", "nettle", 0, "3.4-1", "amd64"),
        .init("libp11-kit0", 0, "0.23.9-2", "p11-kit", 0, "0.23.9-2", "amd64"),
        .init("libpam-modules", 0, "1.1.8-3.6ubuntu2", "pam", 0, "1.1.8-3.6ubuntu2", "amd64"),
        .init("libpam-modules-bin", 0, "1.1.8-3.6ubuntu2", "pam", 0, "1.1.8-3.6ubuntu2", "amd64"),
        .init("libpam-runtime", 0, "1.1.8-3.6ubuntu2", "pam", 0, "1.1.8-3.6ubuntu2", "all"),
        .init("libpam0g", 0, "1.1.8-3.6ubuntu2", "pam", 0, "1.1.8-3.6ubuntu2", "amd64"),
        .init("libpcre3", 2, "8.39-9", "pcre3", 2, "8.39-9", "amd64"),
        .init("libprocps6", 2, "3.3.12-3ubuntu1.1", "procps", 2, "3.3.12-3ubuntu1.1", "amd64"),
        .init("libseccomp2", 0, "2.3.1-2.1ubuntu4", "libseccomp", 0, "2.3.1-2.1ubuntu4", "amd64"),
        .init("libselinux1", 0, "2.7-2build2", "libselinux", 0, "2.7-2build2", "amd64"),
        .init("libsemanage-common", 0, "2.7-2build2", "libsemanage", 0, "2.7-2build2", "all"),
        .init("libsemanage1", 0, "2.7-2build2", "libsemanage", 0, "2.7-2build2", "amd64"),
        .init("libsepol1", 0, "2.7-1", "libsepol", 0, "2.7-1", "amd64"),
        .init("libsmartcols1", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("libss2", 0, "1.44.1-1", "e2fsprogs", 0, "1.44.1-1", "amd64"),
        .init("libstdc++6", 0, "8-20180414-1ubuntu2", "gcc-8", 0, "8-20180414-1ubuntu2", "amd64"),
        .init("libsystemd0", 0, "237-3ubuntu10.3", "systemd", 0, "237-3ubuntu10.3", "amd64"),
        .init("libtasn1-6", 0, "4.13-2", "libtasn1-6", 0, "4.13-2", "amd64"),
        .init("libtinfo5", 0, "6.1-1ubuntu1.18.04", "ncurses", 0, "6.1-1ubuntu1.18.04", "amd64"),
        .init("libudev1", 0, "237-3ubuntu10.3", "systemd", 0, "237-3ubuntu10.3", "amd64"),
        .init("libunistring2", 0, "0.9.9-0ubuntu1", "libunistring", 0, "0.9.9-0ubuntu1", "amd64"),
        .init("libustr-1.0-1", 0, "1.0.4-3+b2", "ustr", 0, "1.0.4-3", "amd64"),
        .init("libuuid1", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("libzstd1", 0, "1.3.3+dfsg-2ubuntu1", "libzstd", 0, "1.3.3+dfsg-2ubuntu1", "amd64"),
        .init("login", 1, "4.5-1ubuntu1", "shadow", 1, "4.5-1ubuntu1", "amd64"),
        .init("lsb-base", 0, "9.20170808ubuntu1", "lsb", 0, "9.20170808ubuntu1", "all"),
        .init("mawk", 0, "1.3.3-17ubuntu3", "mawk", 0, "1.3.3-17ubuntu3", "amd64"),
        .init("mount", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("ncurses-base", 0, "6.1-1ubuntu1.18.04", "ncurses", 0, "6.1-1ubuntu1.18.04", "all"),
        .init("ncurses-bin", 0, "6.1-1ubuntu1.18.04", "ncurses", 0, "6.1-1ubuntu1.18.04", "amd64"),
        .init("passwd", 1, "4.5-1ubuntu1", "shadow", 1, "4.5-1ubuntu1", "amd64"),
        .init("perl-base", 0, "5.26.1-6ubuntu0.2", "perl", 0, "5.26.1-6ubuntu0.2", "amd64"),
        .init("procps", 2, "3.3.12-3ubuntu1.1", "procps", 2, "3.3.12-3ubuntu1.1", "amd64"),
        .init("sed", 0, "4.4-2", "sed", 0, "4.4-2", "amd64"),
        .init("sensible-utils", 0, "0.0.12", "sensible-utils", 0, "0.0.12", "all"),
        .init("sysvinit-utils", 0, "2.88dsf-59.10ubuntu1", "sysvinit", 0, "2.88dsf-59.10ubuntu1", "amd64"),
        .init("tar", 0, "1.29b-2", "tar", 0, "1.29b-2", "amd64"),
        .init("ubuntu-keyring", 0, "2018.02.28", "ubuntu-keyring", 0, "2018.02.28", "all"),
        .init("util-linux", 0, "2.31.1-0.4ubuntu3.1", "util-linux", 0, "2.31.1-0.4ubuntu3.1", "amd64"),
        .init("zlib1g", 1, "1.2.11.dfsg-0ubuntu2", "zlib", 1, "1.2.11.dfsg-0ubuntu2", "amd64"),
]

@Suite("dpkg status")
struct DpkgStatusTests {
    struct Row: Hashable, CustomStringConvertible {
        var name: String, epoch: Int, version: String, sourceName: String, sourceEpoch: Int, sourceVersion: String, arch: String
        init(_ name: String, _ epoch: Int, _ version: String, _ sourceName: String, _ sourceEpoch: Int, _ sourceVersion: String,
             _ arch: String) {
            (self.name, self.epoch, self.version, self.sourceName, self.sourceEpoch, self.sourceVersion, self.arch) =
                (name, epoch, version, sourceName, sourceEpoch, sourceVersion, arch)
        }
        init(_ package: Package) {
            self.init(package.name, package.epoch ?? 0, package.version, package.sourceName ?? "", package.sourceEpoch ?? 0,
                      package.sourceVersion ?? "", package.arch ?? "")
        }
        var description: String { "\(name)|\(epoch)|\(version)|\(sourceName)|\(sourceEpoch)|\(sourceVersion)|\(arch)" }
    }

    static let statusPath = "var/lib/dpkg/status"

    /// The files of a txtar archive (`-- path --` lines start each file).
    static func txtar(_ text: String) -> [String: String] {
        var files: [String: String] = [:]
        var current: String?
        var lines: [Substring] = []
        func flush() {
            if let current { files[current] = lines.map { $0 + "\n" }.joined() }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- "), line.hasSuffix(" --"), line.count > 6 {
                flush()
                current = String(line.dropFirst(3).dropLast(3))
                lines = []
            } else if current != nil {
                lines.append(line)
            }
        }
        flush()
        return files
    }

    static func stanzas(_ text: String, path: String = "var/lib/dpkg/status.d/test") throws -> [Package] {
        try DpkgStatus.parse(Array(text.utf8), path: path)
    }

    // MARK: - The real status file

    @Test("the real status file of valid.txtar parses to exactly what dpkg-query reports")
    func realStatusFile() throws {
        guard let shared = TestEnvironment.sharedTestdata else {
            Issue.record(Comment(rawValue: TestEnvironment.missingSharedMessage))
            return
        }
        let archive = try String(contentsOfFile: shared + "/pkgdb/dpkg/valid.txtar", encoding: .utf8)
        let files = Self.txtar(archive)
        #expect(files.keys.sorted() == [Self.statusPath])
        let status = try #require(files[Self.statusPath])
        let packages = try DpkgStatus.parse(Array(status.utf8), path: Self.statusPath)

        #expect(packages.count == 90)
        #expect(expectedValidRows.count == 90)
        #expect(Set(packages.map(Row.init)) == Set(expectedValidRows))
        #expect(packages.allSatisfy { $0.type == .dpkg && $0.filePath == Self.statusPath && $0.purl == nil })
        #expect(packages.allSatisfy { $0.release == nil && $0.sourceRelease == nil && $0.licenses.isEmpty })
        // 91 stanzas: git is `deinstall ok config-files`.
        #expect(!packages.contains { $0.name == "git" })
        #expect(Set(packages.map(\.name)).count == 90)

        let byName = Dictionary(packages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let fdisk = try #require(byName["fdisk"])
        #expect(fdisk.version == "2.31.1-0.4ubuntu3.1")
        #expect(fdisk.epoch == nil)
        #expect(fdisk.sourceName == "util-linux")
        #expect(fdisk.sourceVersion == "2.31.1-0.4ubuntu3.1")
        #expect(fdisk.arch == "amd64")
        #expect(fdisk.maintainer == "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>")

        // Binary epoch, source given with a version without epoch.
        let bsdutils = try #require(byName["bsdutils"])
        #expect(bsdutils.version == "2.31.1-0.4ubuntu3.1")
        #expect(bsdutils.epoch == 1)
        #expect(bsdutils.sourceName == "util-linux")
        #expect(bsdutils.sourceVersion == "2.31.1-0.4ubuntu3.1")
        #expect(bsdutils.sourceEpoch == nil)
        #expect(bsdutils.fullVersion == "1:2.31.1-0.4ubuntu3.1")

        // No Source line: source = binary, epoch included.
        let libgmp = try #require(byName["libgmp10"])
        #expect(libgmp.version == "6.1.2+dfsg-2")
        #expect(libgmp.epoch == 2)
        #expect(libgmp.sourceName == "gmp")
        #expect(libgmp.sourceVersion == "6.1.2+dfsg-2")
        #expect(libgmp.sourceEpoch == 2)

        // Source with a version that differs from the binary's (binNMU).
        let liblzma = try #require(byName["liblzma5"])
        #expect(liblzma.version == "5.1.1alpha+20120614-2+b3")
        #expect(liblzma.sourceName == "xz-utils")
        #expect(liblzma.sourceVersion == "5.1.1alpha+20120614-2")

        let adduser = try #require(byName["adduser"])
        #expect(adduser.sourceName == "adduser")
        #expect(adduser.sourceVersion == "3.116ubuntu1")
        #expect(adduser.arch == "all")
    }

    // MARK: - Status rules

    @Test("status words: deinstall and purge drop the package, everything else keeps it", arguments: [
        ("install ok installed", true),
        ("install ok half-installed", true),
        ("install ok unpacked", true),
        ("hold ok installed", true),
        ("deinstall ok config-files", false),
        ("deinstall ok installed", false),
        ("purge ok not-installed", false),
        ("install reinstreq purge", false),
    ])
    func statusWords(_ status: String, _ kept: Bool) throws {
        let packages = try Self.stanzas("Package: a\nStatus: \(status)\nVersion: 1.0-1\n")
        #expect(packages.count == (kept ? 1 : 0))
        #expect(DpkgStatus.isInstalled(status: status) == kept)
    }

    @Test("a distroless status.d stanza without Status counts as installed")
    func noStatus() throws {
        let text = """
            Package: libssl3
            Version: 3.0.11-1~deb12u2
            Architecture: amd64
            Source: openssl
            Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>

            """
        let packages = try Self.stanzas(text, path: "var/lib/dpkg/status.d/libssl3")
        #expect(packages == [Package(type: .dpkg, name: "libssl3", version: "3.0.11-1~deb12u2", arch: "amd64",
                                     sourceName: "openssl", sourceVersion: "3.0.11-1~deb12u2",
                                     maintainer: "Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>",
                                     filePath: "var/lib/dpkg/status.d/libssl3")])
    }

    @Test("Source: name (version) and its defaults", arguments: [
        // (Source line or nil, binary version, expected sourceName, sourceEpoch, sourceVersion)
        (nil, "1:2.0-3", "pkg", 1, "2.0-3"),
        ("src", "1:2.0-3", "src", 1, "2.0-3"),
        ("src (2.0-1)", "1:2.0-3+b1", "src", 0, "2.0-1"),
        ("src (3:2.0-1)", "2.0-3", "src", 3, "2.0-1"),
        ("src  (2.0-1)", "9.9", "src", 0, "9.9"), // two spaces: no version, as trivy's regexp
        ("src (2.0-1", "9.9", "src", 0, "9.9"), // no closing parenthesis
        ("src (1.0) (2.0)", "9.9", nil, 0, nil), // version `1.0) (2.0` is invalid: package dropped
    ] as [(String?, String, String?, Int, String?)])
    func source(_ source: String?, _ version: String, _ name: String?, _ epoch: Int, _ sourceVersion: String?) throws {
        var text = "Package: pkg\nVersion: \(version)\n"
        if let source { text += "Source: \(source)\n" }
        let packages = try Self.stanzas(text)
        guard let name, let sourceVersion else {
            #expect(packages.isEmpty)
            return
        }
        let package = try #require(packages.first)
        #expect(packages.count == 1)
        #expect(package.sourceName == name)
        #expect(package.sourceVersion == sourceVersion)
        #expect((package.sourceEpoch ?? 0) == epoch)
    }

    @Test("versions split into epoch and upstream[-revision]; invalid versions drop the package", arguments: [
        ("1.0", 0, "1.0"),
        ("1.0-1", 0, "1.0-1"),
        ("2:1.0-1ubuntu1", 2, "1.0-1ubuntu1"),
        ("0:1.0", 0, "1.0"),
        ("1:2.30-1-2", 1, "2.30-1-2"), // revision after the last dash
        ("1.0-", 0, "1.0"), // an empty revision is allowed (go-deb-version)
        ("1.0~rc1+dfsg-0.1~bpo1", 0, "1.0~rc1+dfsg-0.1~bpo1"),
        ("1:1.0:2-3", 1, "1.0:2-3"), // colons are allowed in upstream after the epoch
        (" 1.0-1 ", 0, "1.0-1"),
    ])
    func validVersions(_ text: String, _ epoch: Int, _ version: String) throws {
        let package = try #require(try Self.stanzas("Package: p\nVersion: \(text)\n").first)
        #expect((package.epoch ?? 0) == epoch)
        #expect(package.version == version)
        #expect(package.epoch != 0)
    }

    @Test("invalid versions drop the package", arguments: [
        "abc", "a1.0", ":1.0", "x:1.0", "-1:1.0", "1.0-1_2!", "1.0 beta", "1.0-r@1", "1:", "-1", "1.0-1:2",
        "99999999999999999999:1.0",
    ])
    func invalidVersions(_ text: String) throws {
        #expect(try Self.stanzas("Package: p\nVersion: \(text)\n").isEmpty)
        // An invalid source version drops it too.
        #expect(try Self.stanzas("Package: p\nVersion: 1.0\nSource: s (\(text))\n").isEmpty)
    }

    @Test("fields: case-insensitive names, first value wins, continuation lines, CRLF")
    func fields() throws {
        let text = "package: p\r\nVERSION: 1.0-1\r\nArchitecture: arm64\r\nArchitecture: amd64\r\nDescription: x\r\n more\r\n .\r\n"
            + "Maintainer: A\r\n  B <b@example.org>\r\n"
        let package = try #require(try Self.stanzas(text).first)
        #expect(package.name == "p")
        #expect(package.version == "1.0-1")
        #expect(package.arch == "arm64")
        #expect(package.maintainer == "A B <b@example.org>")
    }

    @Test("missing Package or Version, or malformed lines, skip only that stanza")
    func malformedStanzas() throws {
        let text = """
            Package: no-version
            Status: install ok installed

            Version: 1.0
            Status: install ok installed

            Package: bad-line
            Version: 1.0
            this line has no colon

             Package: starts-with-continuation
            Version: 1.0

            Package: bad key
            Bad Key: x
            Version: 1.0

            Package: good
            Version: 1.0



            Package: after-blank-lines
            Version: 2.0
            """
        let packages = try Self.stanzas(text)
        #expect(packages.map(\.name) == ["good", "after-blank-lines"])
    }

    @Test("the same name and version twice collapse into one (the last one's fields)")
    func duplicates() throws {
        let text = "Package: a\nVersion: 1.0\nArchitecture: i386\n\nPackage: b\nVersion: 1\n\n"
            + "Package: a\nVersion: 1.0\nArchitecture: amd64\n\nPackage: a\nVersion: 2.0\n"
        let packages = try Self.stanzas(text)
        #expect(packages.map { "\($0.name)@\($0.version)/\($0.arch ?? "-")" } == ["a@1.0/amd64", "b@1/-", "a@2.0/-"])
    }

    // MARK: - Hostile input

    @Test("hostile input: binary data is rejected, odd text gives no crash")
    func hostile() throws {
        #expect(throws: DpkgStatusError.notText(path: "x")) { try DpkgStatus.parse([0x50, 0x00, 0x41], path: "x") }
        #expect(try DpkgStatus.parse([], path: "x").isEmpty)
        #expect(try DpkgStatus.parse(Array("\n\n\n\r\n".utf8), path: "x").isEmpty)
        #expect(try DpkgStatus.parse(Array(":\n:\n: :".utf8), path: "x").isEmpty)
        // Invalid UTF-8 bytes are decoded with replacement characters; the version stays invalid.
        #expect(try DpkgStatus.parse([0x50, 0x61, 0x63, 0x6b, 0x61, 0x67, 0x65, 0x3a, 0x20, 0xff, 0x0a,
                                      0x56, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x31, 0xfe, 0x0a], path: "x").isEmpty)
        // A long continuation-only stanza and a huge field are handled linearly.
        let huge = "Package: big\nVersion: 1.0\nDescription: x\n" + String(repeating: " line\n", count: 200_000)
        #expect(try Self.stanzas(huge).count == 1)
        let manyStanzas = String(repeating: "Package: p\nVersion: 1.0\n\n", count: 50_000)
        #expect(try Self.stanzas(manyStanzas).count == 1)
    }

    // MARK: - purl

    @Test("purl as trivy writes it, with the epoch as a qualifier")
    func purl() throws {
        let package = try #require(try Self.stanzas("Package: libgcc1\nVersion: 1:8-20180414-1ubuntu2\nArchitecture: amd64\n").first)
        #expect(DpkgStatus.purl(for: package, distro: "ubuntu", versionID: "18.04")
            == "pkg:deb/ubuntu/libgcc1@8-20180414-1ubuntu2?arch=amd64&distro=ubuntu-18.04&epoch=1")
        let bash = Package(type: .dpkg, name: "bash", version: "5.2.15-2+b2", arch: "amd64", filePath: "var/lib/dpkg/status")
        #expect(DpkgStatus.purl(for: bash, distro: "debian", versionID: "12")
            == "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12")
    }
}
