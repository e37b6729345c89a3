/// JSON text exactly as Go's `encoding/json` writes it (HTML escaping on, the default): the bytes kubesec, cosign and
/// kubectl produce, for outputs that must match them byte for byte.
public enum GoJSON {
    /// A quoted string: `"`, `\`, `\n`, `\r`, `\t`, `\b`, `\f`, other controls as `\u00XX`, the HTML-sensitive `<`, `>`,
    /// `&`, and U+2028/U+2029 escaped.
    public static func quote(_ text: String) -> String {
        // Most texts (rule ids, selectors, references) need no escaping: copy them whole.
        if !needsEscaping(text) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `quote(text)` appended to `out`, without building a string when nothing needs escaping.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        if needsEscaping(text) {
            out.append(contentsOf: quote(text).utf8)
        } else {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// An object of string values with the keys sorted by their UTF-8 bytes, as Go sorts map keys.
    public static func object(_ fields: [String: String]) -> String {
        let keys = fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{" + keys.map { quote($0) + ":" + quote(fields[$0] ?? "") }.joined(separator: ",") + "}"
    }

    /// True when `quote` has to rewrite some byte of `text` (a plain loop over the UTF-8 storage).
    static func needsEscaping(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where needsEscape(byte) { return true }
            return false
        }
    }

    /// Bytes that `quote` rewrites: controls, `"`, backslash, HTML's `<`, `>`, `&`, and 0xE2, the lead byte of U+2028
    /// and U+2029.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0xE2:
            return true
        default:
            return false
        }
    }
}
