import Foundation
import Inventory
import SBOM
import MoatTesting
import Testing

@Suite("SBOM writers")
struct SBOMWriterTests {
    static func subject() -> SBOMSubject {
        let packages = [
            Package(type: .dpkg, name: "bash", version: "5.2.15-2+b2", arch: "amd64", sourceName: "bash", sourceVersion: "5.2.15-2",
                    licenses: ["GPL-3.0-or-later"], purl: "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
                    filePath: "var/lib/dpkg/status", layer: 0),
            Package(type: .python, name: "requests", version: "2.31.0", licenses: ["Apache 2.0"], purl: "pkg:pypi/requests@2.31.0",
                    filePath: "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA", layer: 1),
            Package(type: .rpm, name: "openssl-libs", version: "3.0.7", epoch: 1, release: "27.el9", arch: "x86_64",
                    purl: "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1", filePath: "var/lib/rpm/rpmdb.sqlite"),
        ]
        return SBOMSubject(imageName: "moat-test/app:1.0", imageDigest: "sha256:" + String(repeating: "ab", count: 32),
                           os: DetectedOS(family: "debian", name: "12.7"), packages: packages, toolVersion: "0.1.0",
                           timestamp: Date(timeIntervalSince1970: 1_700_000_000),
                           documentID: UUID(uuidString: "7C0B3E57-1D0B-4E0B-9E1E-0123456789AB") ?? UUID())
    }

    static func validate(_ script: String, _ document: String) throws -> (status: Int32, output: String) {
        let path = NSTemporaryDirectory() + "moat-sbom-\(UUID().uuidString).json"
        try document.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.runWithDefaultSignals()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("CycloneDX 1.6 output validates against the CycloneDX schema (cyclonedx-python-lib)")
    func cycloneDXValidates() throws {
        let text = try SBOMFormat.cyclonedx.render(Self.subject())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["specVersion"] as? String == "1.6")
        #expect((json["components"] as? [[String: Any]])?.count == 4)
        #expect(text.contains("pkg:pypi/requests@2.31.0"))
        let script = """
        import sys
        try:
            from cyclonedx.validation.json import JsonStrictValidator
            from cyclonedx.schema import SchemaVersion
        except ImportError:
            print("MISSING cyclonedx-python-lib[json-validation]: pip install 'cyclonedx-python-lib[json-validation]'"); sys.exit(3)
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
        print(error or "valid"); sys.exit(1 if error else 0)
        """
        let result = try Self.validate(script, text)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("SPDX 2.3 output validates with spdx-tools")
    func spdxValidates() throws {
        let text = try SBOMFormat.spdxJSON.render(Self.subject())
        #expect(text.contains("\"spdxVersion\" : \"SPDX-2.3\""))
        #expect(text.contains("LicenseRef-Apache-2.0"))
        let script = """
        import sys
        try:
            from spdx_tools.spdx.parser.parse_anything import parse_file
            from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
        except ImportError:
            print("MISSING spdx-tools: pip install spdx-tools"); sys.exit(3)
        messages = validate_full_spdx_document(parse_file(sys.argv[1]))
        for m in messages: print(m.validation_message)
        sys.exit(1 if messages else 0)
        """
        let result = try Self.validate(script, text)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("the same subject renders byte-identically (stable order, injected time and id)")
    func deterministic() throws {
        for format in SBOMFormat.allCases {
            #expect(try format.render(Self.subject()) == format.render(Self.subject()))
        }
    }
}
