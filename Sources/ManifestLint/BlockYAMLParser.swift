import Yams

/// A fast path for the plain block YAML that manifests are almost always written in: block mappings and
/// sequences, single-line plain and quoted scalars, and one-line flow sequences of scalars (`["ALL"]`, `[]`, `{}`).
///
/// Yams composes a `Node` tree and resolves the tag of every plain scalar, keys included, by trying up to
/// seven `NSRegularExpression`s; for a typical Pod that was most of the cost of a scan. This parser builds the
/// `ManifestValue` directly and asks Yams' resolver only about the rare plain scalars that could be a number
/// in some form other than plain decimal (`0x1F`, `1_000`, `.inf`, `1.5`), so the values are the ones
/// `ManifestDocuments.convert` would produce.
///
/// It gives up (returns nil) on anything it is not sure about, and the caller then runs the Yams path, which
/// decides, or reports the error, exactly as before: non-ASCII or control bytes (tabs, CR), directives and
/// document markers after the first line, anchors, aliases, tags, block scalars, multi-line scalars, escapes
/// in double-quoted scalars, nested or multi-line flow collections, non-empty flow mappings, repeated keys,
/// merge keys, and any indentation that is not a well-formed block structure. It also gives up when the
/// document exceeds `ManifestLimits.maxDepth` or `maxNodes`, counted the way `convert` counts them.
struct BlockYAMLParser {
    /// One line that is neither blank nor only a comment.
    private struct Line {
        /// Column of the first content byte (spaces only; tabs make the parser give up).
        var indent: Int
        /// Offset of the first content byte.
        var start: Int
        /// Offset just past the last byte of the line (before `\n`).
        var end: Int
    }

    private struct GiveUp: Error {}

    private let bytes: [UInt8]
    private var lines: [Line] = []
    private var current = 0
    private var budget: Int
    private let maxDepth: Int

    private init(bytes: [UInt8], limits: ManifestLimits) {
        self.bytes = bytes
        self.budget = limits.maxNodes
        self.maxDepth = limits.maxDepth
    }

    /// The decoded document, or nil when the Yams path must decide.
    static func parse(_ bytes: [UInt8], limits: ManifestLimits) -> ManifestValue? {
        var parser = BlockYAMLParser(bytes: bytes, limits: limits)
        do {
            try parser.splitLines()
            guard let first = parser.lines.first else { return nil }
            let root = try parser.node(indent: first.indent, depth: 0)
            guard parser.current == parser.lines.count else { return nil }
            return root
        } catch {
            return nil
        }
    }

    // MARK: Lines

    private mutating func splitLines() throws(GiveUp) {
        let count = bytes.count
        var lineStart = 0
        var lineNumber = 0
        while lineStart < count {
            var position = lineStart
            while position < count && bytes[position] == Byte.space { position += 1 }
            var lineEnd = position
            while lineEnd < count {
                let byte = bytes[lineEnd]
                if byte == Byte.newline { break }
                // Printable ASCII only: tabs, CR, other controls and non-ASCII go to Yams.
                guard byte >= 0x20 && byte < 0x7F else { throw GiveUp() }
                lineEnd += 1
            }
            defer {
                lineStart = lineEnd + 1
                lineNumber += 1
            }
            if position == lineEnd || bytes[position] == Byte.hash { continue }
            let indent = position - lineStart
            if indent == 0 && (bytes[position] == Byte.dash || bytes[position] == Byte.dot || bytes[position] == Byte.percent) {
                let isMarker = lineEnd - position >= 3 && bytes[position + 1] == bytes[position] && bytes[position + 2] == bytes[position]
                if bytes[position] == Byte.percent || isMarker {
                    // Only a bare `---` opening the document is taken; anything else is Yams' business.
                    guard lines.isEmpty, lineNumber == 0, bytes[position] == Byte.dash, lineEnd - position == 3 else { throw GiveUp() }
                    continue
                }
            }
            lines.append(Line(indent: indent, start: position, end: lineEnd))
        }
    }

    // MARK: Block nodes

