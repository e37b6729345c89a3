import ArgumentParser
import Foundation
import ImageAnalysis
import OCIImage
import Registry
import Reporting
import SBOM
import Scanner
import Inventory

extension SBOMFormat: ExpressibleByArgument {}

struct SBOMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbom",
        abstract: "Write the image's software bill of materials as CycloneDX 1.6 or SPDX 2.3 JSON.",
        discussion: """
        EXAMPLES:
          moat sbom --input app.tar --output sbom.cdx.json
          moat sbom --layout ./app-oci --format spdx-json
        """
    )

    @OptionGroup var source: ImageSourceOptions

    @Option(name: [.short, .long], help: "cyclonedx or spdx-json.")
    var format: SBOMFormat = .cyclonedx

    @Option(name: [.short, .long], help: ArgumentHelp("Write the SBOM to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let image = try await source.open()
        var reader = LayerReader()
        reader.limits = source.readLimits
        let scanner = ImageScanner(reader: reader, footprint: FootprintAnalyzer(toolVersion: Moat.version), scanners: [], collectsInventory: true)
        var result: ScanResult
        do {
            result = try await scanner.read(image)
            await source.close(image)
        } catch let error as ImageError {
            await source.close(image)
            throw RuntimeError("\(image.source): \(error.description)")
        } catch let error as RegistryError {
            await source.close(image)
            throw RuntimeError("\(image.source): \(error.description)")
        }
        result.inventory.packages = result.inventory.packages.map { PackageURLs.filled($0, os: result.inventory.os) }
        let text = try ScanReport(artifactName: source.artifactName, listAllPackages: true, color: false, toolVersion: Moat.version)
            .sbom(result, format: format)
        if let output { try ReportOutput.write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
