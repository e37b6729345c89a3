import Testing
import LayerFS

@Suite("ImagePath")
struct ImagePathTests {
    @Test("normalise keeps names inside the root", arguments: [
        ("", "", false),
        (".", "", false),
        ("./", "", false),
        ("/", "", true),
        ("etc/passwd", "etc/passwd", false),
        ("/etc/passwd", "etc/passwd", true),
        ("./etc/passwd", "etc/passwd", false),
        ("etc//passwd", "etc/passwd", false),
        ("etc/./passwd", "etc/passwd", false),
        ("usr/bin/", "usr/bin", false),
        ("a/b/../c", "a/c", false),
        ("a/..", "", false),
        ("a/b/../../c/./d/", "c/d", false),
        ("//double/leading", "double/leading", true),
        ("...", "...", false),
        ("..hidden", "..hidden", false),
        ("dir/..dots../x", "dir/..dots../x", false),
        ("ünïcödé/名前", "ünïcödé/名前", false),
    ])
    func normaliseInside(_ name: String, _ path: String, _ absolute: Bool) {
        #expect(ImagePath.normalise(name) == .inside(path, wasAbsolute: absolute))
    }

    @Test("normalise reports names that climb above the root", arguments: [
        "..", "../", "../etc/passwd", "./../x", "a/../../b", "a/b/../../..", "/..", "/../etc/shadow", "x/./../../y",
    ])
    func normaliseEscapes(_ name: String) {
        #expect(ImagePath.normalise(name) == .escapes)
    }

    @Test("linkEscapesRoot reads targets relative to the link's directory", arguments: [
        ("../x", "a/link", false),
        ("../../x", "a/link", true),
        ("../../x", "a/b/link", false),
        ("../../../../etc/passwd", "usr/lib/x", true),
        ("../../etc/passwd", "usr/lib/x", false),
        ("/etc/passwd", "deep/in/tree/link", false),
        ("/../etc/passwd", "link", true),
        ("x", "link", false),
        ("..", "link", true),
        (".", "link", false),
        ("a/../../b", "link", true),
        ("a/../b", "link", false),
        ("", "link", false),
    ])
    func linkEscapes(_ target: String, _ link: String, _ escapes: Bool) {
        #expect(ImagePath.linkEscapesRoot(target, from: link) == escapes)
    }

    @Test("resolveLinkTarget joins and clamps like a chroot", arguments: [
        ("../../../../etc/passwd", "usr/lib/x", "etc/passwd"),
        ("/usr/bin/vim.basic", "etc/alternatives/vi", "usr/bin/vim.basic"),
        ("busybox", "bin/sh", "bin/busybox"),
        ("./busybox", "bin/sh", "bin/busybox"),
        ("../lib/x.so", "usr/bin/tool", "usr/lib/x.so"),
        ("target", "toplevel-link", "target"),
        ("/", "a/b", ""),
        ("..", "a", ""),
        ("//a//b/", "x/y", "a/b"),
    ])
    func resolveLinkTarget(_ target: String, _ link: String, _ expected: String) {
        #expect(ImagePath.resolveLinkTarget(target, from: link) == expected)
    }

    @Test("parent, baseName and display")
    func components() {
        #expect(ImagePath.parent("usr/bin/ls") == "usr/bin")
        #expect(ImagePath.parent("ls") == "")
        #expect(ImagePath.parent("") == "")
        #expect(ImagePath.baseName("usr/bin/ls") == "ls")
        #expect(ImagePath.baseName("ls") == "ls")
        #expect(ImagePath.baseName("") == "")
        #expect(ImagePath.display("etc/passwd") == "/etc/passwd")
        #expect(ImagePath.display("") == "/")
    }
}
