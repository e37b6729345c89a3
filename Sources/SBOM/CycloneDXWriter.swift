import Foundation
import Inventory

/// CycloneDX 1.6 JSON: the image as the metadata component, the OS as an `operating-system` component, one
/// `library` component per package with its purl, and dependencies image → OS → OS packages, image → others.
enum CycloneDXWriter {
    static func document(_ subject: SBOMSubject) -> [String: Any] {
        let imageRef = "image:" + (subject.imageDigest ?? subject.imageName)
        var components: [[String: Any]] = []
        var osRef: String?
        if let os = subject.os {
            let ref = "os:\(os.family)@\(os.name)"
            osRef = ref
            components.append(["bom-ref": ref, "type": "operating-system", "name": os.family, "version": os.name])
        }
        var refs: [(Package, String)] = []
        var used = Set<String>()
        for package in subject.orderedPackages {
            var ref = package.purl ?? "\(package.type.rawValue):\(package.name)@\(package.fullVersion)"
            if !used.insert(ref).inserted { ref += "#" + package.filePath }
            used.insert(ref)
            refs.append((package, ref))
            var component: [String: Any] = ["bom-ref": ref, "type": "library", "name": package.name, "version": package.fullVersion]
            if let purl = package.purl { component["purl"] = purl }
            if !package.licenses.isEmpty {
                component["licenses"] = package.licenses.map { ["license": ["name": $0]] }
            }
            var properties: [[String: String]] = [["name": "moat:PkgType", "value": package.type.rawValue],
                                                  ["name": "moat:FilePath", "value": "/" + package.filePath]]
            if let source = package.sourceName { properties.append(["name": "moat:SrcName", "value": source]) }
            if let version = package.sourceVersion { properties.append(["name": "moat:SrcVersion", "value": version]) }
            if let layer = package.layer { properties.append(["name": "moat:Layer", "value": String(layer)]) }
            component["properties"] = properties
            components.append(component)
        }
        var dependencies: [[String: Any]] = []
        let osPackages = refs.filter { $0.0.type.isOSPackage }.map(\.1)
        let others = refs.filter { !$0.0.type.isOSPackage }.map(\.1)
        dependencies.append(["ref": imageRef, "dependsOn": (osRef.map { [$0] } ?? []) + others + (osRef == nil ? osPackages : [])])
        if let osRef { dependencies.append(["ref": osRef, "dependsOn": osPackages]) }
        for ref in refs.map(\.1) { dependencies.append(["ref": ref, "dependsOn": [String]()]) }
        var image: [String: Any] = ["bom-ref": imageRef, "type": "container", "name": subject.imageName]
        if let digest = subject.imageDigest { image["properties"] = [["name": "moat:ImageID", "value": digest]] }
        return [
            "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": "urn:uuid:" + subject.documentID.uuidString.lowercased(),
            "version": 1,
            "metadata": [
                "timestamp": subject.iso8601Timestamp,
                "tools": ["components": [["type": "application", "name": "moat", "version": subject.toolVersion]]],
                "component": image,
            ],
            "components": components,
            "dependencies": dependencies,
        ]
    }
}
