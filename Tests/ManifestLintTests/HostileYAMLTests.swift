import Foundation
import Testing
@testable import ManifestLint

/// Hostile inputs produce an invalid report for their own document; the other documents are still scanned.
struct HostileYAMLTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  hostPID: true\n  containers: [{name: a}]\n"

    static func expectIsolated(_ hostile: String, messageContains fragment: String, limits: ManifestLimits = .default) throws {
        let data = Data((hostile + "\n---\n" + pod).utf8)
        let results = try KubesecScanner.scan(data: data, fileName: "h.yaml", options: KubesecScanOptions(limits: limits))
        #expect(results.count == 2)
        let first = try #require(results.first)
        #expect(first.object == "Unknown")
        #expect(!first.valid && first.score == 0 && first.scoring == KubesecScoring())
        #expect(first.message.contains(fragment), "\(first.message.prefix(200))")
        #expect(results.last?.object == "Pod/ok.default")
        #expect(results.last?.score == -9)
    }

    static let billionLaughs: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n")
    }()

    @Test func aliasBombIsCapped() throws {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try Self.expectIsolated(Self.billionLaughs, messageContains: "alias bomb")
        }
        #expect(elapsed < .seconds(20))
    }

    @Test func modestAliasUseIsAllowed() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: i\n    securityContext: &sc {privileged: true}\n"
            + "  containers:\n  - name: a\n    securityContext: *sc\n"
        let result = try Fixture.single(yaml, options: KubesecScanOptions(ruleIDs: ["Privileged"]))
        #expect(result.score == -30)
    }

    @Test func aliasAsMappingKeyIsRejectedBeforeHashing() throws {
        let yaml = Self.billionLaughs + "\nb:\n  *a9 : boom"
        try Self.expectIsolated(yaml, messageContains: "mapping keys")
    }

    @Test func oversizedDocumentIsRejected() throws {
        // A 50 MB document: the per-document cap (8 MiB by default) rejects it without parsing.
        let big = "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: \"" + String(repeating: "x", count: 50 << 20) + "\""
        try Self.expectIsolated(big, messageContains: "document too large")
    }

    @Test func oversizedInputFailsTheRun() {
        let limits = ManifestLimits(maxInputBytes: 1024)
        let data = Data(String(repeating: "#", count: 2048).utf8)
        #expect(throws: ManifestInputError.inputTooLarge(limit: 1024, actual: 2048)) {
            try KubesecScanner.scan(data: data, fileName: "f", options: KubesecScanOptions(limits: limits))
        }
    }

    static func deepDocument(_ shape: String) -> String {
        switch shape {
        case "flow-sequences": return String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        case "flow-mappings": return String(repeating: "{a: ", count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        case "block-mappings": return (0..<1500).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " v"
        default: return (0..<3000).map { _ in "- " }.joined() + "x"
        }
    }

    @Test(arguments: ["flow-sequences", "flow-mappings", "block-mappings", "compact-sequences"])
    func deepNestingIsRejected(_ shape: String) throws {
        try Self.expectIsolated(Self.deepDocument(shape), messageContains: "too deeply nested")
    }

    @Test func deepJSONIsRejected() throws {
        let json = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = try Fixture.single(json)
        #expect(!result.valid)
        #expect(result.message.contains("too deeply nested"))
    }

    @Test func moderateNestingIsAccepted() throws {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata:\n"
            + (1...40).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " v\n"
        // ConfigMap data values must be strings, so only the reader's limits are under test: no schema.
        let result = try Fixture.single(yaml, options: KubesecScanOptions(schemaValidator: nil))
        #expect(result.valid)
        #expect(result.object == "ConfigMap/n.default")
    }

    @Test func blockScalarContentDoesNotCountAsNesting() throws {
        let script = (0..<300).map { String(repeating: " ", count: 4 + $0) + "echo \($0)" }.joined(separator: "\n")
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  run.sh: |\n" + script + "\n"
        #expect(try Fixture.single(yaml).valid)
    }

    @Test(arguments: [
        [UInt8]([0xFF, 0xFE, 0x00, 0x41, 0x80, 0x81, 0xC3, 0x28]),
        [UInt8]([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]),
        [UInt8](repeating: 0x00, count: 64),
    ])
    func binaryGarbageIsReportedNotFatal(_ garbage: [UInt8]) throws {
        var data = Data(garbage)
        data.append(Data(("\n---\n" + Self.pod).utf8))
        let results = try KubesecScanner.scan(data: data, fileName: "g", options: KubesecScanOptions())
        #expect(results.count == 2)
        #expect(results.first?.valid == false)
        #expect(results.first?.message.hasPrefix("yaml:") == true)
        #expect(results.last?.score == -9)
    }

    @Test func garbageTextIsInvalidNotCrash() throws {
        try Self.expectIsolated("::: [}{ ]]] @@@ `", messageContains: "yaml:")
    }
}
