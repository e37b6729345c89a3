import Compression
import LayerFS
import OCIImage
import OCIModel
import Foundation

/// Which layers came from the base image, how we know, and what kind of base it is (lint-rules.md §4.2).
public struct BaseImage: Codable, Sendable {
    public enum Evidence: String, Codable, Sendable {
        /// `org.opencontainers.image.base.name`/`.digest` annotations or labels.
        case annotation
        /// The history heuristic: everything up to the base's own trailing CMD.
        case history
        /// The first layer unpacks a whole root filesystem (ADD file:…, debootstrap, mmdebstrap).
        case rootfsLayer = "rootfs-layer"
        /// The image is a single layer: it is a base image itself.
        case singleLayer = "single-layer"
        case none
    }

    public enum Kind: String, Codable, Sendable {
        case scratch, distroless, alpine, wolfi, slim, full, unknown
    }

    public var layerCount: Int
    public var evidence: Evidence
    public var name: String?
    public var digest: String?
    public var kind: Kind
    public var minimal: Bool
    /// Bytes the container sees that come from the base layers.
    public var visibleBytes: Int64
    public var packageCount: Int

    static func identify(image: Image, tree: FileTree, os: OperatingSystem?, packageCount: Int, systemFiles: [String: [UInt8]]) -> BaseImage {
        let annotations = image.annotations
        let layerCount = image.layers.count
        var evidence = Evidence.none
        var count = 0
        if let annotated = annotations["org.opencontainers.image.base.digest"] ?? annotations["org.opencontainers.image.base.name"],
           !annotated.isEmpty, let guess = historyBaseCount(image.config) ?? rootfsBaseCount(image.config, layerCount: layerCount) {
            evidence = .annotation
            count = guess
        } else if let guess = historyBaseCount(image.config), guess > 0, guess < layerCount {
            evidence = .history
            count = guess
        } else if layerCount == 1 {
            evidence = .singleLayer
            count = 1
        } else if let guess = rootfsBaseCount(image.config, layerCount: layerCount) {
            evidence = .rootfsLayer
            count = guess
        }
        let kind = classify(tree: tree, os: os, packageCount: packageCount, systemFiles: systemFiles)
        var visibleBytes: Int64 = 0
        if count > 0 {
            for file in tree.visibleFiles where file.layer < count && file.file.kind == .regular { visibleBytes += file.file.size }
        }
        return BaseImage(layerCount: count, evidence: evidence,
                         name: annotations["org.opencontainers.image.base.name"], digest: annotations["org.opencontainers.image.base.digest"],
                         kind: kind, minimal: [.scratch, .distroless, .alpine, .wolfi, .slim].contains(kind),
                         visibleBytes: visibleBytes, packageCount: packageCount)
    }

    /// Trivy's heuristic: walking history backwards past the image's own trailing config entries, the first empty
    /// `CMD` entry closes the base image; its layers are the non-empty entries before it.
    static func historyBaseCount(_ config: ImageConfig) -> Int? {
        guard let history = config.history, !history.isEmpty else { return nil }
        var seenLayer = false
        for index in history.indices.reversed() {
            let entry = history[index]
            if entry.emptyLayer != true { seenLayer = true; continue }
            guard seenLayer else { continue }
            let text = (entry.createdBy ?? "").trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("/bin/sh -c #(nop)  CMD") || text.hasPrefix("CMD") {
                return history[..<index].filter { $0.emptyLayer != true }.count
            }
        }
        return nil
    }

    /// The bottom layer is a whole root filesystem when history says it was unpacked from a rootfs tarball.
    static func rootfsBaseCount(_ config: ImageConfig, layerCount: Int) -> Int? {
        guard layerCount > 1, let first = config.layerHistory.first?.createdBy else { return nil }
        let markers = ["ADD file:", "#(nop) ADD file:", "mmdebstrap", "debootstrap", "ADD rootfs", "ADD alpine-minirootfs", "apko"]
        return markers.contains(where: first.contains) ? 1 : nil
    }

    static func classify(tree: FileTree, os: OperatingSystem?, packageCount: Int, systemFiles: [String: [UInt8]]) -> Kind {
        guard let os else {
            let files = tree.visibleFiles.filter { $0.file.kind != .directory }.count
            return files < 200 && tree.resolve("bin/sh") == nil ? .scratch : .unknown
        }
        if (os.prettyName ?? "").contains("Distroless") { return .distroless }
        switch os.id {
        case "alpine": return .alpine
        case "wolfi", "chainguard": return .wolfi
        case "debian", "ubuntu":
            // Slim variants drop man pages and docs through dpkg path excludes and keep ~100 packages or fewer.
            let hasManPages = (1...8).contains { tree.hasVisibleEntries(under: "usr/share/man/man\($0)") }
            if tree.file(at: "var/lib/dpkg/status") == nil && tree.hasVisibleEntries(under: "var/lib/dpkg/status.d") { return .distroless }
            return packageCount <= 100 && !hasManPages ? .slim : .full
        default:
            return .full
        }
    }

    public var displayName: String {
        switch kind {
        case .scratch: "scratch"
        case .distroless: "distroless"
        case .alpine: "alpine"
        case .wolfi: "wolfi/chainguard"
        case .slim: "slim"
        case .full: "full distribution"
        case .unknown: "unknown"
        }
    }
}
