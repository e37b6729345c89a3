import Foundation
import ImageAnalysis
import MoatTesting
import Testing

@Suite("moat image on minimal images: scratch and real Alpine")
struct ScratchAndAlpineTests {
    @Test("scratch (static binary, user 65532) is minimal with no root and no forbidden content", arguments: [
        "scratch.docker.tar", "scratch.oci.tar", "scratch.oci",
    ])
    func scratch(file: String) async throws {
        let report = try await MoatCLI.report(input: try MoatCLI.images() + "/" + file)
        #expect(report.verdict.minimal, "\(report.verdict.summary)")
        #expect(report.verdict.summary.hasPrefix("MINIMAL"))
        #expect(report.findings(RuleCatalog.runsAsRoot).isEmpty)
        #expect(report.findings.filter { $0.category == .forbiddenContent }.isEmpty, "\(report.findings.map(\.ruleID))")
        #expect(report.image.user == "65532:65532")
        #expect(report.base.kind == .scratch)
        #expect(report.os == nil)
    }

    @Test("Alpine 3.10 (real docker save, gzip-compressed): os, minimal alpine base, busybox")
    func alpine() async throws {
        let report = try await MoatCLI.report(input: try MoatCLI.alpine310())
        let os = try #require(report.os)
        #expect(os.id == "alpine")
        #expect(os.versionID?.hasPrefix("3.10.") == true, "\(os.versionID ?? "nil")")
        #expect(report.base.kind == .alpine)
        #expect(report.base.minimal)
        #expect(report.findings(RuleCatalog.fatBase).isEmpty)
        let busybox = try #require(report.findings(RuleCatalog.multiCall).first)
        #expect(busybox.path == "/bin/busybox")
        #expect(busybox.severity == .high)
        #expect(busybox.message.contains("wget"))
        #expect(report.findings(RuleCatalog.multiCall).count == 1)
        #expect(report.finding(RuleCatalog.osPackageManager, path: "/sbin/apk") != nil)
        #expect(report.findings(RuleCatalog.runsAsRoot).count == 1)
        #expect(report.totals.packages > 10)
    }
}