    /// A block node starting on the current line (the caller checked its indentation).
    private mutating func node(indent: Int, depth: Int) throws(GiveUp) -> ManifestValue {
        try count(depth: depth)
        let line = lines[current]
        if isSequenceEntry(line) { return try sequence(indent: indent, depth: depth) }
        if key(in: line) != nil { return try mapping(indent: indent, depth: depth) }
        throw GiveUp()  // a scalar on a line of its own (possibly multi-line)
    }

    private mutating func count(depth: Int) throws(GiveUp) {
        budget -= 1
        guard budget >= 0, depth <= maxDepth else { throw GiveUp() }
    }

    private func isSequenceEntry(_ line: Line) -> Bool {
        bytes[line.start] == Byte.dash && (line.start + 1 == line.end || bytes[line.start + 1] == Byte.space)
    }

    private mutating func mapping(indent: Int, depth: Int) throws(GiveUp) -> ManifestValue {
        var members: [String: ManifestValue] = [:]
        while current < lines.count {
            let line = lines[current]
            if line.indent < indent { break }
            guard line.indent == indent, let (keyValue, keyStyle, valueStart) = key(in: line) else { throw GiveUp() }
            budget -= 1
            let keyText: String
            switch keyValue {
            case .null: keyText = "null"
            default: keyText = keyValue.goText
            }
            // `<<` (merge) and repeated keys: Yams decides.
            guard !(keyStyle == .plain && keyText == "<<"), members[keyText] == nil else { throw GiveUp() }
            let value: ManifestValue
            let rest = skipSpaces(from: valueStart, to: line.end)
            if rest == line.end || bytes[rest] == Byte.hash {
                current += 1
                value = try nestedValue(parentIndent: indent, sequenceAtSameIndent: true, depth: depth + 1)
            } else {
                value = try inline(from: rest, to: line.end, depth: depth + 1)
                current += 1
            }
            members[keyText] = value
            if current < lines.count && lines[current].indent > indent { throw GiveUp() }
        }
        return .object(members)
    }

    private mutating func sequence(indent: Int, depth: Int) throws(GiveUp) -> ManifestValue {
        var items: [ManifestValue] = []
        while current < lines.count {
            let line = lines[current]
            guard line.indent == indent, isSequenceEntry(line) else {
                if line.indent > indent { throw GiveUp() }
                break
            }
            let contentStart = skipSpaces(from: line.start + 1, to: line.end)
            if contentStart == line.end || bytes[contentStart] == Byte.hash {
                current += 1
                items.append(try nestedValue(parentIndent: indent, sequenceAtSameIndent: false, depth: depth + 1))
            } else {
                // `- key: value` opens a mapping whose keys line up with `key`; treat the rest as its own line.
                let rest = Line(indent: indent + (contentStart - line.start), start: contentStart, end: line.end)
                if isSequenceEntry(rest) { throw GiveUp() }
                if key(in: rest) != nil {
                    lines[current] = rest
                    items.append(try node(indent: rest.indent, depth: depth + 1))
                } else {
                    items.append(try inline(from: contentStart, to: line.end, depth: depth + 1))
                    current += 1
                }
            }
            if current < lines.count && lines[current].indent > indent { throw GiveUp() }
        }
        return .array(items)
    }

    /// The value after `key:` or `-` with nothing else on the line: a more indented block, a sequence at the
    /// key's own indentation (mappings only), or an empty scalar (null).
    private mutating func nestedValue(parentIndent: Int, sequenceAtSameIndent: Bool, depth: Int) throws(GiveUp) -> ManifestValue {
        if current < lines.count {
            let next = lines[current]
            if next.indent > parentIndent { return try node(indent: next.indent, depth: depth) }
            if sequenceAtSameIndent && next.indent == parentIndent && isSequenceEntry(next) {
                try count(depth: depth)
                return try sequence(indent: parentIndent, depth: depth)
            }
        }
        try count(depth: depth)
        return .null
    }

    // MARK: Keys

    enum ScalarStyle { case plain, quoted }

