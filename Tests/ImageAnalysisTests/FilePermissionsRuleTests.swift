import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("FilePermissionsRule: setuid/setgid and world-writable paths")
struct FilePermissionsRuleTests {
    func report() async throws -> FootprintReport {
        let image = singleLayerImage { tar in
            tar.directories("usr", "usr/bin", "usr/local", "usr/local/bin")
            tar.executable("usr/bin/passwd", mode: 0o4755)
            tar.executable("usr/bin/wall", mode: 0o2755)
            tar.entry("usr/local/bin/helper", content: elfBytes, mode: 0o4755, uid: 1000)
            tar.executable("usr/bin/ls")
            tar.directory("tmp", mode: 0o1777)
            tar.directory("data", mode: 0o777)
            tar.file("data/shared.conf", "x = 1\n", mode: 0o666)
            tar.file("data/private.conf", "x = 2\n", mode: 0o600)
        }
        return try await analyze(image)
    }

    @Test("setuid root is medium, setgid and setuid non-root are low, plain executables are not reported")
    func setID() async throws {
        let report = try await report()
        let setID = report.findings(RuleCatalog.setID)
        #expect(Set(setID.compactMap(\.path)) == ["/usr/bin/passwd", "/usr/bin/wall", "/usr/local/bin/helper"])
        let passwd = try #require(report.finding(RuleCatalog.setID, path: "/usr/bin/passwd"))
        #expect(passwd.severity == .medium)
        #expect(passwd.message.contains("setuid root"))
        #expect(passwd.details?["mode"] == "4755")
        let wall = try #require(report.finding(RuleCatalog.setID, path: "/usr/bin/wall"))
        #expect(wall.severity == .low)
        #expect(wall.message.contains("setgid"))
        let helper = try #require(report.finding(RuleCatalog.setID, path: "/usr/local/bin/helper"))
        #expect(helper.severity == .low)
        #expect(helper.details?["uid"] == "1000")
    }

    @Test("world-writable files and directories are reported unless the sticky bit is set")
    func worldWritable() async throws {
        let report = try await report()
        let writable = report.findings(RuleCatalog.worldWritable)
        #expect(Set(writable.compactMap(\.path)) == ["/data", "/data/shared.conf"])
        #expect(report.finding(RuleCatalog.worldWritable, path: "/tmp") == nil)
        #expect(writable.allSatisfy { $0.severity == .medium })
        #expect(report.finding(RuleCatalog.worldWritable, path: "/data")?.details?["mode"] == "777")
    }

    @Test("a later layer fixing the mode removes the finding (the merged view counts)")
    func laterLayerFixesMode() async throws {
        var base = TarBuilder()
        base.directory("srv", mode: 0o777)
        var fix = TarBuilder()
        fix.directory("srv", mode: 0o755)
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(fix, createdBy: "RUN chmod 755 /srv")
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.worldWritable).isEmpty)
    }
}
