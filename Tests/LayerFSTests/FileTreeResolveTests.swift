import Testing
import Foundation
import LayerFS

@Suite("FileTree symlink resolution")
struct FileTreeResolveTests {
    /// A Debian-like image: merged /usr, alternatives, busybox applets.
    static let debianLike = FileTree(layers: [
        layer([
            sym("bin", "usr/bin"), sym("sbin", "usr/sbin"), sym("lib", "usr/lib"),
            dir("usr"), dir("usr/bin"), dir("usr/sbin"), dir("usr/lib"), dir("etc"), dir("etc/alternatives"),
            reg("usr/bin/bash", size: 1_000, mode: 0o755), reg("usr/bin/vim.basic", size: 3_000, mode: 0o755),
            sym("usr/bin/vi", "/etc/alternatives/vi"), sym("etc/alternatives/vi", "/usr/bin/vim.basic"),
            sym("usr/bin/sh", "dash"), reg("usr/bin/dash", size: 100, mode: 0o755),
            reg("etc/passwd", size: 900),
            sym("usr/lib/os-release", "../../etc/passwd"),
        ]),
        layer([
            dir("opt"), dir("opt/busybox"), reg("opt/busybox/busybox", size: 800_000, mode: 0o755),
            sym("opt/busybox/ls", "busybox"), sym("opt/busybox/cat", "/opt/busybox/busybox"), sym("opt/busybox/wget", "./busybox"),
            sym("usr/lib/evil", "../../../../etc/passwd"), sym("usr/lib/abs-evil", "/../../etc/passwd"),
            sym("usr/local", "../../.."), sym("usr/share", "/usr/lib/../."),
        ]),
    ])

    @Test("merged /usr: bin -> usr/bin", arguments: [
        ("bin/bash", "usr/bin/bash"),
        ("/bin/bash", "usr/bin/bash"),
        ("bin//bash", "usr/bin/bash"),
        ("./bin/./bash", "usr/bin/bash"),
        ("bin", "usr/bin"),
        ("usr/bin/bash", "usr/bin/bash"),
    ])
    func usrmerge(_ path: String, _ expected: String) {
        #expect(Self.debianLike.resolve(path) == expected)
    }

    @Test("relative symlink chains resolve against the link's directory")
    func relativeChains() {
        let tree = Self.debianLike
        #expect(tree.resolve("bin/sh") == "usr/bin/dash")
        #expect(tree.resolve("usr/lib/os-release") == "etc/passwd")
        #expect(tree.resolve("lib/os-release") == "etc/passwd", "the directory a link lives in is its resolved one")
    }

    @Test("absolute symlinks start at the image root: /etc/alternatives chains")
    func alternatives() {
        let tree = Self.debianLike
        #expect(tree.resolve("usr/bin/vi") == "usr/bin/vim.basic")
        #expect(tree.resolve("bin/vi") == "usr/bin/vim.basic")
        #expect(tree.resolveToRegularFile("bin/vi")?.path == "usr/bin/vim.basic")
        #expect(tree.resolveToRegularFile("bin/vi")?.file.size == 3_000)
    }

    @Test("busybox applets resolve to the busybox binary", arguments: ["opt/busybox/ls", "opt/busybox/cat", "opt/busybox/wget"])
    func busyboxApplets(_ applet: String) {
        #expect(Self.debianLike.resolve(applet) == "opt/busybox/busybox")
        #expect(Self.debianLike.resolveToRegularFile(applet)?.file.size == 800_000)
    }

    @Test("'..' is clamped at the image root, as in a chroot")
    func dotDotClamped() {
        let tree = Self.debianLike
        #expect(tree.resolve("usr/lib/evil") == "etc/passwd")
        #expect(tree.resolve("usr/lib/abs-evil") == "etc/passwd")
        #expect(tree.resolve("../../../etc/passwd") == "etc/passwd")
        #expect(tree.resolve("usr/../../etc/passwd") == "etc/passwd")
        #expect(tree.resolveToRegularFile("usr/lib/evil")?.file.size == 900, "the image's passwd, not the host's")
    }

    @Test("'..' after a symlinked directory goes up from where the link points")
    func dotDotAfterSymlink() {
        let tree = FileTree(layers: [layer([
            dir("a"), dir("real"), dir("real/sub"), sym("a/link", "../real/sub"), reg("real/file"), reg("a/file"),
        ])])
        #expect(tree.resolve("a/link/../file") == "real/file")
    }

    @Test("a link to the root's parent resolves to the root")
    func linkToRoot() {
        let tree = Self.debianLike
        #expect(tree.resolve("usr/local") == "")
        #expect(tree.resolve("usr/local/etc/passwd") == "etc/passwd")
        #expect(tree.resolve("usr/share") == "usr", "/usr/lib/../. is /usr")
        #expect(tree.resolve("usr/share/bin/bash") == "usr/bin/bash")
        #expect(tree.resolve("") == "")
        #expect(tree.resolve("/") == "")
    }