    /// `key:` at the start of the line: the key's value, its style, and the offset after the colon.
    private func key(in line: Line) -> (ManifestValue, ScalarStyle, Int)? {
        let start = line.start
        let end = line.end
        let first = bytes[start]
        if first == Byte.doubleQuote || first == Byte.singleQuote {
            guard let (text, close) = quoted(from: start, to: end) else { return nil }
            let colon = skipSpaces(from: close, to: end)
            guard colon < end, bytes[colon] == Byte.colon, colon + 1 == end || bytes[colon + 1] == Byte.space else { return nil }
            return (.string(text), .quoted, colon + 1)
        }
        guard !Byte.isIndicator(first) else { return nil }
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == Byte.colon && (index + 1 == end || bytes[index + 1] == Byte.space) {
                var keyEnd = index
                while keyEnd > start && bytes[keyEnd - 1] == Byte.space { keyEnd -= 1 }
                return (plainScalar(from: start, to: keyEnd), .plain, index + 1)
            }
            if Byte.isFlowIndicator(byte) || byte == Byte.hash { return nil }
            index += 1
        }
        return nil
    }

    // MARK: Inline values

    /// A value that starts on the current line (after `key: ` or `- `) and must end on it.
    private mutating func inline(from start: Int, to end: Int, depth: Int) throws(GiveUp) -> ManifestValue {
        try count(depth: depth)
        let first = bytes[start]
        switch first {
        case Byte.doubleQuote, Byte.singleQuote:
            guard let (text, close) = quoted(from: start, to: end) else { throw GiveUp() }
            try expectLineEnd(from: close, to: end)
            return .string(text)
        case Byte.openBracket:
            return try flowSequence(from: start, to: end, depth: depth)
        case Byte.openBrace:
            let close = skipSpaces(from: start + 1, to: end)
            guard close < end, bytes[close] == Byte.closeBrace else { throw GiveUp() }
            try expectLineEnd(from: close + 1, to: end)
            return .object([:])
        default:
            if Byte.isIndicator(first) {
                // `-` may start a plain scalar (`-1`) when a non-space follows; the other indicators may not.
                guard first == Byte.dash, start + 1 < end, bytes[start + 1] != Byte.space else { throw GiveUp() }
            }
            var index = start
            var valueEnd = end
            while index < end {
                let byte = bytes[index]
                if byte == Byte.hash && bytes[index - 1] == Byte.space {
                    valueEnd = index
                    break
                }
                // `a: b: c` is an error and `a: b:` a nested key: Yams reports them.
                if byte == Byte.colon && (index + 1 == end || bytes[index + 1] == Byte.space) { throw GiveUp() }
                index += 1
            }
            while valueEnd > start && bytes[valueEnd - 1] == Byte.space { valueEnd -= 1 }
            return plainScalar(from: start, to: valueEnd)
        }
    }

    /// `[a, "b", 3]` on one line: scalars only.
    private mutating func flowSequence(from start: Int, to end: Int, depth: Int) throws(GiveUp) -> ManifestValue {
        var items: [ManifestValue] = []
        var index = skipSpaces(from: start + 1, to: end)
        if index < end && bytes[index] == Byte.closeBracket {
            try expectLineEnd(from: index + 1, to: end)
            return .array(items)
        }
        while true {
            guard index < end else { throw GiveUp() }
            try count(depth: depth + 1)
            let first = bytes[index]
            if first == Byte.doubleQuote || first == Byte.singleQuote {
                guard let (text, close) = quoted(from: index, to: end) else { throw GiveUp() }
                items.append(.string(text))
                index = skipSpaces(from: close, to: end)
            } else {
                guard !Byte.isIndicator(first) || (first == Byte.dash && index + 1 < end && bytes[index + 1] != Byte.space) else {
                    throw GiveUp()
                }
                var itemEnd = index
                while itemEnd < end && bytes[itemEnd] != Byte.comma && bytes[itemEnd] != Byte.closeBracket {
                    let byte = bytes[itemEnd]
                    if byte == Byte.colon || byte == Byte.hash || Byte.isFlowIndicator(byte) { throw GiveUp() }
                    itemEnd += 1
                }
                var valueEnd = itemEnd
                while valueEnd > index && bytes[valueEnd - 1] == Byte.space { valueEnd -= 1 }
                items.append(plainScalar(from: index, to: valueEnd))
                index = itemEnd
            }
            guard index < end else { throw GiveUp() }
            if bytes[index] == Byte.closeBracket {
                try expectLineEnd(from: index + 1, to: end)
                return .array(items)
            }
            guard bytes[index] == Byte.comma else { throw GiveUp() }
            index = skipSpaces(from: index + 1, to: end)
            // `[a, ]` and `[a,,b]`: Yams decides.
            guard index < end, bytes[index] != Byte.closeBracket, bytes[index] != Byte.comma else { throw GiveUp() }
        }
    }

    /// Only spaces, then the end of the line or a comment.
    private func expectLineEnd(from start: Int, to end: Int) throws(GiveUp) {
        let index = skipSpaces(from: start, to: end)
        guard index == end || (bytes[index] == Byte.hash && index > start) else { throw GiveUp() }
    }

    private func skipSpaces(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end && bytes[index] == Byte.space { index += 1 }
        return index
    }

    // MARK: Scalars

    /// A single-line quoted scalar starting at `start`: its text and the offset after the closing quote.
    /// Double-quoted scalars with escapes are left to Yams.
    private func quoted(from start: Int, to end: Int) -> (String, Int)? {
        let quote = bytes[start]
        var index = start + 1
        if quote == Byte.doubleQuote {
            while index < end && bytes[index] != quote {
                if bytes[index] == Byte.backslash { return nil }
                index += 1
            }
            guard index < end else { return nil }
            return (String(decoding: bytes[(start + 1)..<index], as: UTF8.self), index + 1)
        }
        var text: [UInt8] = []
        while index < end {
            if bytes[index] == quote {
                guard index + 1 < end, bytes[index + 1] == quote else {
                    return (String(decoding: text, as: UTF8.self), index + 1)
                }
                index += 1
            }
            text.append(bytes[index])
            index += 1
        }
        return nil
    }

    /// A plain scalar as `ManifestDocuments.scalarValue` decodes it after Yams' default resolver.
    private func plainScalar(from start: Int, to end: Int) -> ManifestValue {
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard start < end else { return .null }
        let first = bytes[start]
        if Byte.isLetter(first) {
            // Only the bool and null rules can match a scalar that starts with a letter.
            switch text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
            case "null", "Null", "NULL": return .null
            default: return .string(text)
            }
        }
        if first != Byte.zero || end - start == 1, bytes[start..<end].allSatisfy(Byte.isDigit) {
            // `0` or `[1-9][0-9]*`: the int rule; Yams' Int constructor, then Double when it overflows.
            if let int = Int(text) { return .number(Double(int)) }
            if let double = Double(text) { return .number(double) }
            return .string(text)
        }
        if text == "~" { return .null }
        // Only the int and float rules decide anything else (timestamp, merge and value read as strings), and
        // they match nothing with a byte outside their patterns: `500m`, `256Mi`, `/tmp` are strings.
        if !bytes[start..<end].allSatisfy(Byte.mayBeNumeric) { return .string(text) }
        let node = Node.scalar(Node.Scalar(text, Tag(.implicit), .plain))
        guard case .scalar(let scalar) = node else { return .string(text) }
        return ManifestDocuments.scalarValue(node, scalar)
    }
}

/// ASCII bytes the parser looks at.
private enum Byte {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#")
    static let dash = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let percent = UInt8(ascii: "%")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let zero = UInt8(ascii: "0")

    /// YAML's indicator characters, which cannot start a plain scalar (`-`, `?`, `:` can when a non-space follows).
    static func isIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"),
             UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "`"):
            return true
        default:
            return false
        }
    }

    static func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == comma || byte == openBracket || byte == closeBracket || byte == openBrace || byte == closeBrace
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// Bytes of Yams' int and float resolver patterns: digits, signs, `_ : .`, the `0x`/`0o`/`0b` prefixes,
    /// hex digits, exponents and `.inf`/`.nan` in their spellings.
    static func mayBeNumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
             UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "."),
             UInt8(ascii: "x"), UInt8(ascii: "o"), UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "I"), UInt8(ascii: "N"):
            return true
        default:
            return false
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
