/// Decoding of JSON string contents already validated by `JSONParser`.
enum JSONText {
    /// The text of the string whose raw contents (between the quotes) are `start..<end`.
    /// The parser has validated UTF-8 and escapes, so this cannot fail.
    static func decode(_ p: UnsafePointer<UInt8>, start: Int, end: Int, escaped: Bool) -> String {
        let raw = UnsafeBufferPointer(start: p + start, count: end - start)
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\"), i + 1 < raw.count else {
                output.append(b)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(raw.baseAddress ?? p, i, raw.count) ?? 0xFFFD)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF, let low = hex4(raw.baseAddress ?? p, i + 2, raw.count) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                }
                appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}", to: &output)
            default: output.append(e)  // '"', '\\' and '/' stand for themselves
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of four hex digits at `p[at..<at+4]`, or nil if they are not all hex digits or run past `count`.
    static func hex4(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> UInt16? {
        guard at >= 0, at + 4 <= count else { return nil }
        var value: UInt16 = 0
        for k in 0..<4 {
            let c = p[at + k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            output.append(UInt8(v))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | v >> 6))
            output.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | v >> 12))
            output.append(UInt8(0x80 | v >> 6 & 0x3F))
            output.append(UInt8(0x80 | v & 0x3F))
        default:
            output.append(UInt8(0xF0 | v >> 18))
            output.append(UInt8(0x80 | v >> 12 & 0x3F))
            output.append(UInt8(0x80 | v >> 6 & 0x3F))
            output.append(UInt8(0x80 | v & 0x3F))
        }
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

/// Renders the location of a tape entry the way Kubernetes names fields: `request.object.spec.containers[1].image`,
/// with keys that are not plain words in brackets: `metadata.annotations["example.com/ticket"]`.
enum JSONPath {
    /// The path from the document's top-level value to entry `index` ("" for the top-level value itself).
    static func render(tape: [JSONDocument.Entry], base: UnsafePointer<UInt8>, index: Int) -> String {
        var components: [String] = []
        var current = index
        while current >= 0 && current < tape.count {
            let parent = tape[current].parent
            guard parent != JSONDocument.noParent else { break }
            let container = Int(parent)
            if tape[container].kind == .object {
                // A member's value directly follows its key.
                let key = current - 1
                let text = JSONText.decode(base, start: Int(tape[key].start), end: Int(tape[key].end), escaped: tape[key].escaped)
                components.append(isWord(text) ? "." + text : "[" + quoted(text) + "]")
            } else {
                var position = 0
                var child = container + 1
                while child < current {
                    position += 1
                    child = Int(tape[child].next)
                }
                components.append("[\(position)]")
            }
            current = container
        }
        components.reverse()
        // Keep messages short for absurdly deep documents: the start and the end say where.
        if components.count > 24 {
            components = components.prefix(12) + ["…"] + components.suffix(8)
        }
        var path = components.joined()
        if path.hasPrefix(".") { path.removeFirst() }
        return path
    }

    /// `text` as a JSON string literal, shortened to 80 characters for messages.
    static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: min(text.utf8.count, 100) + 2)
        writer.string(text.count > 80 ? String(text.prefix(79)) + "…" : text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends a key to a path string, as `render` would.
    static func appending(_ key: String, to path: String) -> String {
        if isWord(key) { return path.isEmpty ? key : path + "." + key }
        return path + "[" + quoted(key) + "]"
    }

    private static func isWord(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 80
            && text.utf8.allSatisfy { b in
                b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") || b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")
                    || b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            }
    }
}
