#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The single-pass, non-recursive parser that fills a `JSONDocument` tape. It lives only inside
/// `withUnsafeBufferPointer`, so holding the base pointer is safe.
struct JSONParser {
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private var tape: [JSONDocument.Entry]
    /// Tape indices of the objects and arrays still open, innermost last.
    private var open: [UInt32] = []
    private let maxDepth: Int
    private let maxValues: Int

    init(base: UnsafePointer<UInt8>, count: Int, limits: AdmissionLimits) {
        p = base
        n = count
        maxDepth = max(1, limits.maxDepth)
        maxValues = max(1, limits.maxValues)
        tape = []
        // Kubernetes objects run at roughly one value per 12-20 bytes; growing past this is amortised.
        tape.reserveCapacity(min(max(count / 16, 16), maxValues))
        open.reserveCapacity(32)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    mutating func parse() throws(AdmissionError) -> [JSONDocument.Entry] {
        var i = skipWhitespace(0)
        guard i < n else { throw AdmissionError(.malformedJSON, "the document holds only whitespace") }
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            throw syntax("a UTF-8 byte order mark is not allowed", at: 0)
        }
        valueLoop: while true {
            // A value starts at i (whitespace already skipped).
            guard i < n else { throw syntax("the document ends where a value was expected", at: i) }
            switch p[i] {
            case UInt8(ascii: "{"):
                try push(.object, at: i)
                i = skipWhitespace(i + 1)
                guard i < n && p[i] == UInt8(ascii: "}") else {
                    i = try key(i)
                    continue valueLoop
                }
                try close(at: i)
                i += 1
            case UInt8(ascii: "["):
                try push(.array, at: i)
                i = skipWhitespace(i + 1)
                guard i < n && p[i] == UInt8(ascii: "]") else { continue valueLoop }
                try close(at: i)
                i += 1
            case Self.quote:
                i = try string(i, kind: .string)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try number(i)
            case UInt8(ascii: "t"):
                i = try literal(i, "true", .true)
            case UInt8(ascii: "f"):
                i = try literal(i, "false", .false)
            case UInt8(ascii: "n"):
                i = try literal(i, "null", .null)
            default:
                throw syntax("expected a value, found \(describe(p[i]))", at: i)
            }
            // After a value: a separator, the end of the enclosing container(s), or the end of the document.
            while true {
                i = skipWhitespace(i)
                guard let top = open.last else {
                    guard i == n else { throw syntax("unexpected \(describe(p[i])) after the top-level value", at: i) }
                    return tape
                }
                let inObject = tape[Int(top)].kind == .object
                guard i < n else { throw syntax("the document ends inside \(inObject ? "an object" : "an array")", at: i) }
                let byte = p[i]
                if byte == UInt8(ascii: ",") {
                    i = skipWhitespace(i + 1)
                    if inObject { i = try key(i) }
                    continue valueLoop
                }
                if inObject ? byte == UInt8(ascii: "}") : byte == UInt8(ascii: "]") {
                    try close(at: i)
                    i += 1
                    continue
                }
                throw syntax(
                    inObject
                        ? "expected ',' or '}' after an object member, found \(describe(byte))"
                        : "expected ',' or ']' after an array element, found \(describe(byte))",
                    at: i
                )
            }
        }
    }

    // MARK: - Containers

    private mutating func push(_ kind: JSONDocument.Kind, at offset: Int) throws(AdmissionError) {
        guard open.count < maxDepth else {
            throw AdmissionError(.limitExceeded, "JSON nested deeper than \(maxDepth) levels at byte \(offset)\(location())")
        }
        let index = try append(kind, start: offset, end: offset)
        open.append(UInt32(index))
    }

    private mutating func close(at offset: Int) throws(AdmissionError) {
        guard let top = open.popLast() else { return }
        let index = Int(top)
        tape[index].end = UInt32(offset + 1)
        tape[index].next = UInt32(tape.count)
        if tape[index].kind == .object && index + 1 < tape.count { try checkDuplicateKeys(object: index) }
    }

