import Foundation

/// JSON text exactly as Go's `encoding/json.Marshal` writes it, for the payloads cosign signs: the signed bytes must be
/// the ones cosign and containers/image produce for the same claims.
enum GoJSON {
    /// A quoted string with Go's escaping: `"`, `\`, control characters, the HTML-sensitive `<`, `>`, `&`, and U+2028/9.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// An object whose values are strings, keys sorted by their UTF-8 bytes as Go sorts map keys.
    static func object(_ fields: [String: String]) -> String {
        let keys = fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{" + keys.map { string($0) + ":" + string(fields[$0] ?? "") }.joined(separator: ",") + "}"
    }
}
