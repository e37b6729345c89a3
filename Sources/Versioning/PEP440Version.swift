/// A Python version as defined by PEP 440 (the "version specifiers" spec), parsed and ordered like
/// `packaging.version.Version`:
///
/// `[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`
///
/// * parsing is case-insensitive and accepts the spec's alternative spellings, which normalise:
///   `alpha`→`a`, `beta`→`b`, `c`/`pre`/`preview`→`rc`, `rev`/`r`→`post`, `1.0-1`→`1.0.post1`, implicit
///   numbers (`1.0.post` == `1.0.post0`, `1.0rc` == `1.0rc0`), `-`/`_`/`.` separators, a leading `v`,
///   surrounding whitespace, `-`/`_` in local versions;
/// * trailing zeros of the release are ignored (`1.0 == 1.0.0`); the epoch is compared first;
/// * `X.devN < X.aN < X.bN < X.rcN < X < X.postN`, dev releases sort before their parent pre/post release
///   (`1.0a1.dev1 < 1.0a1`, `1.0.post1.dev1 < 1.0.post1`);
/// * a local version sorts after the same public version (`1.0 < 1.0+local`); local segments compare
///   numerically when all-digit, otherwise lexicographically, and numeric segments beat alphanumeric ones.
///
/// Specifier matching ignores local labels (trivy: `4.2.8+sp1` matches `== 4.2.8`); use ``publicVersion``
/// for that.
public struct PEP440Version: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .pep440 }

    public enum PreReleaseKind: String, Sendable, Hashable, Comparable {
        case alpha = "a", beta = "b", releaseCandidate = "rc"
        private var rank: Int {
            switch self {
            case .alpha: 0
            case .beta: 1
            case .releaseCandidate: 2
            }
        }
        public static func < (a: PreReleaseKind, b: PreReleaseKind) -> Bool { a.rank < b.rank }
    }

    public enum LocalSegment: Sendable, Hashable, CustomStringConvertible {
        case number(String)
        case text(String)
        public var description: String {
            switch self {
            case .number(let n): n
            case .text(let t): t
            }
        }
    }

    /// The epoch (`N!`), `0` when absent.
    public let epoch: String
    /// The release numbers, as normalised decimal strings (no leading zeros).
    public let release: [String]
    /// The pre-release, if any.
    public let preRelease: (kind: PreReleaseKind, number: String)?
    /// The post-release number, if any.
    public let postRelease: String?
    /// The dev-release number, if any.
    public let devRelease: String?
    /// The local version segments (lowercased), empty when absent.
    public let local: [LocalSegment]
    /// The text as given, without surrounding whitespace.
    public let description: String

    private let epochValue: Numeral
    private let releaseValues: [Numeral]
    private let preValue: (PreReleaseKind, Numeral)?
    private let postValue: Numeral?
    private let devValue: Numeral?

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .pep440, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        var p = Parser(bytes: trimmed.utf8.map(ASCII.lower))

        _ = p.eat("v")
        // Epoch: digits followed by '!'.
        var epoch = Numeral.zero
        let save = p.pos
        if let digits = p.digits(), p.eat("!") {
            epoch = Numeral(digits)
        } else {
            p.pos = save
        }
        // Release: N(.N)*
        guard let first = p.digits() else {
            throw fail(p.atEnd ? "missing release number" : "release must start with a number, found \(p.rest)")
        }
        var release = [Numeral(first)]
        while true {
            let mark = p.pos
            guard p.eat("."), let n = p.digits() else {
                p.pos = mark
                break
            }
            release.append(Numeral(n))
        }
        // Pre-release: [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?
        var pre: (PreReleaseKind, Numeral)?
        do {
            let mark = p.pos
            _ = p.separator()
            if let label = p.word(["alpha", "a", "beta", "b", "preview", "pre", "rc", "c"]) {
                let kind: PreReleaseKind = switch label {
                case "alpha", "a": .alpha
                case "beta", "b": .beta
                default: .releaseCandidate
                }
                _ = p.separator()
                pre = (kind, p.digits().map { Numeral($0) } ?? .zero)
            } else {
                p.pos = mark
            }
        }
        // Post-release: -N | [-_.]? (post|rev|r) [-_.]? N?
        var post: Numeral?
        do {
            let mark = p.pos
            if p.eat("-"), let n = p.digits() {
                post = Numeral(n)
            } else {
                p.pos = mark
                _ = p.separator()
                if p.word(["post", "rev", "r"]) != nil {
                    _ = p.separator()
                    post = p.digits().map { Numeral($0) } ?? .zero
                } else {
                    p.pos = mark
                }
            }
        }
        // Dev release: [-_.]? dev [-_.]? N?
        var dev: Numeral?
        do {
            let mark = p.pos
            _ = p.separator()
            if p.word(["dev"]) != nil {
                _ = p.separator()
                dev = p.digits().map { Numeral($0) } ?? .zero
            } else {
                p.pos = mark
            }
        }
        // Local: +[a-z0-9]+([-_.][a-z0-9]+)*
        var local: [LocalSegment] = []
        if p.eat("+") {
            var segments: [[UInt8]] = []
            var current: [UInt8] = []
            while let c = p.peek {
                if ASCII.isLower(c) || ASCII.isDigit(c) {
                    current.append(c)
                    p.pos += 1
                } else if c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") {
                    if current.isEmpty { throw fail("empty segment in local version") }
                    segments.append(current)
                    current = []
                    p.pos += 1
                } else {
                    throw fail("invalid character in local version at \(p.rest)")
                }
            }
            if current.isEmpty { throw fail(segments.isEmpty ? "empty local version after '+'" : "local version ends with a separator") }
            segments.append(current)
            local = segments.map { seg in
                seg.allSatisfy(ASCII.isDigit)
                    ? .number(Numeral(seg).description)
                    : .text(String(decoding: seg, as: UTF8.self))
            }
        }
        if !p.atEnd {
            throw fail("unexpected \(p.rest) after \(String(reflecting: String(decoding: p.bytes[..<p.pos], as: UTF8.self)))")
        }

        self.epochValue = epoch
        self.releaseValues = release
        self.preValue = pre
        self.postValue = post
        self.devValue = dev
        self.epoch = epoch.description
        self.release = release.map(\.description)
        self.preRelease = pre.map { (kind: $0.0, number: $0.1.description) }
        self.postRelease = post?.description
        self.devRelease = dev?.description
        self.local = local
        self.description = trimmed
    }

    /// The canonical form, as `str(packaging.version.Version(text))` prints it (e.g. `1.0RC1` → `1.0rc1`,
    /// `1.0-1` → `1.0.post1`, `v1!2.0-dev` → `1!2.0.dev0`).
    public var normalized: String {
        var s = epochValue.isZero ? "" : "\(epochValue)!"
        s += releaseValues.map(\.description).joined(separator: ".")
        if let pre = preValue { s += "\(pre.0.rawValue)\(pre.1)" }
        if let postValue { s += ".post\(postValue)" }
        if let devValue { s += ".dev\(devValue)" }
        if !local.isEmpty { s += "+" + local.map(\.description).joined(separator: ".") }
        return s
    }

    /// The version without its local label (`1.0+ubuntu1` → `1.0`), for specifier-style matching.
    public var publicVersion: PEP440Version {
        guard !local.isEmpty, let stripped = description.split(separator: "+", maxSplits: 1).first else { return self }
        return (try? PEP440Version(parsing: String(stripped))) ?? self
    }

    /// Whether this is a pre-release or dev release.
    public var isPreRelease: Bool { preValue != nil || devValue != nil }

    // MARK: Ordering (packaging's _cmpkey)

    private var trimmedRelease: ArraySlice<Numeral> {
        var end = releaseValues.endIndex
        while end > releaseValues.startIndex && releaseValues[end - 1].isZero { end -= 1 }
        return releaseValues[..<end]
    }

    /// -1 = "before everything" (dev-only), +1 = no pre-release ("after everything"), 0 = has pre-release.
    private var preRank: Int {
        if preValue == nil && postValue == nil && devValue != nil { return -1 }
        return preValue == nil ? 1 : 0
    }

    public func compare(to other: PEP440Version) -> VersionComparison {
        if epochValue != other.epochValue { return epochValue < other.epochValue ? .less : .greater }

        let a = trimmedRelease
        let b = other.trimmedRelease
        for (x, y) in zip(a, b) where x != y { return x < y ? .less : .greater }
        if a.count != b.count { return a.count < b.count ? .less : .greater }

        if preRank != other.preRank { return preRank < other.preRank ? .less : .greater }
        if let mine = preValue, let theirs = other.preValue {
            if mine.0 != theirs.0 { return mine.0 < theirs.0 ? .less : .greater }
            if mine.1 != theirs.1 { return mine.1 < theirs.1 ? .less : .greater }
        }

        switch (postValue, other.postValue) {
        case (nil, nil): break
        case (nil, _): return .less
        case (_, nil): return .greater
        case let (x?, y?): if x != y { return x < y ? .less : .greater }
        }

        switch (devValue, other.devValue) {
        case (nil, nil): break
        case (nil, _): return .greater
        case (_, nil): return .less
        case let (x?, y?): if x != y { return x < y ? .less : .greater }
        }

        return Self.compareLocal(local, other.local)
    }

    private static func compareLocal(_ a: [LocalSegment], _ b: [LocalSegment]) -> VersionComparison {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case let (.number(m), .number(n)):
                let r = compareDigitRuns(Array(m.utf8), Array(n.utf8))
                if r != 0 { return VersionComparison(sign: r) }
            case let (.text(s), .text(t)):
                let r = compareBytes(s.utf8, t.utf8)
                if r != 0 { return VersionComparison(sign: r) }
            case (.number, .text): return .greater
            case (.text, .number): return .less
            }
        }
        return VersionComparison(sign: sign(a.count, b.count))
    }

    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) == .equal }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epochValue)
        hasher.combine(Array(trimmedRelease))
        hasher.combine(preRank)
        if let pre = preValue {
            hasher.combine(pre.0)
            hasher.combine(pre.1)
        }
        hasher.combine(postValue)
        hasher.combine(devValue)
        hasher.combine(local)
    }
}

/// A tiny cursor over lowercased ASCII bytes for the PEP 440 grammar.
private struct Parser {
    let bytes: [UInt8]
    var pos = 0

    var atEnd: Bool { pos >= bytes.count }
    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }
    var rest: String { String(reflecting: String(decoding: bytes[pos...], as: UTF8.self)) }

    mutating func eat(_ s: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: s) else { return false }
        pos += 1
        return true
    }

    mutating func digits() -> ArraySlice<UInt8>? {
        let start = pos
        while pos < bytes.count && ASCII.isDigit(bytes[pos]) { pos += 1 }
        return pos > start ? bytes[start..<pos] : nil
    }

    mutating func separator() -> Bool {
        guard let c = peek, c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") else { return false }
        pos += 1
        return true
    }

    /// Consumes the first (longest-listed-first) word of `words` that matches here.
    mutating func word(_ words: [String]) -> String? {
        for w in words {
            let u = Array(w.utf8)
            if pos + u.count <= bytes.count && Array(bytes[pos..<(pos + u.count)]) == u {
                pos += u.count
                return w
            }
        }
        return nil
    }
}
