import Foundation
import ImagePolicy
import MoatTesting
import Testing

@Suite("Example policies")
struct ExamplePolicyTests {
    static var examplesDirectory: String { TestEnvironment.packageRoot + "/examples/policy" }

    @Test func everyExampleLoadsWithoutWarnings() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examplesDirectory)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(files.count >= 4)
        for file in files {
            let policy = try Policy.load(contentsOf: Self.examplesDirectory + "/" + file)
            #expect(policy.warnings.isEmpty, "\(file): \(policy.warnings)")
        }
    }

    @Test func productionExample() throws {
        let policy = try Policy.load(contentsOf: Self.examplesDirectory + "/production.yaml")
        #expect(policy.failurePolicy == .closed)
        #expect(policy.breakGlass?.annotation == "break-glass.image-policy.k8s.io/ticket")
        #expect(policy.rules.requireSignature.first?.keys.first?.source == "inline")
        #expect(policy.rules.requireSignature.first?.annotations == ["env": "prod"])
        #expect(policy.rules.footprint?.mode == .audit)
        #expect(policy.rules.vulnerabilities?.allow.first?.expires == PolicyDate(year: 2027, month: 1, day: 31))
    }
}
