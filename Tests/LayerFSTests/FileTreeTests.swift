import Testing
import LayerFS

func reg(_ path: String, size: Int64 = 1, mode: UInt32 = 0o644) -> LayerFile {
    LayerFile(TarEntry(path: path, kind: .regular, size: size, mode: mode))
}

func dir(_ path: String) -> LayerFile {
    LayerFile(TarEntry(path: path, kind: .directory, mode: 0o755))
}

func sym(_ path: String, _ target: String) -> LayerFile {
    LayerFile(TarEntry(path: path, kind: .symlink, mode: 0o777, linkTarget: target))
}

func hard(_ path: String, _ target: String) -> LayerFile {
    LayerFile(TarEntry(path: path, kind: .hardLink, linkTarget: target))
}

func layer(_ files: [LayerFile], whiteouts: [String] = [], opaque: [String] = []) -> LayerIndex {
    LayerIndex(files: files, whiteouts: whiteouts, opaqueDirectories: opaque)
}

func changes(_ file: MergedFile?) -> [String] {
    (file?.versions ?? []).map { "\($0.change.rawValue)@\($0.layer)" }
}

@Suite("FileTree layering")
struct FileTreeTests {
    @Test("layers stack: later files are modifications of earlier ones")
    func stacking() throws {
        let tree = FileTree(layers: [
            layer([dir("etc"), reg("etc/hosts", size: 10), reg("etc/motd", size: 5)]),
            layer([reg("etc/hosts", size: 20)]),
            layer([reg("etc/hosts", size: 30), reg("etc/new", size: 7)]),
        ])
        #expect(tree.layerCount == 3)
        let hosts = try #require(tree.file(at: "etc/hosts"))
        #expect(hosts.file.size == 30)
        #expect(hosts.isVisible)
        #expect(changes(hosts) == ["added@0", "modified@1", "modified@2"])
        #expect(hosts.versions.map(\.size) == [10, 20, 30])
        #expect(hosts.addedIn == 0)
        #expect(hosts.modifiedIn == [1, 2])
        #expect(hosts.deletedIn == [])
        #expect(hosts.layer == 2)
        #expect(tree.file(at: "etc/motd")?.layer == 0)
        #expect(tree.file(at: "etc/new")?.addedIn == 2)
        #expect(Set(tree.visibleFiles.map(\.path)) == ["etc", "etc/hosts", "etc/motd", "etc/new"])
        #expect(Set(tree.children(of: "etc").map(\.path)) == ["etc/hosts", "etc/motd", "etc/new"])
    }

    @Test("parent directories never written by a layer exist implicitly but are not files")
    func implicitParents() {
        let tree = FileTree(layers: [layer([reg("usr/local/bin/tool")])])
        #expect(tree.file(at: "usr/local/bin/tool") != nil)
        #expect(tree.file(at: "usr/local") == nil)
        #expect(tree.children(of: "usr/local/bin").map(\.path) == ["usr/local/bin/tool"])
        #expect(tree.resolve("usr/local/bin/tool") == "usr/local/bin/tool")
        #expect(tree.allFiles.map(\.path) == ["usr/local/bin/tool"])
    }

    @Test("a whiteout deletes a file and keeps its history")
    func whiteoutFile() throws {
        let tree = FileTree(layers: [
            layer([dir("etc"), reg("etc/secret", size: 64)]),
            layer([], whiteouts: ["etc/secret"]),
        ])
        #expect(tree.file(at: "etc/secret") == nil)
        let record = try #require(tree.record(at: "etc/secret"))
        #expect(!record.isVisible)
        #expect(changes(record) == ["added@0", "deleted@1"])
        #expect(record.deletedIn == [1])
        #expect(record.layer == 0, "the last version a container saw")
        #expect(record.file.size == 64)
        #expect(tree.file(at: "etc") != nil)
        #expect(tree.children(of: "etc").isEmpty)
        #expect(tree.allFiles.count == 2)
        #expect(tree.visibleFiles.map(\.path) == ["etc"])
    }

    @Test("a whiteout of a directory hides its subtree and records a deletion for each file in it")
    func whiteoutDirectory() throws {
        let tree = FileTree(layers: [
            layer([dir("var"), dir("var/cache"), dir("var/cache/apt"), reg("var/cache/apt/a.bin", size: 100),
                   dir("var/cache/apt/archives"), reg("var/cache/apt/archives/x.deb", size: 200), reg("var/keep")]),
            layer([], whiteouts: ["var/cache"]),
        ])
        for path in ["var/cache", "var/cache/apt", "var/cache/apt/a.bin", "var/cache/apt/archives", "var/cache/apt/archives/x.deb"] {
            #expect(tree.file(at: path) == nil, "\(path) should be hidden")
            #expect(tree.record(at: path)?.deletedIn == [1], "\(path) should record its deletion")
        }
        #expect(tree.file(at: "var/keep") != nil)
        #expect(tree.resolve("var/cache/apt/a.bin") == nil)
        #expect(Set(tree.visibleFiles.map(\.path)) == ["var", "var/keep"])
    }

    @Test("whiteouts of missing or already deleted paths change nothing")
    func whiteoutOfMissing() {
        let tree = FileTree(layers: [
            layer([reg("a")]),
            layer([], whiteouts: ["a", "never-existed", "dir/never"]),
            layer([], whiteouts: ["a"]),
        ])
        #expect(tree.record(at: "a")?.deletedIn == [1], "deleting twice records one deletion")
        #expect(tree.record(at: "never-existed") == nil)
        #expect(tree.visibleFiles.isEmpty)
    }

