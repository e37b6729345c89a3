/// The output of `sigs.k8s.io/yaml.Marshal` (go-yaml v2's encoder and libyaml-derived emitter, 2-space indent,
/// 80-column folding, Unicode printed as is) for the values kubectl's Secret printer produces: mappings with string
/// keys whose values are strings, null or mappings.
///
/// Reproduced from go-yaml v2: key order (`sorter.go`), when a string must be quoted because it would otherwise
/// read as another type (`resolve.go`, `encode.go`), and the emitter's scalar analysis, style choice and writers
/// (`emitterc.go`), including folding of long lines with spaces and `? key` for keys longer than 128 bytes.
enum GoYAML {
    indirect enum Node {
        case string([UInt8])
        case null
        case mapping([(key: [UInt8], value: Node)])
    }

    /// The YAML text of `root`, ending in a newline.
    static func marshal(_ root: Node) -> [UInt8] {
        var emitter = Emitter()
        emitter.emitNode(root, simpleKey: false)
        emitter.indent = -1
        emitter.writeIndent()
        return emitter.out
    }

    // MARK: - Key order (sorter.go)

    /// go-yaml v2's `keyList.Less` for two string keys: letters sort after non-letters, runs of digits compare
    /// numerically, otherwise by code point.
    static func keyLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let ar = Array(String(decoding: a, as: UTF8.self).unicodeScalars)
        let br = Array(String(decoding: b, as: UTF8.self).unicodeScalars)
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = isLetter(ar[i]), bl = isLetter(br[i])
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return bl }
            var an: Int64 = 0, bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ (Int64(ar[ai].value) - 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ (Int64(br[bi].value) - 48)
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    // MARK: - Implicit typing (resolve.go, encode.go stringv)

    /// Whether go-yaml writes `text` in plain style when it can (it would read back as a string).
    static func canUsePlain(_ text: String) -> Bool {
        resolvesToString(text) && !isBase60Float(text)
    }

    static func resolvesToString(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return false }  // "" is null
        let hint: UInt8
        switch first {
        case UInt8(ascii: "+"), UInt8(ascii: "-"): hint = UInt8(ascii: "S")
        case UInt8(ascii: "0")...UInt8(ascii: "9"): hint = UInt8(ascii: "D")
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "~"):
            hint = UInt8(ascii: "M")
        case UInt8(ascii: "."): hint = UInt8(ascii: ".")
        default: return true
        }
        if resolveMap.contains(text) { return false }
        switch hint {
        case UInt8(ascii: "M"):
            return true
        case UInt8(ascii: "."):
            return !isGoFloat(bytes[...])
        default:
            if isTimestamp(bytes) { return false }
            let plain = bytes.filter { $0 != UInt8(ascii: "_") }
            if isGoInteger(plain[...], signed: true) || isGoInteger(plain[...], signed: false) { return false }
            if matchesYAMLFloat(plain) && isGoFloat(plain[...]) { return false }
            if plain.starts(with: Array("0b".utf8)) {
                let digits = plain.dropFirst(2)
                if !digits.isEmpty && digits.allSatisfy({ $0 == 0x30 || $0 == 0x31 }) && fitsUnsigned(digits, radix: 2) { return false }
            } else if plain.starts(with: Array("-0b".utf8)) {
                let digits = plain.dropFirst(3)
                if !digits.isEmpty && digits.allSatisfy({ $0 == 0x30 || $0 == 0x31 }) && fitsSigned(digits, radix: 2, negative: true) { return false }
            }
            return true
        }
    }

    private static let resolveMap: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ]

    /// `strconv.ParseInt(s, 0, 64)` (signed) or `ParseUint(s, 0, 64)` succeeds.
    private static func isGoInteger(_ input: ArraySlice<UInt8>, signed: Bool) -> Bool {
        var text = input
        var negative = false
        if signed, let first = text.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            text = text.dropFirst()
        }
        guard !text.isEmpty else { return false }
        var radix = 10
        if text.first == UInt8(ascii: "0") && text.count > 1 {
            let marker = text[text.startIndex + 1] | 0x20
            switch marker {
            case UInt8(ascii: "x"): radix = 16; text = text.dropFirst(2)
            case UInt8(ascii: "b"): radix = 2; text = text.dropFirst(2)
            case UInt8(ascii: "o"): radix = 8; text = text.dropFirst(2)
            default: radix = 8; text = text.dropFirst(1)
            }
            guard !text.isEmpty else { return false }
        }
        guard text.allSatisfy({ digitValue($0).map { $0 < radix } ?? false }) else { return false }
        return signed ? fitsSigned(text, radix: radix, negative: negative) : fitsUnsigned(text, radix: radix)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x5A: return Int(byte - 0x41 + 10)
        case 0x61...0x7A: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    private static func fitsUnsigned(_ digits: ArraySlice<UInt8>, radix: Int) -> Bool {
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = digitValue(byte) else { return false }
            let (times, overflow1) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return false }
            value = sum
        }
        return true
    }

    private static func fitsSigned(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool) -> Bool {
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = digitValue(byte) else { return false }
            let (times, overflow1) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return false }
            value = sum
        }
        return negative ? value <= UInt64(Int64.max) + 1 : value <= UInt64(Int64.max)
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    private static func matchesYAMLFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                _ = digits()
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    /// `strconv.ParseFloat(s, 64)` succeeds, for decimal text (what reaches it here): syntax and range.
    private static func isGoFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard matchesYAMLFloat(Array(bytes)), let value = Double(text) else { return false }
        return value.isFinite
    }

    /// go-yaml's `parseTimestamp`: `YYYY-M-D`, with `T`/`t`/space time and (for `T`/`t`) a zone.
    private static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func number(maxDigits: Int) -> Int? {
            let start = index
            var value = 0
            while index < bytes.count && index - start < maxDigits && bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            return index > start ? value : nil
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count && bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard bytes.count >= 5, bytes.prefix(4).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), bytes[4] == UInt8(ascii: "-") else { return false }
        index = 0
        guard let year = number(maxDigits: 4), expect(UInt8(ascii: "-")), let month = number(maxDigits: 2), (1...12).contains(month),
              expect(UInt8(ascii: "-")), let day = number(maxDigits: 2), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        if index == bytes.count { return true }
        let separator = bytes[index]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else { return false }
        index += 1
        guard let hour = number(maxDigits: 2), hour < 24, expect(UInt8(ascii: ":")), let minute = number(maxDigits: 2), minute < 60,
              expect(UInt8(ascii: ":")), let second = number(maxDigits: 2), second < 60 else { return false }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ","),
           bytes[index + 1] >= 0x30 && bytes[index + 1] <= 0x39 {
            index += 1
            _ = number(maxDigits: 9)
        }
        if separator == UInt8(ascii: " ") { return index == bytes.count }
        if expect(UInt8(ascii: "Z")) { return index == bytes.count }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return false }
        index += 1
        // ±hh:mm exactly.
        guard bytes.count - index == 5 else { return false }
        let zone = Array(bytes[index...])
        let digitsOK = [0, 1, 3, 4].allSatisfy { zone[$0] >= 0x30 && zone[$0] <= 0x39 }
        guard digitsOK, zone[2] == UInt8(ascii: ":") else { return false }
        let zoneHour = Int(zone[0] - 0x30) * 10 + Int(zone[1] - 0x30)
        let zoneMinute = Int(zone[3] - 0x30) * 10 + Int(zone[4] - 0x30)
        return zoneHour <= 24 && zoneMinute < 60
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: quoted for YAML 1.1 parsers.
    static func isBase60Float(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return false }
        index += 1
        while index < bytes.count && (isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_")) { index += 1 }
        var groups = 0
        while index < bytes.count && bytes[index] == UInt8(ascii: ":") {
            index += 1
            // [0-5]?[0-9]: one or two digits, the first of two at most 5.
            guard index < bytes.count, isDigit(bytes[index]) else { return false }
            if index + 1 < bytes.count, isDigit(bytes[index + 1]), bytes[index] <= UInt8(ascii: "5") {
                index += 2
            } else {
                index += 1
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count && (isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_")) { index += 1 }
        }
        return index == bytes.count
    }

    // MARK: - Reading JSON strings back (scannerc.go, readerc.go)

    /// What go-yaml's reader makes of a JSON string Go wrote (sigs.k8s.io/yaml converts JSON to YAML by parsing
    /// it). Go's encoder escapes every control character except DEL and the C1 range, and no line break except
    /// NEL; the YAML reader refuses the former and folds the latter like a line break in a quoted scalar.
    /// - Parameter line: The reader's line, advanced by each NEL (for the error message).
    static func readBackFromJSON(_ value: [UInt8], line: inout Int) throws(KubectlError) -> [UInt8] {
        func at(_ index: Int) -> UInt8 { index < value.count ? value[index] : 0 }
        func isNEL(_ index: Int) -> Bool { at(index) == 0xC2 && at(index + 1) == 0x85 }
        var index = 0
        while index < value.count {
            let byte = value[index]
            let refused = byte == 0x7F
                || (byte == 0xC2 && (0x80...0x9F).contains(at(index + 1)) && at(index + 1) != 0x85)
                || (byte == 0xEF && at(index + 1) == 0xBF && (at(index + 2) == 0xBE || at(index + 2) == 0xBF))
            if refused { throw KubectlError("yaml: control characters are not allowed") }
            index += max(1, width(byte))
        }
        guard value.contains(0x85) else { return value }
        var output: [UInt8] = []
        var atLineStart = false
        index = 0
        while index < value.count {
            if atLineStart {
                let marker = Array(value[index..<min(index + 3, value.count)])
                if (marker == Array("---".utf8) || marker == Array("...".utf8)) && (at(index + 3) == 0x20 || isNEL(index + 3)) {
                    throw KubectlError("yaml: line \(line): found unexpected document indicator")
                }
            }
            while index < value.count && value[index] != 0x20 && !isNEL(index) {
                output.append(value[index])
                index += 1
                atLineStart = false
            }
            guard index < value.count else { break }
            var whitespace: [UInt8] = []
            var leadingBreak = false
            var trailingBreaks = 0
            while index < value.count && (value[index] == 0x20 || isNEL(index)) {
                if value[index] == 0x20 {
                    if !leadingBreak { whitespace.append(0x20) }
                    index += 1
                    atLineStart = false
                } else {
                    line += 1
                    atLineStart = true
                    if leadingBreak {
                        trailingBreaks += 1
                    } else {
                        whitespace.removeAll()
                        leadingBreak = true
                    }
                    index += 2
                }
            }
            if leadingBreak {
                output.append(contentsOf: trailingBreaks == 0 ? [0x20] : Array(repeating: 0x0A, count: trailingBreaks))
            } else {
                output.append(contentsOf: whitespace)
            }
        }
        return output
    }
}
