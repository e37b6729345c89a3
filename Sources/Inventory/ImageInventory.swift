import LayerFS

/// The packages an image holds as a container sees it, each attributed to the layer that brought it.
public struct ImageInventory: Sendable {
    public var os: DetectedOS?
    public var packages: [Package]
    /// Databases or files that could not be read, as `path: reason`.
    public var warnings: [String]

    public init(os: DetectedOS?, packages: [Package], warnings: [String]) {
        self.os = os
        self.packages = packages
        self.warnings = warnings
    }

    /// Assembles the inventory from each layer's visitor and the merged tree: only databases and package files still
    /// visible count, and a package is attributed to the earliest layer from which its record is continuously present.
    public static func assemble(layers: [InventoryVisitor], tree: FileTree) -> ImageInventory {
        var systemFiles: [String: [UInt8]] = [:]
        var warnings: [String] = []
        var packages: [Package] = []
        for (index, layer) in layers.enumerated() {
            for (path, content) in layer.os.systemFiles where tree.file(at: path)?.layer == index {
                systemFiles[path] = content
            }
            for (path, problem) in layer.os.problems.sorted(by: { $0.key < $1.key }) where tree.file(at: path)?.layer == index {
                warnings.append("/\(path) (layer \(index + 1)): \(problem)")
            }
            for (path, found) in layer.os.databases where tree.file(at: path)?.layer == index {
                for var package in found {
                    package.layer = introducingLayer(of: package, path: path, upTo: index, layers: layers)
                    packages.append(package)
                }
            }
            for var package in layer.languages.packages {
                // Nested archives (`app.jar/lib/x.jar`) live in their outermost file.
                let outer = outermostFile(package.filePath, tree: tree)
                guard tree.file(at: outer)?.layer == index else { continue }
                package.layer = index
                packages.append(package)
            }
        }
        return ImageInventory(os: OSDetector.detect(systemFiles), packages: packages, warnings: warnings)
    }

    /// Walks back from the visible database version while earlier versions of the same file list the package.
    static func introducingLayer(of package: Package, path: String, upTo index: Int, layers: [InventoryVisitor]) -> Int {
        var layer = index
        while layer > 0 {
            guard let earlier = layers[layer - 1].os.databases[path],
                  earlier.contains(where: { $0.name == package.name && $0.fullVersion == package.fullVersion && $0.arch == package.arch })
            else { break }
            layer -= 1
        }
        return layer
    }

    static func outermostFile(_ path: String, tree: FileTree) -> String {
        if tree.record(at: path) != nil { return path }
        var candidate = ""
        for component in path.split(separator: "/") {
            candidate = candidate.isEmpty ? String(component) : candidate + "/" + component
            if let record = tree.record(at: candidate), record.file.kind == .regular { return candidate }
        }
        return path
    }
}