    /// Refuses an object with two equal keys (compared after unescaping), naming the key and where.
    private func checkDuplicateKeys(object: Int) throws(AdmissionError) {
        let end = tape.count
        // Most Kubernetes objects are small: compare pairwise without allocating. Larger ones go through a set.
        var count = 0
        var anyEscaped = false
        var key = object + 1
        while key < end {
            count += 1
            if tape[key].escaped { anyEscaped = true }
            key = Int(tape[key + 1].next)
        }
        if count <= 16 && !anyEscaped {
            var a = object + 1
            while a < end {
                let ka = tape[a]
                let length = Int(ka.end - ka.start)
                var b = Int(tape[a + 1].next)
                while b < end {
                    let kb = tape[b]
                    if Int(kb.end - kb.start) == length && memcmp(p + Int(ka.start), p + Int(kb.start), length) == 0 {
                        throw duplicate(b)
                    }
                    b = Int(tape[b + 1].next)
                }
                a = Int(tape[a + 1].next)
            }
            return
        }
        var seen = Set<String>(minimumCapacity: count)
        key = object + 1
        while key < end {
            if !seen.insert(text(of: key)).inserted { throw duplicate(key) }
            key = Int(tape[key + 1].next)
        }
    }

    private func duplicate(_ key: Int) -> AdmissionError {
        let path = JSONPath.render(tape: tape, base: p, index: Int(tape[key].parent))
        return AdmissionError(
            .malformedJSON,
            "duplicate key \(JSONPath.quoted(text(of: key))) at byte \(Int(tape[key].start) - 1) in "
                + (path.isEmpty ? "the top-level object" : path)
                + " (Go's decoder keeps the last, others the first, so the document is refused)",
            path: path
        )
    }

    private func text(of entry: Int) -> String {
        JSONText.decode(p, start: Int(tape[entry].start), end: Int(tape[entry].end), escaped: tape[entry].escaped)
    }

    // MARK: - Scalars

    @discardableResult
    private mutating func append(_ kind: JSONDocument.Kind, start: Int, end: Int, escaped: Bool = false) throws(AdmissionError) -> Int {
        let index = tape.count
        guard index < maxValues else {
            throw AdmissionError(.limitExceeded, "the document holds more than \(maxValues) JSON values (limit reached at byte \(start))")
        }
        tape.append(
            JSONDocument.Entry(
                start: UInt32(truncatingIfNeeded: start),
                end: UInt32(truncatingIfNeeded: end),
                parent: open.last ?? JSONDocument.noParent,
                next: UInt32(truncatingIfNeeded: index + 1),
                kind: kind,
                escaped: escaped
            )
        )
        return index
    }