    @Test("followFinalSymlink: false stops at the last component but follows the ones before")
    func noFollowFinal() {
        let tree = Self.debianLike
        #expect(tree.resolve("bin/vi", followFinalSymlink: false) == "usr/bin/vi")
        #expect(tree.resolve("bin", followFinalSymlink: false) == "bin")
        #expect(tree.resolve("usr/bin/vi", followFinalSymlink: true) == "usr/bin/vim.basic")
    }

    @Test("symlink loops resolve to nil")
    func loops() {
        let tree = FileTree(layers: [layer([
            sym("self", "self"), sym("a", "b"), sym("b", "a"),
            dir("d"), sym("d/up", "../d/up"), sym("x", "y/z"), sym("y", "x"),
        ])])
        #expect(tree.resolve("self") == nil)
        #expect(tree.resolve("a") == nil)
        #expect(tree.resolve("b/anything") == nil)
        #expect(tree.resolve("d/up") == nil)
        #expect(tree.resolve("x") == nil)
        #expect(tree.resolveToRegularFile("a") == nil)
        // Not following the final link means no loop is entered.
        #expect(tree.resolve("self", followFinalSymlink: false) == "self")
    }

    /// A chain `l0 -> l1 -> … -> l(hops-1) -> target` needs exactly `hops` symlink hops.
    static func chain(hops: Int) -> FileTree {
        var files = [reg("target", size: 42)]
        for i in 0..<hops {
            files.append(sym("l\(i)", i == hops - 1 ? "target" : "l\(i + 1)"))
        }
        return FileTree(layers: [layer(files)])
    }

    @Test("up to 40 symlink hops are followed; the 41st fails", arguments: [1, 39, 40])
    func hopLimitAllowed(_ hops: Int) {
        let tree = Self.chain(hops: hops)
        #expect(tree.resolve("l0") == "target")
        #expect(tree.resolveToRegularFile("l0")?.file.size == 42)
    }

    @Test("a chain of 41 hops is refused")
    func hopLimitExceeded() {
        let tree = Self.chain(hops: 41)
        #expect(tree.resolve("l0") == nil)
        #expect(tree.resolve("l1") == "target", "from the second link it is 40 hops")
    }

    @Test("missing paths and paths through files resolve to nil")
    func missing() {
        let tree = Self.debianLike
        #expect(tree.resolve("usr/bin/nope") == nil)
        #expect(tree.resolve("etc/passwd/inside") == nil)
        #expect(tree.resolve("nowhere/at/all") == nil)
        #expect(tree.resolveToRegularFile("usr/bin") == nil, "a directory is not a regular file")
    }

    @Test("deleted paths do not resolve; nor do links to them")
    func deleted() {
        let tree = FileTree(layers: [
            layer([reg("usr/bin/python3.11"), sym("usr/bin/python3", "python3.11")]),
            layer([], whiteouts: ["usr/bin/python3.11"]),
        ])
        #expect(tree.resolve("usr/bin/python3.11") == nil)
        #expect(tree.resolve("usr/bin/python3") == nil)
        #expect(tree.resolve("usr/bin/python3", followFinalSymlink: false) == "usr/bin/python3")
    }

    @Test("resolveToRegularFile follows hard links to their target")
    func hardLinks() throws {
        let tree = FileTree(layers: [layer([
            reg("usr/bin/perl5.36.0", size: 4_000, mode: 0o755), hard("usr/bin/perl", "usr/bin/perl5.36.0"),
            sym("usr/local/bin/perl", "/usr/bin/perl"), hard("orphan", "usr/bin/gone"),
        ])])
        #expect(tree.resolve("usr/local/bin/perl") == "usr/bin/perl", "resolve does not touch hard links")
        let viaLink = try #require(tree.resolveToRegularFile("usr/local/bin/perl"))
        #expect(viaLink.path == "usr/bin/perl5.36.0")
        #expect(viaLink.file.kind == .regular)
        #expect(viaLink.file.size == 4_000)
        #expect(tree.resolveToRegularFile("usr/bin/perl")?.path == "usr/bin/perl5.36.0")
        // A hard link whose target is not in the merged tree still names a file of its own.
        #expect(tree.resolveToRegularFile("orphan")?.file.kind == .hardLink)
    }

    @Test("resolution never looks at the host filesystem")
    func hostIsolation() throws {
        #expect(FileManager.default.fileExists(atPath: "/etc/passwd"), "precondition: the host has /etc/passwd")
        let empty = FileTree()
        #expect(empty.resolve("etc/passwd") == nil)
        #expect(empty.resolve("/etc/passwd") == nil)
        #expect(empty.resolveToRegularFile("etc/passwd") == nil)
        #expect(empty.resolve("tmp") == nil)

        // A link to a host path that the image lacks is dangling inside the image.
        let tree = FileTree(layers: [layer([sym("hostlink", "/etc/passwd"), sym("up", "../../../../etc/hostname"), sym("proc", "/proc/self")])])
        #expect(tree.resolve("hostlink") == nil)
        #expect(tree.resolve("up") == nil)
        #expect(tree.resolve("proc/self/environ") == nil)
        #expect(tree.resolveToRegularFile("hostlink") == nil)
    }
}
