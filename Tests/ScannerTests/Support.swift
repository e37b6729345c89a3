import Foundation
import ImageAnalysis
import MoatTesting
import OCIImage
import Scanner
import VulnDB

/// A fresh vulnerability database in a temporary directory.
func temporaryDatabase() throws -> (VulnDatabase, String) {
    let directory = try temporaryDirectory()
    return (try VulnDatabase.create(at: directory + "/moat.db"), directory)
}

/// Reads and matches an image as `moat image --scanners vuln` does.
func scan(_ image: Image, database: VulnDatabase) async throws -> ScanResult {
    let scanner = ImageScanner(footprint: FootprintAnalyzer(toolVersion: "test"), scanners: [.vuln])
    var result = try await scanner.read(image)
    try ImageScanner.match(&result, database: database)
    return result
}

/// Writes `image` as an OCI layout and opens it.
func open(_ image: TestImage) throws -> (Image, String) {
    let directory = try temporaryDirectory()
    try ImageWriter.writeOCILayout([(name: "latest", image: image)], to: directory)
    return (try ImageOpener().openDirectory(directory), directory)
}

/// Writes OSV JSON documents to a directory for `OSVImporter`.
func osvDirectory(_ documents: [String]) throws -> String {
    let directory = try temporaryDirectory()
    for (index, document) in documents.enumerated() {
        try document.write(toFile: directory + "/advisory-\(index).json", atomically: true, encoding: .utf8)
    }
    return directory
}
