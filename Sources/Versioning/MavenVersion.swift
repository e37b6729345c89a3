/// A Maven artifact version, ordered by Maven's `ComparableVersion` (maven-artifact 3.9.x, including
/// MNG-5568, MNG-6572, MNG-6964, MNG-7644, MNG-7700 and MNG-7714 behaviour):
///
/// * `.` and `-` separate items, as does every digit/letter transition (`1.0alpha1` → `1-alpha1`);
///   `-` (and a letter run) opens a sub-list, which sorts below a following number (`1.0-1 < 1.0.1`,
///   `1-1 < 1.1`) but above a qualifier (`1-sp < 1-1`);
/// * qualifiers (case-insensitive): `alpha`=`a` < `beta`=`b` < `milestone`=`m` < `rc`=`cr` < `snapshot`
///   < `""`=`ga`=`final`=`release` < `sp` < unknown qualifiers (lexically); `a`/`b`/`m` only expand
///   when directly followed by a number (`1a1 == 1-alpha-1`, but `1.a` is the unknown qualifier `a`);
/// * a qualifier glued to a number (`rc1`, `rc-1`) is one "combination" item, so `1.0.0.RC1 == 1.0.0-RC1`
///   and `1.0.0.X1 < 1.0.0-X2` for any `X`;
/// * trailing zeros and null items are trimmed (`1 == 1.0 == 1.0.0 == 1-0`, `2-X == 2.0.X == 2.0.0.X`);
/// * numbers have unlimited size.
///
/// `ComparableVersion` accepts any string; moat rejects text that cannot be a version: empty or
/// whitespace-containing text, range/constraint syntax (`[1.0,2.0)`, `<1.0`) and unresolved
/// `${property}` references.
public struct MavenVersion: EcosystemVersion {
    public static var scheme: VersionScheme { .maven }

    indirect enum Item: Sendable, Hashable {
        case number(Numeral)
        case string(String)
        case combination(String, Numeral)
        case list([Item])
    }

