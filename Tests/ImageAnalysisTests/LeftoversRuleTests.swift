import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("LeftoversRule: caches, package lists, temp files and development files")
struct LeftoversRuleTests {
    @Test("apt lists and temp files are MOAT-C007 with counts and bytes; zero-byte locks are ignored")
    func leftovers() async throws {
        let image = singleLayerImage { tar in
            tar.directories("var", "var/lib", "var/lib/apt", "var/lib/apt/lists", "var/lib/apt/lists/partial", "tmp")
            tar.file("var/lib/apt/lists/lock", bytes: [])
            tar.blob("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", size: 3000)
            tar.blob("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", size: 1000)
            tar.blob("tmp/build.log", size: 200)
            tar.file("tmp/.keep", bytes: [])
        }
        let report = try await analyze(image)
        let findings = report.findings(RuleCatalog.leftovers)
        #expect(findings.count == 2)
        let lists = try #require(findings.first { $0.details?["group"] == "apt package lists" })
        #expect(lists.details?["files"] == "2")
        #expect(lists.details?["bytes"] == "4000")
        #expect(lists.severity == .low)
        #expect(lists.path?.hasPrefix("/var/lib/apt/lists/") == true)
        let temp = try #require(findings.first { $0.details?["group"] == "temporary files" })
        #expect(temp.details?["files"] == "1")
        #expect(temp.path == "/tmp/build.log")
        #expect(report.recommendations.contains { $0.contains("/var/lib/apt/lists") })
    }

    @Test("an empty apt lists directory with only its lock is clean")
    func onlyLock() async throws {
        let image = singleLayerImage { tar in
            tar.directories("var", "var/lib", "var/lib/apt", "var/lib/apt/lists", "var/lib/apt/lists/partial")
            tar.file("var/lib/apt/lists/lock", bytes: [])
        }
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.leftovers).isEmpty)
    }

    @Test("lists deleted by a later layer are not leftovers")
    func deletedLists() async throws {
        var base = TarBuilder()
        base.directories("var", "var/lib", "var/lib/apt", "var/lib/apt/lists")
        base.blob("var/lib/apt/lists/example_Packages", size: 500)
        var clean = TarBuilder()
        clean.opaque("var/lib/apt/lists")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(clean, createdBy: "RUN rm -rf /var/lib/apt/lists/*")
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.leftovers).isEmpty)
    }

    @Test("VCS metadata and C headers are development files (MOAT-C008)")
    func developmentFiles() async throws {
        let image = singleLayerImage { tar in
            tar.directories("app", "app/.git", "usr", "usr/include")
            tar.file("app/.git/config", "[core]\n")
            tar.file("usr/include/stdio.h", "int printf(const char *, ...);\n")
        }
        let report = try await analyze(image)
        let groups = Set(report.findings(RuleCatalog.developmentFiles).compactMap { $0.details?["group"] })
        #expect(groups == ["VCS metadata", "C/C++ headers"])
        #expect(report.findings(RuleCatalog.developmentFiles).allSatisfy { $0.severity == .medium })
    }
}
