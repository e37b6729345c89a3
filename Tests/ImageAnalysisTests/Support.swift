import Foundation
import ImageAnalysis
import MoatTesting
import OCIImage
import OCIModel
import Reporting
import Testing

/// The `created_by` a classic `docker build` writes for a base image's root filesystem (`ADD file:… in /`).
let rootfsCreatedBy = "/bin/sh -c #(nop) ADD file:4f9e7b1c2d3a5e6f in / "

/// Bytes that start like an ELF executable, for files that must look like binaries.
let elfBytes: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 120)

extension TarBuilder {
    /// A regular file with the exec bits set, ELF-looking by default.
    mutating func executable(_ name: String, bytes: [UInt8] = elfBytes, mode: UInt32 = 0o755) {
        file(name, bytes: bytes, mode: mode)
    }

    /// Directory entries for each path, parents first.
    mutating func directories(_ names: String...) {
        for name in names { directory(name) }
    }

    /// `count` bytes of filler content.
    mutating func blob(_ name: String, size: Int, byte: UInt8 = 0x61) {
        file(name, bytes: [UInt8](repeating: byte, count: size))
    }
}

/// Writes `image` as an OCI layout, opens it as moat does, optionally adjusts the opened image (history a
/// `TestImage` cannot express), and analyses it.
func analyze(_ image: TestImage, ignoreList: IgnoreList = IgnoreList(),
             adjust: (inout Image) -> Void = { _ in }) async throws -> FootprintReport {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try ImageWriter.writeOCILayout([(name: "latest", image: image)], to: directory)
    var opened = try ImageOpener().openDirectory(directory)
    adjust(&opened)
    return try await FootprintAnalyzer(ignoreList: ignoreList, toolVersion: "test").analyze(opened)
}

/// A one-layer image built from `build`, with a given container config.
func singleLayerImage(config: ContainerConfig = ContainerConfig(), createdBy: String = rootfsCreatedBy,
                      _ build: (inout TarBuilder) -> Void) -> TestImage {
    var tar = TarBuilder()
    build(&tar)
    var image = TestImage()
    image.containerConfig = config
    image.addLayer(tar, createdBy: createdBy)
    return image
}

/// The report exactly as `moat image --format json` writes it.
func encodedJSON(_ report: FootprintReport) throws -> String {
    try JSONReportWriter().render(report)
}

extension FootprintReport {
    func findings(_ rule: RuleDefinition) -> [Finding] { findings.filter { $0.ruleID == rule.id } }

    func finding(_ rule: RuleDefinition, path: String) -> Finding? {
        findings.first { $0.ruleID == rule.id && $0.path == path }
    }

    /// Rule ids reported, for readable failure messages.
    var ruleIDs: [String] { findings.map(\.ruleID) }
}
