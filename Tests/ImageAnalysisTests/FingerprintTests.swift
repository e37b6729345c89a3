import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("Finding fingerprints: stable for suppression, distinct per secret, revealing nothing")
struct FingerprintTests {
    func tokenImage(token: String, env: String, extraFile: Bool = false) -> TestImage {
        singleLayerImage(config: ContainerConfig(env: ["API_TOKEN=\(env)"])) { tar in
            tar.directories("app", "usr", "usr/bin")
            tar.file("app/settings.ini", "key = \(token)\n")
            tar.executable("usr/bin/curl")
            if extraFile { tar.file("app/README", "unrelated\n") }
        }
    }

    @Test("two analyses of the same image give identical fingerprints")
    func stableAcrossAnalyses() async throws {
        let image = tokenImage(token: awsKeyID, env: "first-secret-value")
        let first = try await analyze(image)
        let second = try await analyze(image)
        #expect(!first.findings.isEmpty)
        #expect(first.findings.map(\.fingerprint) == second.findings.map(\.fingerprint))
        for finding in first.findings {
            #expect(finding.fingerprint.hasPrefix("sha256:"))
            #expect(finding.fingerprint.count == "sha256:".count + 16)
            #expect(finding.fingerprint.dropFirst(7).allSatisfy { $0.isHexDigit })
        }
        #expect(Set(first.findings.map(\.fingerprint)).count == first.findings.count, "fingerprints collide")
    }

    @Test("the same secret keeps its fingerprint when unrelated content changes")
    func stableAcrossImages() async throws {
        let plain = try await analyze(tokenImage(token: awsKeyID, env: "first-secret-value"))
        let changed = try await analyze(tokenImage(token: awsKeyID, env: "first-secret-value", extraFile: true))
        #expect(plain.findings(RuleCatalog.token).map(\.fingerprint) == changed.findings(RuleCatalog.token).map(\.fingerprint))
        #expect(plain.findings(RuleCatalog.configSecret).map(\.fingerprint) == changed.findings(RuleCatalog.configSecret).map(\.fingerprint))
        #expect(plain.findings(RuleCatalog.networkTool).map(\.fingerprint) == changed.findings(RuleCatalog.networkTool).map(\.fingerprint))
    }

    @Test("different secrets at the same place get different fingerprints")
    func differentSecretsDiffer() async throws {
        let first = try await analyze(tokenImage(token: awsKeyID, env: "first-secret-value"))
        let second = try await analyze(tokenImage(token: "AKIAZZZZZZZZZZZZZZZZ", env: "second-secret-value"))
        let fileA = try #require(first.findings(RuleCatalog.token).first)
        let fileB = try #require(second.findings(RuleCatalog.token).first)
        #expect(fileA.path == fileB.path)
        #expect(fileA.fingerprint != fileB.fingerprint)
        let envA = try #require(first.findings(RuleCatalog.configSecret).first)
        let envB = try #require(second.findings(RuleCatalog.configSecret).first)
        #expect(envA.fingerprint != envB.fingerprint)
        // Non-secret findings do not depend on the secrets.
        #expect(first.findings(RuleCatalog.networkTool).map(\.fingerprint) == second.findings(RuleCatalog.networkTool).map(\.fingerprint))
    }
}
