import Foundation
import Inventory
import MoatTesting
import OCIImage
import Scanner
import Testing
import VulnDB
import VulnMatch

@Suite("Alpine matching against the real secdb", .serialized)
struct AlpineMatchingTests {
    static func secdb(_ branch: String, into database: VulnDatabase) throws {
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        for repository in ["main", "community"] {
            _ = try AlpineSecDBImporter().importFile(shared + "/advisories/alpine-secdb/\(branch)/\(repository).json",
                                                    branch: branch, into: database)
        }
    }

    @Test("the real Alpine 3.10 and 3.11 images have no false positives against their secdb", arguments: [("3.10", "v3.10"), ("3.11", "v3.11")])
    func noFalsePositives(_ version: String, _ branch: String) async throws {
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.secdb(branch, into: database)
        let image = try ImageOpener().open(path: shared + "/images/alpine-\(version).docker.tar.gz")
        let result = try await scan(image, database: database)
        #expect(result.inventory.os?.family == "alpine")
        #expect(result.inventory.os?.name.hasPrefix(version + ".") == true)
        #expect(result.inventory.packages.count >= 14)
        #expect(result.inventory.packages.allSatisfy { $0.type == .apk && $0.layer == 0 })
        #expect(result.vulnerabilities.isEmpty, "\(result.vulnerabilities.map { "\($0.package.name) \($0.installedVersion) \($0.vulnerabilityID)" })")
    }

    /// Every vulnerability of the real (older) apk database in shared testdata, per Alpine 3.10's secdb: the
    /// packages' origins (openssl for libcrypto1.0/libssl1.0) and fixed versions were checked by hand in the JSON.
    static let expected: Set<String> = [
        "busybox CVE-2017-15873 1.27.2-r4", "busybox CVE-2017-15874 1.27.2-r4", "busybox CVE-2017-16544 1.27.2-r4",
        "busybox CVE-2018-20679 1.29.3-r10", "busybox CVE-2019-5747 1.29.3-r10",
        "libcrypto1.0 CVE-2018-0734 1.1.1a-r0", "libcrypto1.0 CVE-2018-0735 1.1.1a-r0", "libcrypto1.0 CVE-2019-1543 1.1.1b-r1",
        "libcrypto1.0 CVE-2019-1547 1.1.1d-r0", "libcrypto1.0 CVE-2019-1549 1.1.1d-r0", "libcrypto1.0 CVE-2019-1563 1.1.1d-r0",
        "libssl1.0 CVE-2018-0734 1.1.1a-r0", "libssl1.0 CVE-2018-0735 1.1.1a-r0", "libssl1.0 CVE-2019-1543 1.1.1b-r1",
        "libssl1.0 CVE-2019-1547 1.1.1d-r0", "libssl1.0 CVE-2019-1549 1.1.1d-r0", "libssl1.0 CVE-2019-1563 1.1.1d-r0",
        "musl CVE-2016-8859 1.1.15-r4", "musl CVE-2019-14697 1.1.22-r3",
        "musl-utils CVE-2016-8859 1.1.15-r4", "musl-utils CVE-2019-14697 1.1.22-r3",
        "sqlite-libs CVE-2019-16168 3.28.0-r1", "sqlite-libs CVE-2019-5018 3.28.0-r0", "sqlite-libs CVE-2019-8457 3.28.0-r0",
    ]

    @Test("the real older apk database in an Alpine 3.10 image reports its real CVEs with their fixes")
    func oldDatabase() async throws {
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        let (database, directory) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.secdb("v3.10", into: database)
        var tar = TarBuilder()
        tar.file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.10.2\n")
        tar.file("etc/alpine-release", "3.10.2\n")
        tar.file("lib/apk/db/installed", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: shared + "/pkgdb/apk/installed"))))
        var image = TestImage()
        image.addLayer(tar, createdBy: "ADD file:alpine in /")
        let (opened, layout) = try open(image)
        defer { try? FileManager.default.removeItem(atPath: layout) }
        let result = try await scan(opened, database: database)
        let found = Set(result.vulnerabilities.map { "\($0.package.name) \($0.vulnerabilityID) \($0.fixedVersion ?? "-")" })
        #expect(found == Self.expected)
        #expect(result.vulnerabilities.allSatisfy { $0.status == .fixed && $0.dataSource?.id == "alpine" })
        let musl = try #require(result.vulnerabilities.first { $0.package.name == "musl" && $0.vulnerabilityID == "CVE-2019-14697" })
        #expect(musl.installedVersion == "1.1.14-r10")
        #expect(musl.package.sourceName == "musl")
        #expect(musl.package.purl?.hasPrefix("pkg:apk/alpine/musl@1.1.14-r10") == true)
    }
}
