/// How Go prints the values that appear in kubeconform's messages, reproduced byte for byte.
public enum GoText {
    /// `strconv.FormatFloat(value, 'g', -1, 64)`, which is what `fmt`'s `%v` prints for a `float64`:
    /// the shortest digits that round-trip, in exponent form when the exponent is below -4 or at least 6
    /// (`1e+06`, `1.5e-05`, `123456`).
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(abs(value))
        let exponent = pointPosition - 1
        var out = value < 0 ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            out += String(digits.first ?? "0")
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            out += "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return out
        }
        if pointPosition <= 0 {
            out += "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            out += digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: pointPosition)
            out += digits[..<index] + "." + digits[index...]
        }
        return out
    }

    /// Decimal digits without leading or trailing zeros, and the decimal point position:
    /// value = 0.d1d2d3… × 10^pointPosition. Swift's `description` already gives the shortest round-trip digits.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = "\(value)"  // "1234.5", "1e-05", "1.2345e+20"
        var mantissa = Substring(text)
        var exponent = 0
        if let eIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<eIndex]
            exponent = Int(text[text.index(after: eIndex)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var point = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    /// jsonschema v6's `quote`: Go's `%q`, then `\"` turned back into `"` and `'` escaped, in single quotes.
    /// `quote("a'b")` is `'a\'b'`; control characters keep Go's escapes (`\n`, `\x00`, `\u00a0`).
    static func singleQuoted(_ text: String) -> String {
        var quoted = goQuoted(text)
        quoted = quoted.replacingAll("\\\"", with: "\"")
        quoted = quoted.replacingAll("'", with: "\\'")
        return "'" + quoted.dropFirst().dropLast() + "'"
    }

    /// `strconv.Quote` (and `%#v` of a string): double quotes, backslash escapes for quotes, backslashes and
    /// non-printable runes.
    public static func goQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse,
             .unassigned:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A JSON pointer (RFC 6901) from reference tokens: `~` becomes `~0` and `/` becomes `~1`.
    static func jsonPointer(_ tokens: [String]) -> String {
        var pointer = ""
        for token in tokens {
            pointer += "/"
            if token.contains("~") || token.contains("/") {
                pointer += token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
            } else {
                pointer += token
            }
        }
        return pointer
    }
}

extension String {
    /// Go's `strings.ReplaceAll` on the UTF-8 bytes: non-overlapping occurrences, left to right.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let bytes = Array(utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var replaced = false
        while index < bytes.count {
            if index + pattern.count <= bytes.count, bytes[index] == pattern[0],
               bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.utf8)
                index += pattern.count
                replaced = true
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return replaced ? String(decoding: result, as: UTF8.self) : self
    }
}
