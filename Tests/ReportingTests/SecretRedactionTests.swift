import Foundation
import ImageAnalysis
import Reporting
import Testing

@Suite("Secret redaction: no writer prints a secret value")
struct SecretRedactionTests {
    @Test("secrets are found, and their values appear in no format", arguments: ReportFormat.allCases)
    func noSecretInOutput(format: ReportFormat) async throws {
        let report = try await Fixture.makeReport()
        let found = Set(report.findings.filter { $0.category == .secret }.map(\.ruleID))
        // shared.conf's aws_access_key_id line is both a token (S002) and a key = value secret (S005).
        #expect(found == [RuleCatalog.privateKey.id, RuleCatalog.token.id, RuleCatalog.configSecret.id, RuleCatalog.configPassword.id])
        for color in [false, true] {
            let text = try format.writer(color: color).render(report)
            for secret in Planted.all {
                #expect(!text.contains(secret), "\(format) output contains a planted secret")
            }
            // JSON escapes "/" nowhere (withoutEscapingSlashes), but check the escaped spelling too.
            #expect(!text.contains(Planted.envSecret.replacingOccurrences(of: "/", with: "\\/")))
        }
    }
}
