import Foundation
@testable import ManifestLint

enum Fixture {
    static func scan(_ yaml: String, fileName: String = "x.yaml", options: KubesecScanOptions = KubesecScanOptions()) throws -> [KubesecResult] {
        try KubesecScanner.scan(data: Data(yaml.utf8), fileName: fileName, options: options)
    }

    static func single(_ yaml: String, options: KubesecScanOptions = KubesecScanOptions()) throws -> KubesecResult {
        let results = try scan(yaml, options: options)
        guard results.count == 1, let first = results.first else { throw FixtureError.expectedOne(results.count) }
        return first
    }

    enum FixtureError: Error { case expectedOne(Int) }

    /// Only these rules, without schema validation: for fixtures that exercise rules on partial or wrongly
    /// typed manifests (kubesec's rules tolerate them; its schema validation would reject them first).
    static func rulesOnly(_ ids: [String]) -> KubesecScanOptions {
        KubesecScanOptions(ruleIDs: ids, schemaValidator: nil)
    }

    static func ids(_ list: [KubesecRuleResult]) -> [String] { list.map(\.id) }
}
