import Foundation
import Testing
@testable import DockerfileLint

@Suite struct ConfigTests {
    @Test func flowAndBlockLists() throws {
        let yaml = """
            # moat settings
            ignored: [MOAT-D003, DL3007]
            trustedRegistries:
              - docker.io
              - "*.corp.example"   # internal
            failureThreshold: warning
            target: runtime

            """
        let config = try LintConfig.parse(yaml: yaml)
        #expect(config.ignored == ["MOAT-D003", "MOAT-D002"])
        #expect(config.trustedRegistries == ["docker.io", "*.corp.example"])
        #expect(config.failureThreshold == .warning)
        #expect(config.target == "runtime")
    }

    @Test func hadolintSpellingsAndNone() throws {
        let config = try LintConfig.parse(yaml: "failure-threshold: none\ntrusted-registries: quay.io\nignored:\n  - DL3008\n")
        #expect(config.failureThreshold == nil)
        #expect(config.trustedRegistries == ["quay.io"])
        #expect(!config.fails([LintFinding(ruleID: "MOAT-D001", severity: .error, path: "D", line: 1, message: "m", hadolintID: nil)]))
    }

    @Test func unsupportedYAMLIsAClearError() {
        #expect(throws: LintConfigError(path: ".moat.yaml", line: 2, message: "unexpected indentation (nested maps are not supported)")) {
            try LintConfig.parse(yaml: "ignored:\n  error: [DL3001]\n")
        }
        #expect(throws: LintConfigError.self) { try LintConfig.parse(yaml: "color: true\n") }
        #expect(throws: LintConfigError.self) { try LintConfig.parse(yaml: "failureThreshold: loud\n") }
        #expect(throws: LintConfigError.self) { try LintConfig.parse(yaml: "ignored: [MOAT-D999]\n") }
        #expect(throws: LintConfigError.self) { try LintConfig.parse(yaml: "ignored: &a [x]\n") }
        do {
            _ = try LintConfig.parse(yaml: "ignored: []\nbogus: 1\n", path: "/p/.moat.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).hasPrefix("/p/.moat.yaml:2:"))
        }
    }

    @Test func thresholdAndIgnoredApplyToLint() throws {
        let config = try LintConfig.parse(yaml: "ignored: [DL3006]\nfailureThreshold: error\n")
        let found = try findings("FROM alpine\nUSER 1\n", config: config)
        #expect(!found.contains { $0.ruleID == "MOAT-D001" })
        #expect(!config.fails(found))
        #expect(LintConfig(failureThreshold: .info).fails(found))
    }

    @Test func targetSelectsFinalStage() throws {
        let text = "FROM alpine:3.20 AS runtime\nRUN apk add --no-cache curl\nUSER 1\nFROM alpine:3.20 AS other\nUSER 1\n"
        #expect(try lintIDs(text, config: LintConfig(target: "runtime")).contains("MOAT-D011"))
        #expect(!(try lintIDs(text)).contains("MOAT-D011"))
    }

    @Test func loadFromFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("moat-\(UUID().uuidString).yaml")
        try Data("trustedPublishers: [ghcr.io/acme/]\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try LintConfig.load(from: url).trustedPublishers == ["ghcr.io/acme/"])
    }
}
