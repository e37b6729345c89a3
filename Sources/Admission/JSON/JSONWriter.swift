import Foundation
/// Writes JSON straight into a byte array: responses are small and fixed in shape, so this avoids building a
/// dictionary for `JSONSerialization` and the allocations that come with it.
///
/// Strings are escaped as RFC 8259 requires (`"`, `\` and control characters); everything else, including
/// non-ASCII text, is written as UTF-8. Swift strings are always valid Unicode, so the output is valid UTF-8.
struct JSONWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends bytes known to be valid JSON (punctuation, keys written in source).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends `text` as a quoted, escaped JSON string.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscape(b)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ b: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let digits = Self.hexDigits
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(b >> 4)], digits[Int(b & 0xF)]])
        }
    }

    /// Appends a `map[string]string` as a JSON object with its keys sorted, so output is deterministic.
    mutating func stringMap(_ map: [String: String]) {
        raw("{")
        var first = true
        for key in map.keys.sorted() {
            if !first { raw(",") }
            first = false
            string(key)
            raw(":")
            string(map[key] ?? "")
        }
        raw("}")
    }

    /// Appends `data` as a quoted standard base64 string (with padding), the encoding Go uses for `[]byte`.
    mutating func base64String(_ data: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        Self.appendBase64(data, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Foundation's encoder: standard alphabet, with padding.
    static func appendBase64(_ data: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: Data(data).base64EncodedData())
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
