/// Byte-level helpers shared by the version parsers. All version grammars here are ASCII; anything else
/// is either rejected by the parser or treated as an ordinary non-alphanumeric character.
enum ASCII {
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    static func isUpper(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
    static func isAlpha(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) }
    static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
    }
    static func lower(_ c: UInt8) -> UInt8 { isUpper(c) ? c + 32 : c }
}

/// Longest accepted version text. Real versions are far shorter; the cap keeps pathological input cheap.
let maximumVersionLength = 1024

/// Removes leading and trailing whitespace (Unicode whitespace, which includes ASCII space, tab, CR, LF).
func trimmingWhitespace(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
          let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
}

/// Numeric comparison of two runs of ASCII digits of any length (leading zeros ignored).
func compareDigitRuns<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Int {
    let x = a.drop(while: { $0 == UInt8(ascii: "0") })
    let y = b.drop(while: { $0 == UInt8(ascii: "0") })
    if x.count != y.count { return x.count < y.count ? -1 : 1 }
    for (p, q) in zip(x, y) where p != q {
        return p < q ? -1 : 1
    }
    return 0
}

/// Plain lexicographic byte comparison (shorter prefix first), i.e. C `strcmp` / Go string order.
func compareBytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Int {
    var i = a.makeIterator()
    var j = b.makeIterator()
    while true {
        switch (i.next(), j.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (p?, q?):
            if p != q { return p < q ? -1 : 1 }
        }
    }
}

/// An arbitrary-precision non-negative integer kept as its decimal digits (no leading zeros), so that
/// date-stamp and hash-like numbers never overflow.
struct Numeral: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Decimal digits without leading zeros; empty for zero.
    let digits: [UInt8]

    static let zero = Numeral(digits: [])

    private init(digits: [UInt8]) { self.digits = digits }

    /// `bytes` must be ASCII digits (the parsers only call this on digit runs).
    init<C: Collection<UInt8>>(_ bytes: C) {
        digits = Array(bytes.drop(while: { $0 == UInt8(ascii: "0") }))
    }

    var isZero: Bool { digits.isEmpty }

    /// The value if it fits in `limit`, else `nil`.
    func value(atMost limit: UInt64) -> UInt64? {
        var result: UInt64 = 0
        for d in digits {
            let (m, o1) = result.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d - UInt8(ascii: "0")))
            if o1 || o2 || s > limit { return nil }
            result = s
        }
        return result
    }

    static func < (lhs: Numeral, rhs: Numeral) -> Bool {
        compareDigitRuns(lhs.digits, rhs.digits) < 0
    }

    var description: String {
        digits.isEmpty ? "0" : String(decoding: digits, as: UTF8.self)
    }
}

/// Three-way compare of two `Comparable` values as an Int sign.
@inline(__always)
func sign<T: Comparable>(_ a: T, _ b: T) -> Int {
    a < b ? -1 : (b < a ? 1 : 0)
}
