import KubeSchema

/// A member name repeated within one JSON object.
///
/// kubesec hands whole-input JSON to kubeconform unchanged, and kubeconform's strict decoding (go-yaml v2
/// `UnmarshalStrict`) rejects repeated keys. YAML input never gets there with duplicates: kubesec first
/// converts it to JSON without strictness, which keeps the last value.
struct DuplicateKey: Equatable, Sendable {
    let name: String
    /// 1-based line where the repeated member's value starts (go-yaml reports the value's line).
    let line: Int

    /// kubeconform's error for the document (status Error, so kubesec adds no newline after it).
    static func message(_ duplicates: [DuplicateKey]) -> String {
        "error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n  "
            + duplicates.map { "line \($0.line): key \(GoText.goQuoted($0.name)) already set in map" }.joined(separator: "\n  ")
    }
}
