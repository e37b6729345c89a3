import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("RuleCatalog: ids, categories and lookups")
struct RuleCatalogTests {
    @Test("ids are unique, well-formed and their letter matches the category")
    func ids() {
        let ids = RuleCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count == 29)
        let letter: [RuleCategory: Character] = [.forbiddenContent: "F", .secret: "S", .configuration: "C", .waste: "W",
                                                  .baseImage: "B", .anomaly: "A"]
        for rule in RuleCatalog.all {
            #expect(rule.id.hasPrefix("MOAT-"))
            let code = rule.id.dropFirst(5)
            #expect(code.count == 4 && code.dropFirst().allSatisfy { $0.isNumber }, "\(rule.id)")
            #expect(code.first == letter[rule.category], "\(rule.id) is \(rule.category)")
            #expect(!rule.title.isEmpty && !rule.help.isEmpty)
        }
        #expect(Set(RuleCatalog.all.map(\.category)) == Set(RuleCategory.allCases))
    }

    @Test("lookup by id finds each rule and nothing else")
    func lookup() {
        for rule in RuleCatalog.all { #expect(RuleCatalog.rule(id: rule.id) == rule) }
        #expect(RuleCatalog.rule(id: "MOAT-X999") == nil)
        #expect(RuleCatalog.rule(id: "moat-f001") == nil)
    }

    @Test("default severities follow the catalogue")
    func severities() {
        #expect(RuleCatalog.privateKey.severity == .critical)
        #expect(RuleCatalog.shell.severity == .high)
        #expect(RuleCatalog.interpreter.severity == .info)
        #expect(Severity.critical > Severity.high && Severity.high > Severity.medium)
        #expect(Severity.medium > Severity.low && Severity.low > Severity.info)
    }

    @Test("every finding of a busy image uses a catalogue id, category and title")
    func findingsUseCatalogue() async throws {
        var base = TarBuilder()
        base.directories("usr", "usr/bin", "tmp", "root", "root/.docker")
        base.executable("usr/bin/bash")
        base.executable("usr/bin/apt")
        base.executable("usr/bin/sudo", mode: 0o4755)
        base.blob("tmp/x", size: 5)
        base.file("root/.docker/config.json", "{}")
        var image = TestImage()
        image.containerConfig = ContainerConfig(env: ["API_TOKEN=abc"], exposedPorts: ["22/tcp"], volumes: ["/proc"])
        image.addLayer(base, createdBy: rootfsCreatedBy)
        let report = try await analyze(image)
        #expect(report.findings.count >= 8)
        for finding in report.findings {
            let rule = try #require(RuleCatalog.rule(id: finding.ruleID))
            #expect(finding.category == rule.category)
            #expect(finding.title == rule.title)
        }
        // Sorted by severity, most severe first.
        let severities = report.findings.map(\.severity)
        #expect(severities == severities.sorted(by: >))
    }
}
