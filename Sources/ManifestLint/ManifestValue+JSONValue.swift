import KubeSchema

extension ManifestValue {
    /// The same value in KubeSchema's terms, for schema validation. Both types model what Go's
    /// `encoding/json` decodes (float64 numbers, string-keyed maps), so the conversion is one to one.
    var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(\.jsonValue))
        case .object(let members): return .object(members.mapValues(\.jsonValue))
        }
    }
}
