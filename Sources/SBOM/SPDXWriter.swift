import Foundation
import Inventory

/// SPDX 2.3 JSON: the image package DESCRIBED by the document, CONTAINS relationships to each package, purls as
/// PACKAGE-MANAGER external references. Declared licenses that are not simple SPDX identifiers become LicenseRefs.
enum SPDXWriter {
    /// Identifiers common in package metadata that are valid SPDX license ids as written.
    static let knownLicenseIDs: Set<String> = [
        "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MPL-2.0", "Zlib", "GPL-2.0-only", "GPL-2.0-or-later",
        "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
        "AGPL-3.0-only", "AGPL-3.0-or-later", "Unlicense", "CC0-1.0", "0BSD", "PSF-2.0", "Python-2.0", "OpenSSL", "Artistic-2.0",
        "BSL-1.0", "EPL-2.0", "EPL-1.0", "CDDL-1.0", "WTFPL", "Ruby", "PostgreSQL", "curl", "BlueOak-1.0.0",
    ]

    static func spdxID(_ text: String) -> String {
        "SPDXRef-" + String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
    }

    static func document(_ subject: SBOMSubject) -> [String: Any] {
        let imageID = spdxID("ContainerImage-" + subject.imageName)
        var packages: [[String: Any]] = []
        var relationships: [[String: String]] = [
            ["spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": imageID],
        ]
        var extracted: [String: String] = [:]
        var image: [String: Any] = [
            "SPDXID": imageID, "name": subject.imageName, "downloadLocation": "NONE", "filesAnalyzed": false,
            "primaryPackagePurpose": "CONTAINER", "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION", "supplier": "NOASSERTION",
        ]
        if let digest = subject.imageDigest, digest.hasPrefix("sha256:") {
            image["checksums"] = [["algorithm": "SHA256", "checksumValue": String(digest.dropFirst(7))]]
        }
        packages.append(image)
        var osID: String?
        if let os = subject.os {
            let id = spdxID("OperatingSystem-\(os.family)-\(os.name)")
            osID = id
            packages.append(["SPDXID": id, "name": os.family, "versionInfo": os.name, "downloadLocation": "NONE", "filesAnalyzed": false,
                             "primaryPackagePurpose": "OPERATING-SYSTEM", "licenseConcluded": "NOASSERTION",
                             "licenseDeclared": "NOASSERTION", "copyrightText": "NOASSERTION", "supplier": "NOASSERTION"])
            relationships.append(["spdxElementId": imageID, "relationshipType": "CONTAINS", "relatedSpdxElement": id])
        }
        var used = Set<String>()
        for (index, package) in subject.orderedPackages.enumerated() {
            var id = spdxID("Package-\(package.type.rawValue)-\(package.name)-\(package.fullVersion)")
            if !used.insert(id).inserted { id += "-\(index)" }
            var entry: [String: Any] = [
                "SPDXID": id, "name": package.name, "versionInfo": package.fullVersion, "downloadLocation": "NONE",
                "filesAnalyzed": false, "primaryPackagePurpose": "LIBRARY", "licenseConcluded": "NOASSERTION",
                "copyrightText": "NOASSERTION", "supplier": "NOASSERTION",
                "sourceInfo": "found in /" + package.filePath + (package.layer.map { ", layer \($0 + 1)" } ?? ""),
            ]
            entry["licenseDeclared"] = licenseExpression(package.licenses, extracted: &extracted)
            if let purl = package.purl {
                entry["externalRefs"] = [["referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl]]
            }
            packages.append(entry)
            let parent = package.type.isOSPackage ? (osID ?? imageID) : imageID
            relationships.append(["spdxElementId": parent, "relationshipType": "CONTAINS", "relatedSpdxElement": id])
        }
        var document: [String: Any] = [
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": subject.imageName,
            "documentNamespace": "https://moat.invalid/spdx/image/\(subject.documentID.uuidString.lowercased())",
            "creationInfo": ["creators": ["Tool: moat-\(subject.toolVersion)"], "created": subject.iso8601Timestamp],
            "packages": packages,
            "relationships": relationships,
        ]
        if !extracted.isEmpty {
            document["hasExtractedLicensingInfos"] = extracted.sorted { $0.key < $1.key }.map { id, text in
                ["licenseId": id, "extractedText": text, "name": text]
            }
        }
        return document
    }

    /// Known SPDX ids joined with AND; anything else as a LicenseRef with its text kept in the document.
    static func licenseExpression(_ licenses: [String], extracted: inout [String: String]) -> String {
        let terms = licenses.filter { !$0.isEmpty }.map { license -> String in
            if knownLicenseIDs.contains(license) { return license }
            let ref = "LicenseRef-" + String(license.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
            extracted[ref] = license
            return ref
        }
        return terms.isEmpty ? "NOASSERTION" : Array(Set(terms)).sorted().joined(separator: " AND ")
    }
}
