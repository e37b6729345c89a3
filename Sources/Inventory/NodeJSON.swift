/// A JSON value, as the language parsers read `package.json` and cargo-auditable's dependency JSON.
///
/// The reader is small and strict about structure but bounded for hostile input: nesting deeper than `maxDepth`
/// is an error rather than a stack overflow, and it never reads past the buffer. Like Go's `json.Decoder`, it
/// reads the first value and ignores what follows; duplicate keys keep the last value.
enum LanguageJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's text, unconverted.
    case number(String)
    case string(String)
    case array([LanguageJSON])
    case object([String: LanguageJSON])

    subscript(key: String) -> LanguageJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var array: [LanguageJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var integer: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    static func parse(_ bytes: [UInt8], maxDepth: Int = 128) throws(LanguageJSONError) -> LanguageJSON {
        let result: Result<LanguageJSON, LanguageJSONError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = LanguageJSONReader(buffer: buffer, maxDepth: maxDepth)
            // A UTF-8 byte-order mark is tolerated, as Node tolerates it.
            if buffer.count >= 3, buffer[0] == 0xef, buffer[1] == 0xbb, buffer[2] == 0xbf { reader.position = 3 }
            do throws(LanguageJSONError) {
                return .success(try reader.value(depth: 0))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Why JSON could not be read.
struct LanguageJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String
    var offset: Int

    var description: String { "invalid JSON at byte \(offset): \(message)" }
}

private struct LanguageJSONReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.buffer = buffer
        self.maxDepth = maxDepth
    }

    func error(_ message: String) -> LanguageJSONError {
        LanguageJSONError(message: message, offset: position)
    }

    mutating func skipSpace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x09, 0x0a, 0x0d: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(LanguageJSONError) -> LanguageJSON {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        skipSpace()
        guard position < buffer.count else { throw error("unexpected end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: LanguageJSON] = [:]
            skipSpace()
            if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipSpace()
                guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                members[key] = try value(depth: depth + 1)
                skipSpace()
                guard position < buffer.count else { throw error("unexpected end of input") }
                if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
                if buffer[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [LanguageJSON] = []
            skipSpace()
            if position < buffer.count, buffer[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard position < buffer.count else { throw error("unexpected end of input") }
                if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
                if buffer[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            position += 1
            while position < buffer.count {
                switch buffer[position] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                     UInt8(ascii: "+"), UInt8(ascii: "-"):
                    position += 1
                default:
                    return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self))
                }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self))
        default:
            throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(LanguageJSONError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw error("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for index in 0..<count where buffer[position + index] != expected[index] { throw error("invalid literal") }
        position += count
    }

    /// Reads a string starting at its opening quote.
    mutating func string() throws(LanguageJSONError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        while position < buffer.count {
            let byte = buffer[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < buffer.count else { throw error("unexpected end of input") }
                let escape = buffer[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 6 <= buffer.count, buffer[position] == UInt8(ascii: "\\"),
                       buffer[position + 1] == UInt8(ascii: "u") {
                        let save = position
                        position += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                        }
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    bytes.append(contentsOf: String(character).utf8)
                default:
                    throw error("invalid escape")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                bytes.append(byte)
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(LanguageJSONError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw error("unexpected end of input") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