    private let items: [Item]
    /// The text as given (trimmed).
    public let description: String

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .maven, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail("version string contains whitespace or control characters")
        }
        if trimmed.contains("${") { throw fail("unresolved property reference") }
        if let c = trimmed.unicodeScalars.first(where: { "[](),<>=".unicodeScalars.contains($0) }) {
            throw fail("\(String(reflecting: String(c))) looks like version range or constraint syntax, not a version")
        }
        self.items = Self.parse(trimmed)
        self.description = trimmed
    }

    /// Maven's canonical form (`ComparableVersion.getCanonical()`), e.g. `1.0.0.RC1` → `1-rc1`,
    /// `1.0-SNAPSHOT` → `1-snapshot`.
    public var canonical: String { Self.render(items) }

    public func compare(to other: MavenVersion) -> VersionComparison {
        VersionComparison(sign: Self.compareLists(items, other.items))
    }

    public static func < (lhs: MavenVersion, rhs: MavenVersion) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: MavenVersion, rhs: MavenVersion) -> Bool { lhs.compare(to: rhs) == .equal }

    // MARK: Parsing (ComparableVersion.parseVersion)

    private enum Node {
        case leaf(Item)
        case list(Int)
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    private static func parse(_ version: String) -> [Item] {
        let chars = Array(version.lowercased().unicodeScalars)
        var lists: [[Node]] = [[]]
        var current = 0
        var isDigit = false
        var isCombination = false
        var startIndex = 0

        func newList() {
            let index = lists.count
            lists.append([])
            lists[current].append(.list(index))
            current = index
        }
        func add(_ item: Item) { lists[current].append(.leaf(item)) }
        func substring(_ from: Int, _ to: Int) -> [Unicode.Scalar] { Array(chars[from..<to]) }

        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                if i == startIndex {
                    add(.number(.zero))
                } else {
                    add(parseItem(isCombination: isCombination, isDigit: isDigit, substring(startIndex, i)))
                }
                isCombination = false
                startIndex = i + 1
            } else if c == "-" {
                if i == startIndex {
                    add(.number(.zero))
                } else {
                    // "X-1" is read as "X1".
                    if !isDigit && i != chars.count - 1 && Self.isDigit(chars[i + 1]) {
                        isCombination = true
                        i += 1
                        continue
                    }
                    add(parseItem(isCombination: isCombination, isDigit: isDigit, substring(startIndex, i)))
                }
                startIndex = i + 1
                if !lists[current].isEmpty { newList() }
                isCombination = false
            } else if Self.isDigit(c) {
                if !isDigit && i > startIndex {
                    isCombination = true  // "X1"
                    if !lists[current].isEmpty { newList() }
                }
                isDigit = true
            } else {
                if isDigit && i > startIndex {
                    add(parseItem(isCombination: isCombination, isDigit: true, substring(startIndex, i)))
                    startIndex = i
                    newList()
                    isCombination = false
                }
                isDigit = false
            }
            i += 1
        }
        if chars.count > startIndex {
            // "1.0.0.X1" reads like "1.0.0-X1": a trailing qualifier opens a sub-list.
            if !isDigit && !lists[current].isEmpty { newList() }
            add(parseItem(isCombination: isCombination, isDigit: isDigit, substring(startIndex, chars.count)))
        }

        // Normalise innermost lists first (the reverse of creation order, like the Java stack).
        for index in lists.indices.reversed() {
            lists[index] = normalize(lists[index], lists: lists)
        }
        return build(0, lists)
    }

    private static func build(_ index: Int, _ lists: [[Node]]) -> [Item] {
        lists[index].map { node in
            switch node {
            case .leaf(let item): item
            case .list(let child): .list(build(child, lists))
            }
        }
    }

    private static func isNull(_ node: Node, _ lists: [[Node]]) -> Bool {
        switch node {
        case .leaf(.number(let n)): n.isZero
        case .leaf(.string(let s)): s.isEmpty
        case .leaf(.combination): false
        case .leaf(.list(let l)): l.isEmpty
        case .list(let child): lists[child].isEmpty
        }
    }

    private static func normalize(_ list: [Node], lists: [[Node]]) -> [Node] {
        var list = list
        var i = list.count - 1
        while i >= 0 {
            if isNull(list[i], lists) {
                if i == list.count - 1 {
                    list.remove(at: i)
                } else {
                    switch list[i + 1] {
                    case .leaf(.string):
                        list.remove(at: i)
                    case .list(let child):
                        if let first = lists[child].first {
                            switch first {
                            case .leaf(.combination), .leaf(.string): list.remove(at: i)
                            default: break
                            }
                        }
                    default:
                        break
                    }
                }
            }
            i -= 1
        }
        return list
    }

    private static func parseItem(isCombination: Bool, isDigit: Bool, _ buf: [Unicode.Scalar]) -> Item {
        if isCombination {
            let compact = buf.filter { $0 != "-" }
            let split = compact.firstIndex(where: Self.isDigit) ?? compact.endIndex
            let word = stringItem(String(String.UnicodeScalarView(compact[..<split])), followedByDigit: true)
            let digits = compact[split...].compactMap { Self.isDigit($0) ? UInt8($0.value) : nil }
            return .combination(word, Numeral(digits))
        }
        if isDigit {
            return .number(Numeral(buf.map { UInt8($0.value) }))
        }
        return .string(stringItem(String(String.UnicodeScalarView(buf)), followedByDigit: false))
    }

    private static func stringItem(_ value: String, followedByDigit: Bool) -> String {
        var value = value
        if followedByDigit && value.unicodeScalars.count == 1 {
            switch value {
            case "a": value = "alpha"
            case "b": value = "beta"
            case "m": value = "milestone"
            default: break
            }
        }
        return value == "cr" ? "rc" : value
    }

    // MARK: Comparison (Item.compareTo)

    private static let qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
    private static let releaseQualifiers: Set<String> = ["ga", "final", "release"]
    private static let releaseIndex = "5"

    private static func comparableQualifier(_ q: String) -> String {
        if releaseQualifiers.contains(q) { return releaseIndex }
        if let i = qualifiers.firstIndex(of: q) { return String(i) }
        return "\(qualifiers.count)-\(q)"
    }

    private static func compareQualifiers(_ a: String, _ b: String) -> Int {
        compareBytes(comparableQualifier(a).utf8, comparableQualifier(b).utf8)
    }

    /// `item.compareTo(null)`.
    private static func compareToNull(_ item: Item) -> Int {
        switch item {
        case .number(let n): return n.isZero ? 0 : 1
        case .string(let s): return compareBytes(comparableQualifier(s).utf8, releaseIndex.utf8)
        case .combination(let s, _): return compareToNull(.string(s))
        case .list(let l):
            for element in l {
                let r = compareToNull(element)
                if r != 0 { return r }
            }
            return 0
        }
    }

    private static func compare(_ a: Item, _ b: Item) -> Int {
        switch (a, b) {
        case let (.number(x), .number(y)): return sign(x, y)
        case (.number, _): return 1

        case (.string, .number): return -1
        case let (.string(x), .string(y)): return compareQualifiers(x, y)
        case let (.string(x), .combination(y, _)):
            let r = compareQualifiers(x, y)
            return r == 0 ? -1 : r
        case (.string, .list): return -1

        case (.combination, .number): return -1
        case let (.combination(x, _), .string(y)):
            let r = compareQualifiers(x, y)
            return r == 0 ? 1 : r
        case (.combination, .list): return -1
        case let (.combination(x, m), .combination(y, n)):
            let r = compareQualifiers(x, y)
            return r == 0 ? sign(m, n) : r

        case (.list, .number): return -1
        case (.list, .string), (.list, .combination): return 1
        case let (.list(x), .list(y)): return compareLists(x, y)
        }
    }

    private static func compareLists(_ a: [Item], _ b: [Item]) -> Int {
        var i = 0
        while i < a.count || i < b.count {
            let r: Int
            if i < a.count, i < b.count {
                r = compare(a[i], b[i])
            } else if i < a.count {
                r = compareToNull(a[i])
            } else {
                r = -compareToNull(b[i])
            }
            if r != 0 { return r }
            i += 1
        }
        return 0
    }

    private static func render(_ items: [Item]) -> String {
        var out = ""
        for item in items {
            if !out.isEmpty {
                if case .list = item { out += "-" } else { out += "." }
            }
            switch item {
            case .number(let n): out += n.description
            case .string(let s): out += s
            case .combination(let s, let n): out += s + n.description
            case .list(let l): out += render(l)
            }
        }
        return out
    }
}
