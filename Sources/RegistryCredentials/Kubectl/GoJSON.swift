/// Go `encoding/json` string output, byte for byte: HTML-safe escaping of `<`, `>`, `&`, short escapes for
/// `\n \r \t \" \\` (and `\b \f` since Go 1.22; `\u0008 \u000c` before), `\u00XX` for other control bytes,
/// `\u2028`/`\u2029`, and `\ufffd` for each byte of invalid UTF-8.
enum GoJSON {
    /// Which Go release's escaping to reproduce.
    enum Escaping: Sendable {
        /// Go 1.22 and later (kubectl 1.30+): `\b` and `\f`.
        case current
        /// Go 1.21 and earlier (kubectl up to 1.29, Debian's 1.20): `\u0008` and `\u000c`.
        case legacy
    }

    static func string(_ bytes: [UInt8], escaping: Escaping = .current) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var output: [UInt8] = [UInt8(ascii: "\"")]
        output.reserveCapacity(bytes.count + 2)
        var slice = bytes[...]
        while let byte = slice.first {
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""):
                    output.append(contentsOf: [UInt8(ascii: "\\"), byte])
                case 0x0A: output.append(contentsOf: Array("\\n".utf8))
                case 0x0D: output.append(contentsOf: Array("\\r".utf8))
                case 0x09: output.append(contentsOf: Array("\\t".utf8))
                case 0x08 where escaping == .current: output.append(contentsOf: Array("\\b".utf8))
                case 0x0C where escaping == .current: output.append(contentsOf: Array("\\f".utf8))
                case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                    output.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default:
                    output.append(byte)
                }
                slice = slice.dropFirst()
                continue
            }
            let (rune, width) = GoUTF8.decode(slice)
            if rune == 0xFFFD && width == 1 {
                output.append(contentsOf: Array("\\ufffd".utf8))
            } else if rune == 0x2028 || rune == 0x2029 {
                output.append(contentsOf: Array("\\u202".utf8) + [hex[Int(rune & 0xF)]])
            } else {
                output.append(contentsOf: slice.prefix(width))
            }
            slice = slice.dropFirst(width)
        }
        output.append(UInt8(ascii: "\""))
        return output
    }
}
