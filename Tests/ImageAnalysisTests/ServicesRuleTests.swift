import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("ServicesRule: exposed ports of several services, and SSH")
struct ServicesRuleTests {
    func report(ports: [String]) async throws -> FootprintReport {
        try await analyze(singleLayerImage(config: ContainerConfig(exposedPorts: ports)) { tar in tar.directory("srv") })
    }

    @Test("a web port and a database port are more than one service")
    func webAndDatabase() async throws {
        let findings = try await report(ports: ["80/tcp", "5432/tcp"]).findings(RuleCatalog.multipleServices)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.severity == .medium)
        #expect(finding.message.contains("80 (web)"))
        #expect(finding.message.contains("5432 (PostgreSQL)"))
        #expect(finding.message.contains("2 services"))
    }

    @Test("port 22 is reported as high, as its own rule")
    func ssh() async throws {
        let report = try await report(ports: ["22/tcp"])
        #expect(report.findings(RuleCatalog.multipleServices).isEmpty)
        let findings = report.findings(RuleCatalog.sshExposed)
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .high)
        #expect(findings.first?.message.contains("SSH") == true)
    }

    @Test("SSH beside a web server gives both findings")
    func sshAndWeb() async throws {
        let report = try await report(ports: ["22/tcp", "8080/tcp"])
        #expect(report.findings(RuleCatalog.multipleServices).map(\.severity) == [.medium])
        #expect(report.findings(RuleCatalog.sshExposed).map(\.severity) == [.high])
    }

    @Test("several ports of one service, or unknown ports, are fine", arguments: [["80/tcp", "443/tcp", "8080/tcp"], ["9999/tcp", "8080/tcp"], []])
    func oneService(ports: [String]) async throws {
        #expect(try await report(ports: ports).findings(RuleCatalog.multipleServices).isEmpty)
    }
}