    /// Parses an object key and the `:` after it; returns the offset of the member's value.
    private mutating func key(_ start: Int) throws(AdmissionError) -> Int {
        guard start < n else { throw syntax("the document ends where an object key was expected", at: start) }
        guard p[start] == Self.quote else { throw syntax("expected a string key, found \(describe(p[start]))", at: start) }
        var i = try string(start, kind: .key)
        i = skipWhitespace(i)
        guard i < n else { throw syntax("the document ends after an object key", at: i) }
        guard p[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after an object key, found \(describe(p[i]))", at: i) }
        return skipWhitespace(i + 1)
    }

    /// Scans a string from its opening quote, validating escapes and UTF-8; returns the offset after it.
    private mutating func string(_ quoteAt: Int, kind: JSONDocument.Kind) throws(AdmissionError) -> Int {
        var i = quoteAt + 1
        var escaped = false
        while true {
            // Fast path: printable ASCII.
            while i < n {
                let b = p[i]
                if b == Self.quote || b == Self.backslash || b < 0x20 || b >= 0x80 { break }
                i += 1
            }
            guard i < n else { throw syntax("unterminated string (opened at byte \(quoteAt))", at: n) }
            let b = p[i]
            if b == Self.quote { break }
            if b == Self.backslash {
                escaped = true
                i = try escape(i)
            } else if b < 0x20 {
                throw syntax("control character \(describe(b)) inside a string must be escaped", at: i)
            } else {
                i = try utf8Sequence(i)
            }
        }
        try append(kind, start: quoteAt + 1, end: i, escaped: escaped)
        return i + 1
    }

    /// Validates one backslash escape at `i`; returns the offset after it.
    private func escape(_ i: Int) throws(AdmissionError) -> Int {
        guard i + 1 < n else { throw syntax("unterminated escape in a string", at: i) }
        switch p[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            guard let unit = JSONText.hex4(p, i + 2, n) else { throw syntax("\\u must be followed by four hex digits", at: i) }
            if unit >= 0xDC00 && unit <= 0xDFFF { throw syntax("\\u escape is a low surrogate without a high one", at: i) }
            guard unit >= 0xD800 && unit <= 0xDBFF else { return i + 6 }
            guard i + 7 < n, p[i + 6] == Self.backslash, p[i + 7] == UInt8(ascii: "u"),
                let low = JSONText.hex4(p, i + 8, n), low >= 0xDC00 && low <= 0xDFFF
            else {
                throw syntax("\\u escape is a high surrogate not followed by a \\u low surrogate", at: i)
            }
            return i + 12
        default:
            throw syntax("invalid escape: backslash followed by \(describe(p[i + 1]))", at: i)
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `i` (Unicode table 3-7); returns the offset after it.
    private func utf8Sequence(_ i: Int) throws(AdmissionError) -> Int {
        let lead = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw syntax("invalid UTF-8: \(describe(lead)) cannot start a character", at: i)
        }
        guard i + length <= n else { throw syntax("invalid UTF-8: truncated multi-byte sequence", at: i) }
        let second = p[i + 1]
        guard second >= low && second <= high else { throw syntax("invalid UTF-8 sequence (overlong, surrogate or bad continuation)", at: i) }
        var k = 2
        while k < length {
            guard p[i + k] & 0xC0 == 0x80 else { throw syntax("invalid UTF-8 sequence (bad continuation byte)", at: i) }
            k += 1
        }
        return i + length
    }

    private mutating func number(_ start: Int) throws(AdmissionError) -> Int {
        var i = start
        if p[i] == UInt8(ascii: "-") { i += 1 }
        if i < n && p[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits(&i) == 0 {
            throw syntax("invalid number: a digit must follow '-'", at: start)
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&i) > 0 else { throw syntax("invalid number: a digit must follow '.'", at: start) }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits(&i) > 0 else { throw syntax("invalid number: a digit must follow the exponent", at: start) }
        }
        try append(.number, start: start, end: i)
        return i
    }

    private func digits(_ i: inout Int) -> Int {
        let from = i
        while i < n && p[i] >= UInt8(ascii: "0") && p[i] <= UInt8(ascii: "9") { i += 1 }
        return i - from
    }

    private mutating func literal(_ start: Int, _ word: StaticString, _ kind: JSONDocument.Kind) throws(AdmissionError) -> Int {
        let length = word.utf8CodeUnitCount
        guard start + length <= n, memcmp(p + start, word.utf8Start, length) == 0 else {
            throw syntax("invalid literal (expected \(word))", at: start)
        }
        try append(kind, start: start, end: start + length)
        return start + length
    }

    // MARK: - Helpers

    private func skipWhitespace(_ start: Int) -> Int {
        var i = start
        while i < n {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { break }
            i += 1
        }
        return i
    }

    /// A syntax error at byte `offset`, naming the innermost open container.
    private func syntax(_ message: String, at offset: Int) -> AdmissionError {
        AdmissionError(.malformedJSON, "invalid JSON at byte \(offset)\(location()): \(message)")
    }

    /// " (in request.object.spec)" for the innermost open container, "" at the top level.
    private func location() -> String {
        guard let container = open.last else { return "" }
        let path = JSONPath.render(tape: tape, base: p, index: Int(container))
        return path.isEmpty ? "" : " (in \(path))"
    }

    private func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(JSONText.hexByte(byte))"
    }
}
