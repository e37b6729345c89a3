extension GoYAML {
    enum ScalarStyle {
        case plain, singleQuoted, doubleQuoted, literal
    }

    /// What `yaml_emitter_analyze_scalar` finds out about a scalar.
    struct ScalarAnalysis {
        var multiline = false
        var flowPlainAllowed = false
        var blockPlainAllowed = true
        var singleQuotedAllowed = true
        var blockAllowed = false
    }

    /// A port of the parts of go-yaml v2's emitter used for block mappings of scalars (best indent 2, best width 80,
    /// Unicode output, `\n` line breaks). Names follow `emitterc.go` so the two can be read side by side.
    struct Emitter {
        var out: [UInt8] = []
        var column = 0
        var indent = -1
        var indents: [Int] = []
        var whitespace = true
        var indention = true
        var flowLevel = 0
        let bestIndent = 2
        let bestWidth = 80

        // MARK: Nodes

        mutating func emitNode(_ node: Node, simpleKey: Bool) {
            switch node {
            case .null:
                emitScalar(Array("null".utf8), requested: .plain, simpleKey: simpleKey)
            case .string(let value):
                let text = String(decoding: value, as: UTF8.self)
                let requested: ScalarStyle
                if value.contains(0x0A) {
                    requested = .literal
                } else if GoYAML.canUsePlain(text) {
                    requested = .plain
                } else {
                    requested = .doubleQuoted
                }
                emitScalar(value, requested: requested, simpleKey: simpleKey)
            case .mapping(let entries):
                emitMapping(entries.sorted { GoYAML.keyLess($0.key, $1.key) })
            }
        }

        mutating func emitMapping(_ entries: [(key: [UInt8], value: Node)]) {
            if entries.isEmpty {
                writeIndicator(Array("{".utf8), needWhitespace: true, isWhitespace: true, isIndention: false)
                increaseIndent(flow: true, indentless: false)
                flowLevel += 1
                flowLevel -= 1
                indent = indents.removeLast()
                writeIndicator(Array("}".utf8), needWhitespace: false, isWhitespace: false, isIndention: false)
                return
            }
            increaseIndent(flow: false, indentless: false)
            for (key, value) in entries {
                writeIndent()
                let analysis = GoYAML.analyze(key)
                if !analysis.multiline && key.count <= 128 {
                    emitNode(.string(key), simpleKey: true)
                    writeIndicator(Array(":".utf8), needWhitespace: false, isWhitespace: false, isIndention: false)
                } else {
                    writeIndicator(Array("?".utf8), needWhitespace: true, isWhitespace: false, isIndention: true)
                    emitNode(.string(key), simpleKey: false)
                    writeIndent()
                    writeIndicator(Array(":".utf8), needWhitespace: true, isWhitespace: false, isIndention: true)
                }
                emitNode(value, simpleKey: false)
            }
            indent = indents.removeLast()
        }

        mutating func emitScalar(_ value: [UInt8], requested: ScalarStyle, simpleKey: Bool) {
            let analysis = GoYAML.analyze(value)
            var style = requested
            if simpleKey && analysis.multiline { style = .doubleQuoted }
            if style == .plain {
                if (flowLevel > 0 && !analysis.flowPlainAllowed) || (flowLevel == 0 && !analysis.blockPlainAllowed) {
                    style = .singleQuoted
                }
                if value.isEmpty && (flowLevel > 0 || simpleKey) { style = .singleQuoted }
            }
            if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
            if style == .literal && (!analysis.blockAllowed || flowLevel > 0 || simpleKey) { style = .doubleQuoted }

            increaseIndent(flow: true, indentless: false)
            switch style {
            case .plain: writePlainScalar(value, allowBreaks: !simpleKey)
            case .singleQuoted: writeSingleQuotedScalar(value, allowBreaks: !simpleKey)
            case .doubleQuoted: writeDoubleQuotedScalar(value, allowBreaks: !simpleKey)
            case .literal: writeLiteralScalar(value)
            }
            indent = indents.removeLast()
        }

        // MARK: Output primitives

        mutating func increaseIndent(flow: Bool, indentless: Bool) {
            indents.append(indent)
            if indent < 0 {
                indent = flow ? bestIndent : 0
            } else if !indentless {
                indent += bestIndent
            }
        }

        mutating func put(_ byte: UInt8) {
            out.append(byte)
            column += 1
        }

        mutating func putBreak() {
            out.append(0x0A)
            column = 0
        }

        /// Copies one UTF-8 character; the column advances by one.
        mutating func write(_ value: [UInt8], _ index: inout Int) {
            let width = max(1, GoYAML.width(value[index]))
            out.append(contentsOf: value[index..<min(index + width, value.count)])
            column += 1
            index += width
        }

        mutating func writeBreak(_ value: [UInt8], _ index: inout Int) {
            if value[index] == 0x0A {
                putBreak()
                index += 1
            } else {
                write(value, &index)
                column = 0
            }
        }

        mutating func writeIndent() {
            let target = max(indent, 0)
            if !indention || column > target || (column == target && !whitespace) { putBreak() }
            while column < target { put(0x20) }
            whitespace = true
            indention = true
        }

        mutating func writeIndicator(_ indicator: [UInt8], needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
            if needWhitespace && !whitespace { put(0x20) }
            var index = 0
            while index < indicator.count { write(indicator, &index) }
            whitespace = isWhitespace
            indention = indention && isIndention
        }

        // MARK: Scalar writers

        mutating func writePlainScalar(_ value: [UInt8], allowBreaks: Bool) {
            if !whitespace { put(0x20) }
            var spaces = false, breaks = false
            var index = 0
            while index < value.count {
                if GoYAML.isSpace(value, index) {
                    if allowBreaks && !spaces && column > bestWidth && !GoYAML.isSpace(value, index + 1) {
                        writeIndent()
                        index += GoYAML.width(value[index])
                    } else {
                        write(value, &index)
                    }
                    spaces = true
                } else if GoYAML.isBreak(value, index) {
                    if !breaks && value[index] == 0x0A { putBreak() }
                    writeBreak(value, &index)
                    indention = true
                    breaks = true
                } else {
                    if breaks { writeIndent() }
                    write(value, &index)
                    indention = false
                    spaces = false
                    breaks = false
                }
            }
            whitespace = false
            indention = false
        }

        mutating func writeSingleQuotedScalar(_ value: [UInt8], allowBreaks: Bool) {
            writeIndicator([UInt8(ascii: "'")], needWhitespace: true, isWhitespace: false, isIndention: false)
            var spaces = false, breaks = false
            var index = 0
            while index < value.count {
                if GoYAML.isSpace(value, index) {
                    if allowBreaks && !spaces && column > bestWidth && index > 0 && index < value.count - 1 && !GoYAML.isSpace(value, index + 1) {
                        writeIndent()
                        index += GoYAML.width(value[index])
                    } else {
                        write(value, &index)
                    }
                    spaces = true
                } else if GoYAML.isBreak(value, index) {
                    if !breaks && value[index] == 0x0A { putBreak() }
                    writeBreak(value, &index)
                    indention = true
                    breaks = true
                } else {
                    if breaks { writeIndent() }
                    if value[index] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                    write(value, &index)
                    indention = false
                    spaces = false
                    breaks = false
                }
            }
            writeIndicator([UInt8(ascii: "'")], needWhitespace: false, isWhitespace: false, isIndention: false)
            whitespace = false
            indention = false
        }

        mutating func writeDoubleQuotedScalar(_ value: [UInt8], allowBreaks: Bool) {
            let hex = Array("0123456789ABCDEF".utf8)
            // go-yaml's is_bom looks at the start of the value whatever the position (kept for fidelity).
            let startsWithBOM = value.count >= 3 && value[0] == 0xEF && value[1] == 0xBB && value[2] == 0xBF
            var spaces = false
            writeIndicator([UInt8(ascii: "\"")], needWhitespace: true, isWhitespace: false, isIndention: false)
            var index = 0
            while index < value.count {
                let byte = value[index]
                if !GoYAML.isPrintable(value, index) || startsWithBOM || GoYAML.isBreak(value, index)
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    var width = 1
                    var rune: UInt32
                    switch byte {
                    case _ where byte & 0x80 == 0x00: rune = UInt32(byte & 0x7F)
                    case _ where byte & 0xE0 == 0xC0: width = 2; rune = UInt32(byte & 0x1F)
                    case _ where byte & 0xF0 == 0xE0: width = 3; rune = UInt32(byte & 0x0F)
                    case _ where byte & 0xF8 == 0xF0: width = 4; rune = UInt32(byte & 0x07)
                    default: rune = UInt32(byte)
                    }
                    for offset in 1..<width where index + offset < value.count {
                        rune = rune << 6 | UInt32(value[index + offset] & 0x3F)
                    }
                    index += width
                    put(UInt8(ascii: "\\"))
                    switch rune {
                    case 0x00: put(UInt8(ascii: "0"))
                    case 0x07: put(UInt8(ascii: "a"))
                    case 0x08: put(UInt8(ascii: "b"))
                    case 0x09: put(UInt8(ascii: "t"))
                    case 0x0A: put(UInt8(ascii: "n"))
                    case 0x0B: put(UInt8(ascii: "v"))
                    case 0x0C: put(UInt8(ascii: "f"))
                    case 0x0D: put(UInt8(ascii: "r"))
                    case 0x1B: put(UInt8(ascii: "e"))
                    case 0x22: put(UInt8(ascii: "\""))
                    case 0x5C: put(UInt8(ascii: "\\"))
                    case 0x85: put(UInt8(ascii: "N"))
                    case 0xA0: put(UInt8(ascii: "_"))
                    case 0x2028: put(UInt8(ascii: "L"))
                    case 0x2029: put(UInt8(ascii: "P"))
                    default:
                        let digits: Int
                        if rune <= 0xFF {
                            put(UInt8(ascii: "x"))
                            digits = 2
                        } else if rune <= 0xFFFF {
                            put(UInt8(ascii: "u"))
                            digits = 4
                        } else {
                            put(UInt8(ascii: "U"))
                            digits = 8
                        }
                        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                            put(hex[Int((rune >> UInt32(shift)) & 0x0F)])
                        }
                    }
                    spaces = false
                } else if GoYAML.isSpace(value, index) {
                    if allowBreaks && !spaces && column > bestWidth && index > 0 && index < value.count - 1 {
                        writeIndent()
                        if GoYAML.isSpace(value, index + 1) { put(UInt8(ascii: "\\")) }
                        index += GoYAML.width(value[index])
                    } else {
                        write(value, &index)
                    }
                    spaces = true
                } else {
                    write(value, &index)
                    spaces = false
                }
            }
            writeIndicator([UInt8(ascii: "\"")], needWhitespace: false, isWhitespace: false, isIndention: false)
            whitespace = false
            indention = false
        }

        mutating func writeBlockScalarHints(_ value: [UInt8]) {
            if GoYAML.isSpace(value, 0) || GoYAML.isBreak(value, 0) {
                writeIndicator([UInt8(ascii: "0") + UInt8(bestIndent)], needWhitespace: false, isWhitespace: false, isIndention: false)
            }
            var chomp: UInt8?
            if value.isEmpty {
                chomp = UInt8(ascii: "-")
            } else {
                var index = value.count - 1
                while index > 0 && value[index] & 0xC0 == 0x80 { index -= 1 }
                if !GoYAML.isBreak(value, index) {
                    chomp = UInt8(ascii: "-")
                } else if index == 0 {
                    chomp = UInt8(ascii: "+")
                } else {
                    index -= 1
                    while index > 0 && value[index] & 0xC0 == 0x80 { index -= 1 }
                    if GoYAML.isBreak(value, index) { chomp = UInt8(ascii: "+") }
                }
            }
            if let chomp { writeIndicator([chomp], needWhitespace: false, isWhitespace: false, isIndention: false) }
        }

        mutating func writeLiteralScalar(_ value: [UInt8]) {
            writeIndicator([UInt8(ascii: "|")], needWhitespace: true, isWhitespace: false, isIndention: false)
            writeBlockScalarHints(value)
            putBreak()
            indention = true
            whitespace = true
            var breaks = true
            var index = 0
            while index < value.count {
                if GoYAML.isBreak(value, index) {
                    writeBreak(value, &index)
                    indention = true
                    breaks = true
                } else {
                    if breaks { writeIndent() }
                    write(value, &index)
                    indention = false
                    breaks = false
                }
            }
        }
    }

    // MARK: - Scalar analysis

    static func analyze(_ value: [UInt8]) -> ScalarAnalysis {
        var result = ScalarAnalysis()
        guard !value.isEmpty else {
            result.multiline = false
            result.flowPlainAllowed = false
            result.blockPlainAllowed = true
            result.singleQuotedAllowed = true
            result.blockAllowed = false
            return result
        }
        var blockIndicators = false, flowIndicators = false, lineBreaks = false, specialCharacters = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        var previousSpace = false, previousBreak = false
        if value.count >= 3 && ((value[0] == UInt8(ascii: "-") && value[1] == UInt8(ascii: "-") && value[2] == UInt8(ascii: "-"))
            || (value[0] == UInt8(ascii: ".") && value[1] == UInt8(ascii: ".") && value[2] == UInt8(ascii: "."))) {
            blockIndicators = true
            flowIndicators = true
        }
        var precededByWhitespace = true
        var index = 0
        while index < value.count {
            let width = max(1, GoYAML.width(value[index]))
            let followedByWhitespace = index + width >= value.count || isBlank(value, index + width)
            let byte = value[index]
            if index == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                     UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
                     UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                    flowIndicators = true
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"):
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "-"):
                    if followedByWhitespace {
                        flowIndicators = true
                        blockIndicators = true
                    }
                default:
                    break
                }
            } else {
                switch byte {
                case UInt8(ascii: ","), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                    flowIndicators = true
                case UInt8(ascii: ":"):
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "#"):
                    if precededByWhitespace {
                        flowIndicators = true
                        blockIndicators = true
                    }
                default:
                    break
                }
            }
            if !isPrintable(value, index) { specialCharacters = true }
            if isSpace(value, index) {
                if index == 0 { leadingSpace = true }
                if index + width == value.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak(value, index) {
                lineBreaks = true
                if index == 0 { leadingBreak = true }
                if index + width == value.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isBlankOrEnd(value, index)
            index += width
        }
        result.multiline = lineBreaks
        result.flowPlainAllowed = true
        result.blockPlainAllowed = true
        result.singleQuotedAllowed = true
        result.blockAllowed = true
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            result.flowPlainAllowed = false
            result.blockPlainAllowed = false
        }
        if trailingSpace { result.blockAllowed = false }
        if breakSpace {
            result.flowPlainAllowed = false
            result.blockPlainAllowed = false
            result.singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters {
            result.flowPlainAllowed = false
            result.blockPlainAllowed = false
            result.singleQuotedAllowed = false
            result.blockAllowed = false
        }
        if lineBreaks {
            result.flowPlainAllowed = false
            result.blockPlainAllowed = false
        }
        if flowIndicators { result.flowPlainAllowed = false }
        if blockIndicators { result.blockPlainAllowed = false }
        return result
    }

    // MARK: - Character classes (yamlprivateh.go); positions past the end read as NUL

    private static func at(_ value: [UInt8], _ index: Int) -> UInt8 {
        index >= 0 && index < value.count ? value[index] : 0
    }

    static func width(_ byte: UInt8) -> Int {
        if byte & 0x80 == 0x00 { return 1 }
        if byte & 0xE0 == 0xC0 { return 2 }
        if byte & 0xF0 == 0xE0 { return 3 }
        if byte & 0xF8 == 0xF0 { return 4 }
        return 0
    }

    static func isSpace(_ value: [UInt8], _ index: Int) -> Bool { at(value, index) == 0x20 }

    static func isBlank(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index)
        return byte == 0x20 || byte == 0x09
    }

    static func isBreak(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index)
        return byte == 0x0D || byte == 0x0A
            || (byte == 0xC2 && at(value, index + 1) == 0x85)
            || (byte == 0xE2 && at(value, index + 1) == 0x80 && (at(value, index + 2) == 0xA8 || at(value, index + 2) == 0xA9))
    }

    /// `is_blankz`: blank, break or NUL.
    static func isBlankOrEnd(_ value: [UInt8], _ index: Int) -> Bool {
        isBlank(value, index) || isBreak(value, index) || at(value, index) == 0
    }

    static func isPrintable(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index), next = at(value, index + 1), third = at(value, index + 2)
        return byte == 0x0A
            || (byte >= 0x20 && byte <= 0x7E)
            || (byte == 0xC2 && next >= 0xA0)
            || (byte > 0xC2 && byte < 0xED)
            || (byte == 0xED && next < 0xA0)
            || byte == 0xEE
            || (byte == 0xEF && !(next == 0xBB && third == 0xBF) && !(next == 0xBF && (third == 0xBE || third == 0xBF)))
    }
}
