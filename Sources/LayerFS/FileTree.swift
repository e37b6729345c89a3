/// How one layer changed one path.
public struct PathVersion: Sendable, Hashable {
    public enum Change: String, Sendable, Codable { case added, modified, deleted }
    public var layer: Int
    public var change: Change
    /// Bytes of this version (0 for deletions and non-regular files).
    public var size: Int64

    public init(layer: Int, change: Change, size: Int64) {
        self.layer = layer
        self.change = change
        self.size = size
    }
}

/// A path of the merged image with its full layer history.
public struct MergedFile: Sendable {
    public var path: String
    /// The newest metadata written for the path (even if a later layer deleted it).
    public var file: LayerFile
    public var versions: [PathVersion]
    public var isVisible: Bool

    /// The layer whose version is the one a container sees (or last saw, if deleted).
    public var layer: Int { versions.last(where: { $0.change != .deleted })?.layer ?? 0 }
    /// The layer that first added the path.
    public var addedIn: Int { versions.first?.layer ?? 0 }
    /// Layers that rewrote the path after it was added.
    public var modifiedIn: [Int] { versions.filter { $0.change == .modified }.map(\.layer) }
    /// Layers that deleted it (whiteout, opaque directory or replacement by a non-directory).
    public var deletedIn: [Int] { versions.filter { $0.change == .deleted }.map(\.layer) }
}

/// The union of an image's layers as a container sees it, keeping every path's history for waste and forensics.
/// Whiteouts and opaque directories are applied as the OCI image spec describes; deleted paths stay recorded, hidden.
public struct FileTree: Sendable {
    struct Node: Sendable {
        var path: String
        var parent: Int32
        var children: [Int32] = []
        var file: LayerFile?
        var versions: [PathVersion] = []
        var visible = true
    }

    private(set) var nodes: [Node]
    private var lookup: [String: Int32]
    public private(set) var layerCount = 0

    public init() {
        nodes = [Node(path: "", parent: -1, file: nil)]
        lookup = ["": 0]
    }

    public init(layers: [LayerIndex]) {
        self.init()
        for layer in layers { apply(layer) }
    }

    /// Applies the next layer on top of those already applied.
    public mutating func apply(_ layer: LayerIndex) {
        let layerNumber = layerCount
        layerCount += 1
        for directory in layer.opaqueDirectories {
            guard let node = lookup[directory], nodes[Int(node)].visible else { continue }
            for child in nodes[Int(node)].children { hide(child, layer: layerNumber) }
        }
        for path in layer.whiteouts {
            guard let node = lookup[path], nodes[Int(node)].visible, node != 0 else { continue }
            hide(node, layer: layerNumber)
        }
        for file in layer.files {
            let node = ensureNode(file.path, layer: layerNumber)
            let wasVisibleFile = nodes[Int(node)].visible && nodes[Int(node)].file != nil
            if let old = nodes[Int(node)].file, old.kind == .directory, file.kind != .directory, nodes[Int(node)].visible {
                for child in nodes[Int(node)].children { hide(child, layer: layerNumber) }
            }
            let size = file.kind == .regular ? file.size : 0
            nodes[Int(node)].versions.append(PathVersion(layer: layerNumber, change: wasVisibleFile ? .modified : .added, size: size))
            nodes[Int(node)].file = file
            nodes[Int(node)].visible = true
        }
    }

    private mutating func ensureNode(_ path: String, layer: Int) -> Int32 {
        if let existing = lookup[path] {
            if !nodes[Int(existing)].visible { revealAncestors(of: existing) }
            return existing
        }
        let parentPath = ImagePath.parent(path)
        let parent = ensureNode(parentPath, layer: layer)
        let node = Int32(nodes.count)
        nodes.append(Node(path: path, parent: parent))
        nodes[Int(parent)].children.append(node)
        lookup[path] = node
        revealAncestors(of: node)
        return node
    }

    /// A file added below a deleted directory brings the directory back (as tar extraction would create it).
    private mutating func revealAncestors(of node: Int32) {
        var current = nodes[Int(node)].parent
        while current > 0, !nodes[Int(current)].visible {
            nodes[Int(current)].visible = true
            current = nodes[Int(current)].parent
        }
    }

    private mutating func hide(_ node: Int32, layer: Int) {
        var stack = [node]
        while let current = stack.popLast() {
            guard nodes[Int(current)].visible else { continue }
            nodes[Int(current)].visible = false
            if nodes[Int(current)].file != nil {
                nodes[Int(current)].versions.append(PathVersion(layer: layer, change: .deleted, size: 0))
            }
            stack.append(contentsOf: nodes[Int(current)].children)
        }
    }

    private func merged(_ node: Node) -> MergedFile? {
        guard let file = node.file else { return nil }
        return MergedFile(path: node.path, file: file, versions: node.versions, isVisible: node.visible)
    }

    /// The visible file at exactly `path` (no link resolution).
    public func file(at path: String) -> MergedFile? {
        guard let node = lookup[path], nodes[Int(node)].visible else { return nil }
        return merged(nodes[Int(node)])
    }

    /// The history of a path whether or not it is still visible.
    public func record(at path: String) -> MergedFile? {
        guard let node = lookup[path] else { return nil }
        return merged(nodes[Int(node)])
    }

    /// Every path ever written, visible or deleted, in no particular order.
    public var allFiles: [MergedFile] { nodes.compactMap(merged) }

    /// Every path a container sees.
    public var visibleFiles: [MergedFile] { nodes.compactMap { $0.visible ? merged($0) : nil } }

    /// Whether anything visible lives below `path`, counting directories that only exist implicitly
    /// (created by their children's names without an entry of their own).
    public func hasVisibleEntries(under path: String) -> Bool {
        guard let node = lookup[path], nodes[Int(node)].visible else { return false }
        return nodes[Int(node)].children.contains { nodes[Int($0)].visible }
    }

    /// Visible entries directly inside a directory.
    public func children(of path: String) -> [MergedFile] {
        guard let node = lookup[path] else { return [] }
        return nodes[Int(node)].children.compactMap { nodes[Int($0)].visible ? merged(nodes[Int($0)]) : nil }
    }

    /// Resolves symlinks in every component of `path` inside the image root, as a chroot would:
    /// absolute targets start at the image root and `..` stops at it. Returns nil for missing paths or loops.
    public func resolve(_ path: String, followFinalSymlink: Bool = true) -> String? {
        var pending = Array(path.split(separator: "/").reversed().map(String.init))
        var resolved: [String] = []
        var hops = 0
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = (resolved + [component]).joined(separator: "/")
            guard let node = lookup[candidate], nodes[Int(node)].visible else { return nil }
            if let file = nodes[Int(node)].file, file.kind == .symlink, let target = file.linkTarget,
               !pending.isEmpty || followFinalSymlink {
                hops += 1
                guard hops <= 40 else { return nil }
                if target.hasPrefix("/") { resolved.removeAll() }
                pending.append(contentsOf: target.split(separator: "/").reversed().map(String.init))
            } else {
                resolved.append(component)
            }
        }
        return resolved.joined(separator: "/")
    }

    /// The regular file a path finally names: symlinks followed, hard links taken to their target.
    public func resolveToRegularFile(_ path: String) -> MergedFile? {
        guard let resolved = resolve(path), var file = file(at: resolved) else { return nil }
        if file.file.kind == .hardLink, let target = file.file.linkTarget, let linked = self.file(at: target) {
            file = linked
        }
        return file.file.kind == .regular || file.file.kind == .hardLink ? file : nil
    }
}
