import Foundation

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
        case .number(let number): return GoFormat.float(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map(\.goText).joined(separator: " ") + "]"
        case .object(let members):
            let parts = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { key in key + ":" + (members[key]?.goText ?? "<nil>") }
            return "map[" + parts.joined(separator: " ") + "]"
        }
    }
}

enum GoFormat {
    /// `strconv.FormatFloat(v, 'g', -1, 64)`, which is what `%v` prints for a float64.
    static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Shortest round-trip digits from Swift's description.
        let negative = value < 0
        let (digits, pointPosition) = shortestDigits(abs(value))
        let exponent = pointPosition - 1
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            out += String(digits.first ?? "0")
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            out += "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return out
        }
        if pointPosition <= 0 {
            out += "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            out += digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: pointPosition)
            out += digits[..<index] + "." + digits[index...]
        }
        return out
    }

    /// Decimal digits (no leading/trailing zeros) and the decimal point position:
    /// value = 0.d1d2d3… × 10^pointPosition.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = "\(value)"  // e.g. "1234.5", "1e-05", "1.2345e+20"
        var mantissa = text
        var exponent = 0
        if let eIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<eIndex])
            exponent = Int(text[text.index(after: eIndex)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var point = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }
}