    @Test("an opaque directory hides the lower layers' children but keeps the same layer's additions")
    func opaqueDirectory() throws {
        let tree = FileTree(layers: [
            layer([dir("etc"), dir("etc/app"), reg("etc/app/old.conf"), dir("etc/app/conf.d"), reg("etc/app/conf.d/10.conf"),
                   reg("etc/other")]),
            layer([dir("etc/app"), reg("etc/app/new.conf", size: 9)], opaque: ["etc/app"]),
        ])
        #expect(tree.file(at: "etc/app") != nil)
        #expect(tree.file(at: "etc/app/new.conf")?.file.size == 9)
        #expect(tree.file(at: "etc/app/old.conf") == nil)
        #expect(tree.file(at: "etc/app/conf.d") == nil)
        #expect(tree.file(at: "etc/app/conf.d/10.conf") == nil)
        #expect(tree.record(at: "etc/app/conf.d/10.conf")?.deletedIn == [1])
        #expect(tree.children(of: "etc/app").map(\.path) == ["etc/app/new.conf"])
        #expect(tree.file(at: "etc/other") != nil, "siblings of the opaque directory are untouched")
        #expect(changes(tree.file(at: "etc/app")) == ["added@0", "modified@1"], "the opaque directory itself stays")
    }

    @Test("an opaque marker re-adding a path the lower layer had shows it as a new addition")
    func opaqueReAdd() {
        let tree = FileTree(layers: [
            layer([dir("d"), reg("d/same", size: 1)]),
            layer([dir("d"), reg("d/same", size: 2)], opaque: ["d"]),
        ])
        #expect(changes(tree.file(at: "d/same")) == ["added@0", "deleted@1", "added@1"])
        #expect(tree.file(at: "d/same")?.file.size == 2)
    }

    @Test("a path deleted and later re-added is visible again with its whole history")
    func reAddDeleted() throws {
        let tree = FileTree(layers: [
            layer([reg("opt/tool", size: 1)]),
            layer([], whiteouts: ["opt/tool"]),
            layer([reg("opt/tool", size: 3)]),
            layer([reg("opt/tool", size: 4)]),
        ])
        let tool = try #require(tree.file(at: "opt/tool"))
        #expect(changes(tool) == ["added@0", "deleted@1", "added@2", "modified@3"])
        #expect(tool.addedIn == 0)
        #expect(tool.deletedIn == [1])
        #expect(tool.modifiedIn == [3])
        #expect(tool.layer == 3)
    }

    @Test("a file added under a deleted directory brings the directory back, without its old children")
    func addUnderDeletedDirectory() {
        let tree = FileTree(layers: [
            layer([dir("srv"), dir("srv/data"), reg("srv/data/old")]),
            layer([], whiteouts: ["srv/data"]),
            layer([reg("srv/data/new")]),
        ])
        #expect(tree.file(at: "srv/data/new") != nil)
        #expect(tree.file(at: "srv/data") != nil)
        #expect(tree.file(at: "srv/data/old") == nil)
        #expect(tree.children(of: "srv/data").map(\.path) == ["srv/data/new"])
        #expect(tree.resolve("srv/data/new") == "srv/data/new")
    }

    @Test("a file replacing a directory deletes everything under it")
    func fileReplacesDirectory() throws {
        let tree = FileTree(layers: [
            layer([dir("opt"), dir("opt/app"), reg("opt/app/bin", size: 5), reg("opt/readme", size: 6)]),
            layer([reg("opt", size: 7)]),
        ])
        let opt = try #require(tree.file(at: "opt"))
        #expect(opt.file.kind == .regular)
        #expect(changes(opt) == ["added@0", "modified@1"])
        #expect(opt.versions.map(\.size) == [0, 7], "directories have no size")
        for path in ["opt/app", "opt/app/bin", "opt/readme"] {
            #expect(tree.file(at: path) == nil)
            #expect(tree.record(at: path)?.deletedIn == [1])
        }
        #expect(tree.children(of: "opt").isEmpty)
    }

    @Test("a directory replacing a file keeps the node and records a modification")
    func directoryReplacesFile() {
        let tree = FileTree(layers: [
            layer([reg("data", size: 3)]),
            layer([dir("data"), reg("data/inner")]),
        ])
        #expect(tree.file(at: "data")?.file.kind == .directory)
        #expect(changes(tree.file(at: "data")) == ["added@0", "modified@1"])
        #expect(tree.file(at: "data/inner") != nil)
    }

    @Test("a whiteout and a new file for the same path in one layer: the new file wins")
    func whiteoutAndAddInSameLayer() {
        let tree = FileTree(layers: [
            layer([reg("x", size: 1)]),
            layer([reg("x", size: 2)], whiteouts: ["x"]),
        ])
        #expect(tree.file(at: "x")?.file.size == 2)
        #expect(changes(tree.file(at: "x")) == ["added@0", "deleted@1", "added@1"])
    }

    @Test("apply adds one layer at a time")
    func incrementalApply() {
        var tree = FileTree()
        #expect(tree.layerCount == 0)
        #expect(tree.visibleFiles.isEmpty)
        tree.apply(layer([reg("a")]))
        tree.apply(layer([], whiteouts: ["a"]))
        #expect(tree.layerCount == 2)
        #expect(tree.file(at: "a") == nil)
        #expect(tree.record(at: "a")?.deletedIn == [1])
    }

    @Test("a whiteout of the root is ignored")
    func rootWhiteoutIgnored() {
        let tree = FileTree(layers: [layer([reg("a")]), layer([], whiteouts: [""])])
        #expect(tree.file(at: "a") != nil)
    }
}
