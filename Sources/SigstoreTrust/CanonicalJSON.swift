/// The little of RFC 8785 (JSON Canonicalization Scheme) a signed entry timestamp needs: an object of strings and
/// integers, keys sorted by UTF-16 code units, no whitespace.
///
/// Rekor signs `jsoncanonicalizer.Transform(json.Marshal(payload))` (cyberphone's Go implementation of RFC 8785),
/// so strings are escaped the RFC 8785 way (only `"`, `\` and control characters; `\b \t \n \f \r` short forms,
/// otherwise `\u00xx` in lower-case hex; everything else, including non-ASCII and `<>&`, written as UTF-8) and
/// integers in plain decimal. Integers beyond 2^53 would be rounded by RFC 8785's number rules; log indexes and
/// Unix times are far below that.
enum CanonicalJSON {
    enum Value {
        case string(String)
        case integer(Int64)
    }

    /// The canonical bytes of an object with these members.
    static func object(_ members: [(key: String, value: Value)]) -> [UInt8] {
        let sorted = members.sorted { Array($0.key.utf16).lexicographicallyPrecedes(Array($1.key.utf16)) }
        var output: [UInt8] = [UInt8(ascii: "{")]
        for (index, member) in sorted.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendString(member.key, to: &output)
            output.append(UInt8(ascii: ":"))
            switch member.value {
            case .string(let text): appendString(text, to: &output)
            case .integer(let number): output.append(contentsOf: String(number).utf8)
            }
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    static func appendString(_ text: String, to output: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: Array(#"\""#.utf8))
            case UInt8(ascii: "\\"): output.append(contentsOf: Array(#"\\"#.utf8))
            case 0x08: output.append(contentsOf: Array(#"\b"#.utf8))
            case 0x09: output.append(contentsOf: Array(#"\t"#.utf8))
            case 0x0A: output.append(contentsOf: Array(#"\n"#.utf8))
            case 0x0C: output.append(contentsOf: Array(#"\f"#.utf8))
            case 0x0D: output.append(contentsOf: Array(#"\r"#.utf8))
            case 0x00..<0x20:
                output.append(contentsOf: Array(#"\u00"#.utf8))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
