/// A JSON value as kubeconform's validator sees it: Go's `encoding/json` decodes every number into a
/// `float64` and every object into a `map[string]any`, so there is no integer case and no member order.
///
/// Numbers are therefore plain `Double`s. A number counts as an integer for `type: integer` when its value
/// is integral (`1`, `1.0`, `1e3`, `2^60` all are), which is what jsonschema v6 decides for a `float64`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Member lookup; nil when self is not an object or the key is absent.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The type name jsonschema v6 prints after "got" (it never says "integer" for an instance).
    var typeName: String { JSONTypeSet.of(self).names.first ?? "null" }
}
