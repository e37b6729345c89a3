import Foundation

/// Minimal, fast JSON text for the few shapes stored in columns (arrays of strings, string maps, ranges,
/// references). Reading back uses JSONDecoder.
enum JSONText {
    static func append(_ string: String, to out: inout String) {
        out.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    static func array(_ strings: [String]) -> String {
        if strings.isEmpty { return "[]" }
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(",") }
            append(string, to: &out)
        }
        out.append("]")
        return out
    }

    static func object(_ map: [String: String]) -> String {
        if map.isEmpty { return "{}" }
        var out = "{"
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out.append(",") }
            append(key, to: &out)
            out.append(":")
            append(map[key] ?? "", to: &out)
        }
        out.append("}")
        return out
    }

    static func ranges(_ ranges: [AffectedRange]) -> String {
        if ranges.isEmpty { return "[]" }
        var out = "["
        for (index, range) in ranges.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"type\":")
            append(range.type, to: &out)
            if let repo = range.repo {
                out.append(",\"repo\":")
                append(repo, to: &out)
            }
            out.append(",\"events\":[")
            for (eventIndex, event) in range.events.enumerated() {
                if eventIndex > 0 { out.append(",") }
                out.append("{")
                append(event.kind.rawValue, to: &out)
                out.append(":")
                append(event.version, to: &out)
                out.append("}")
            }
            out.append("]}")
        }
        out.append("]")
        return out
    }

    static func references(_ references: [Reference]) -> String {
        if references.isEmpty { return "[]" }
        var out = "["
        for (index, reference) in references.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"type\":")
            append(reference.type, to: &out)
            out.append(",\"url\":")
            append(reference.url, to: &out)
            out.append("}")
        }
        out.append("]")
        return out
    }
}
