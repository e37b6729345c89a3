import Testing
@testable import DockerfileLint

@Suite struct PragmaTests {
    @Test func moatIgnoreAppliesToNextInstructionOnly() throws {
        let text = "# moat ignore=MOAT-D001,MOAT-D003\nFROM alpine\nUSER 1\nFROM alpine AS second\n"
        let found = try findings(text)
        #expect(!found.contains { $0.line == 2 && ($0.ruleID == "MOAT-D001" || $0.ruleID == "MOAT-D003") })
        #expect(found.contains { $0.line == 4 && $0.ruleID == "MOAT-D001" })
    }

    @Test func globalIgnore() throws {
        let found = try lintIDs("FROM alpine\n# moat global ignore=MOAT-D001\nFROM alpine\nUSER 1\n")
        #expect(!found.contains("MOAT-D001"))
        #expect(found.contains("MOAT-D003"))
    }

    @Test func hadolintPragmaIsMapped() throws {
        let found = try findings("FROM debian:12\n# hadolint ignore=DL3015,SC2086\nRUN apt-get install -y curl\nUSER 1\n")
        #expect(!found.contains { $0.ruleID == "MOAT-D020" })
        #expect(found.contains { $0.ruleID == "MOAT-D011" }, "unmapped rules still fire")
        #expect(try lintIDs("# hadolint global ignore=DL3006\nFROM alpine\nUSER 1\n").contains("MOAT-D001") == false)
    }

    @Test func pragmaParser() {
        #expect(Pragmas.parse("moat ignore=MOAT-D001")?.ids == ["MOAT-D001"])
        #expect(Pragmas.parse("moat global ignore = dl3007")?.global == true)
        #expect(Pragmas.parse("moat global ignore = dl3007")?.ids == ["MOAT-D002"])
        #expect(Pragmas.parse("just a comment") == nil)
        #expect(Pragmas.parse("moat ignored") == nil)
    }
}
