import Foundation
import KubeSchema

/// A decoded manifest value, shaped like the JSON that kubesec's Go code sees
/// (every number is a float64, every mapping key a string).
public enum ManifestValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ManifestValue])
    case object([String: ManifestValue])

    /// Member lookup; nil when self is not an object or the key is absent.
    public subscript(key: String) -> ManifestValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Walks a key path; nil as soon as a step is missing.
    public func value(at path: [String]) -> ManifestValue? {
        var current: ManifestValue = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// True when the key path exists, even when the value there is `null`.
    func hasPath(_ path: [String]) -> Bool { value(at: path) != nil }

    /// Non-nil, non-null value at the path.
    func nonNull(at path: [String]) -> ManifestValue? {
        guard let value = value(at: path), value != .null else { return nil }
        return value
    }

    public var arrayValue: [ManifestValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// Go's `fmt` `%v` text of the value as decoded by encoding/json into `interface{}`:
    /// lists print as `[a b]`, maps as `map[k:v]` with sorted keys, null as `<nil>`.
    public var goText: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return GoText.float(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(\.goText).joined(separator: " ") + "]"
        case .object(let members):
            let parts = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { key in key + ":" + (members[key]?.goText ?? "<nil>") }
            return "map[" + parts.joined(separator: " ") + "]"
        }
    }
}
