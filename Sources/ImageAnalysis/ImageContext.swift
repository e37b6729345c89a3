import Compression
public import LayerFS
public import OCIImage
public import OCIModel
import Foundation

/// Everything the rules look at, computed once: the image, each layer's index and content, the merged tree,
/// the base-image split and the OS.
public struct ImageContext: Sendable {
    public let image: Image
    public let scans: [LayerScan<ContentCollector>]
    public let tree: FileTree
    public let base: BaseImage
    public let os: OperatingSystem?
    /// System files as the container sees them (from the layer whose version is visible).
    public let systemFiles: [String: [UInt8]]
    /// Installed packages as the container sees them.
    public let packages: [String]
    /// History entries per layer (nil where history does not cover the layer).
    public let layerHistory: [History?]

    public init(image: Image, scans: [LayerScan<ContentCollector>]) {
        self.image = image
        self.scans = scans
        self.tree = FileTree(layers: scans.map(\.index))
        var visible: [String: [UInt8]] = [:]
        var databases: [String: [String]] = [:]
        for (index, scan) in scans.enumerated() {
            for (path, content) in scan.visitor.systemFiles where tree.file(at: path)?.layer == index {
                visible[path] = content
            }
            for (path, names) in scan.visitor.packageDatabases where tree.file(at: path)?.layer == index {
                databases[path] = names
            }
        }
        systemFiles = visible
        packages = Array(Set(databases.values.joined())).sorted()
        os = OperatingSystem.detect(visible)
        let history = image.config.layerHistory
        layerHistory = image.layers.indices.map { history.count == image.layers.count ? history[$0] : nil }
        // The base's own package count is what its top layer's database lists, before the application added any.
        let provisional = BaseImage.identify(image: image, tree: tree, os: os, packageCount: packages.count, systemFiles: visible)
        if provisional.layerCount > 0, provisional.layerCount < scans.count,
           let baseDatabase = scans[..<provisional.layerCount].last(where: { !$0.visitor.packageDatabases.isEmpty }) {
            var adjusted = provisional
            adjusted.packageCount = Set(baseDatabase.visitor.packageDatabases.values.joined()).count
            base = adjusted
        } else {
            base = provisional
        }
    }

    public func origin(ofLayer layer: Int) -> Origin {
        switch base.evidence {
        case .none: .unknown
        default: base.layerCount > layer ? .base : .application
        }
    }

    public func digest(ofLayer layer: Int) -> String? {
        (image.layers[layer].digest ?? image.layers[layer].diffID)?.description
    }

    /// The image's `PATH`, as the runtime would search it (Docker's default when Env sets none).
    public var searchPath: [String] {
        let fromEnv = image.config.config?.env?.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        return (fromEnv ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":").map(String.init)
    }

    /// The regular file a command name runs: absolute paths directly, bare names through `searchPath`.
    public func resolveCommand(_ command: String) -> MergedFile? {
        if command.contains("/") { return tree.resolveToRegularFile(String(command.drop { $0 == "/" })) }
        for directory in searchPath {
            let path = (directory.drop { $0 == "/" }) + "/" + command
            if let file = tree.resolveToRegularFile(String(path)) { return file }
        }
        return nil
    }

    /// The command line a container runs (Entrypoint + Cmd).
    public var command: [String] {
        (image.config.config?.entrypoint ?? []) + (image.config.config?.cmd ?? [])
    }
}
