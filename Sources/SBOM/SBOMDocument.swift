public import Foundation
public import Inventory

/// What an SBOM describes: the image and what it holds. Writers turn this into CycloneDX or SPDX JSON.
public struct SBOMSubject: Sendable {
    public var imageName: String
    /// `sha256:…` of the image config (the image ID) or manifest.
    public var imageDigest: String?
    public var os: DetectedOS?
    public var packages: [Package]
    public var toolVersion: String
    /// Fixed for reproducible output in tests; now by default.
    public var timestamp: Date
    /// Document identity; random by default, fixed in tests.
    public var documentID: UUID

    public init(imageName: String, imageDigest: String?, os: DetectedOS?, packages: [Package], toolVersion: String,
                timestamp: Date = Date(), documentID: UUID = UUID()) {
        self.imageName = imageName
        self.imageDigest = imageDigest
        self.os = os
        self.packages = packages
        self.toolVersion = toolVersion
        self.timestamp = timestamp
        self.documentID = documentID
    }

    /// Packages in a stable order: OS packages first, then by type, name, version, path.
    var orderedPackages: [Package] {
        packages.sorted {
            ($0.type.isOSPackage ? 0 : 1, $0.type.rawValue, $0.name, $0.fullVersion, $0.filePath)
                < ($1.type.isOSPackage ? 0 : 1, $1.type.rawValue, $1.name, $1.fullVersion, $1.filePath)
        }
    }

    var iso8601Timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: timestamp)
    }
}

/// An SBOM format.
public enum SBOMFormat: String, CaseIterable, Sendable {
    case cyclonedx
    case spdxJSON = "spdx-json"

    public func render(_ subject: SBOMSubject) throws -> String {
        let object: [String: Any] = switch self {
        case .cyclonedx: CycloneDXWriter.document(subject)
        case .spdxJSON: SPDXWriter.document(subject)
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
