import Foundation
import Inventory
import MoatTesting
import OCIImage
import Scanner
import Testing
import VulnDB
import VulnMatch

@Suite("Debian and PyPI matching through OSV records")
struct EcosystemMatchingTests {
    static let dpkgStatus = """
    Package: libssl3
    Status: install ok installed
    Architecture: amd64
    Source: openssl
    Version: 3.0.11-1~deb12u2

    Package: bash
    Status: install ok installed
    Architecture: amd64
    Version: 5.2.15-2+b2

    Package: oldpkg
    Status: deinstall ok config-files
    Architecture: amd64
    Version: 1.0-1

    """

    static func osv(_ id: String, ecosystem: String, package: String, events: String, upstream: String = "[]", severity: String = "") -> String {
        """
        {"schema_version":"1.6.0","id":"\(id)","modified":"2024-01-01T00:00:00Z","upstream":\(upstream),"summary":"\(id) summary",
         \(severity)
         "affected":[{"package":{"ecosystem":"\(ecosystem)","name":"\(package)"},"ranges":[{"type":"ECOSYSTEM","events":\(events)}]}]}
        """
    }

    @Test("Debian: matched by source package and source version; fixed, unfixed and already-fixed cases")
    func debian() async throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let advisories = try osvDirectory([
            Self.osv("DEBIAN-CVE-2024-0727", ecosystem: "Debian:12", package: "openssl",
                     events: #"[{"introduced":"0"},{"fixed":"3.0.13-1~deb12u1"}]"#, upstream: #"["CVE-2024-0727"]"#),
            Self.osv("DEBIAN-CVE-2023-9999", ecosystem: "Debian:12", package: "openssl", events: #"[{"introduced":"0"}]"#,
                     upstream: #"["CVE-2023-9999"]"#),
            Self.osv("DEBIAN-CVE-2022-0001", ecosystem: "Debian:12", package: "openssl",
                     events: #"[{"introduced":"0"},{"fixed":"3.0.2-1"}]"#, upstream: #"["CVE-2022-0001"]"#),
            Self.osv("DEBIAN-CVE-2022-3715", ecosystem: "Debian:11", package: "bash", events: #"[{"introduced":"0"}]"#,
                     upstream: #"["CVE-2022-3715"]"#),
        ])
        defer { try? FileManager.default.removeItem(atPath: advisories) }
        _ = try OSVImporter().importPath(advisories, source: "osv/Debian", into: database)
        var tar = TarBuilder()
        tar.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        tar.file("etc/debian_version", "12.5\n")
        tar.file("var/lib/dpkg/status", Self.dpkgStatus)
        var image = TestImage()
        image.addLayer(tar, createdBy: "ADD file:debian in /")
        let (opened, layout) = try open(image)
        defer { try? FileManager.default.removeItem(atPath: layout) }
        let result = try await scan(opened, database: database)
        #expect(result.inventory.os == DetectedOS(family: "debian", name: "12.5"))
        #expect(Set(result.inventory.packages.map(\.name)) == ["libssl3", "bash"])
        let found = Dictionary(uniqueKeysWithValues: result.vulnerabilities.map { ($0.vulnerabilityID, $0) })
        #expect(Set(found.keys) == ["CVE-2024-0727", "CVE-2023-9999"], "bash is Debian 11 only; CVE-2022-0001 was fixed before 3.0.11")
        let fixed = try #require(found["CVE-2024-0727"])
        #expect(fixed.package.name == "libssl3")
        #expect(fixed.installedVersion == "3.0.11-1~deb12u2")
        #expect(fixed.fixedVersion == "3.0.13-1~deb12u1")
        #expect(fixed.status == .fixed)
        #expect(fixed.aliases.contains("DEBIAN-CVE-2024-0727"))
        let unfixed = try #require(found["CVE-2023-9999"])
        #expect(unfixed.fixedVersion == nil)
        #expect(unfixed.status == .affected)
    }

    @Test("PyPI: names matched after PEP 503 normalisation, ranges decide, the package path is kept")
    func pypi() async throws {
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let advisories = try osvDirectory([
            Self.osv("GHSA-aaaa-bbbb-cccc", ecosystem: "PyPI", package: "Django",
                     events: #"[{"introduced":"3.0"},{"fixed":"3.2.1"}]"#,
                     severity: #""database_specific":{"severity":"HIGH"},"aliases":["CVE-2021-31542"],"#),
            Self.osv("GHSA-dddd-eeee-ffff", ecosystem: "PyPI", package: "django", events: #"[{"introduced":"4.0"},{"fixed":"4.0.2"}]"#),
        ])
        defer { try? FileManager.default.removeItem(atPath: advisories) }
        _ = try OSVImporter().importPath(advisories, source: "osv/PyPI", into: database)
        var tar = TarBuilder()
        tar.file("usr/lib/python3/dist-packages/Django-3.2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: Django\nVersion: 3.2.0\nLicense: BSD-3-Clause\n")
        var image = TestImage()
        image.addLayer(tar, createdBy: "RUN pip install django==3.2.0")
        let (opened, layout) = try open(image)
        defer { try? FileManager.default.removeItem(atPath: layout) }
        let result = try await scan(opened, database: database)
        #expect(result.vulnerabilities.map(\.vulnerabilityID) == ["CVE-2021-31542"])
        let django = try #require(result.vulnerabilities.first)
        #expect(django.severity == .high)
        #expect(django.fixedVersion == "3.2.1")
        #expect(django.package.filePath == "usr/lib/python3/dist-packages/Django-3.2.0.dist-info/METADATA")
        #expect(django.aliases.contains("GHSA-aaaa-bbbb-cccc"))
    }
}
