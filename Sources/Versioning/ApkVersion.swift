/// An Alpine package version, validated and ordered like current apk-tools (`src/version.c`):
///
/// `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`
///
/// * the first component is a number; further numeric components follow `.`; a component with a leading
///   zero (`1.05`) is compared as a string, like Gentoo (`1.05 < 1.5`, `1.0 < 1.00`), others numerically;
/// * one optional lowercase letter may follow a number (`1.2a`);
/// * suffixes `_alpha < _beta < _pre < _rc <` (none) `< _cvs < _svn < _git < _hg < _p`, each optionally
///   numbered (`_rc1`), and may repeat (`0.1.0_alpha_pre2 < 0.1.0_alpha`);
/// * an optional `~<hex>` commit hash, then an optional `-r<N>` package revision (`1.0-r1 > 1.0`);
/// * when one version is a prefix of the other, the longer one is greater unless its next part is a
///   pre-release suffix (`1.0_rc1 < 1.0`, `1.0_p1 > 1.0`).
///
/// Anything else (uppercase, `1.0bc`, `1.0.`, `_foo`, `-x1`, ...) is rejected, as `apk` does.
public struct ApkVersion: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .apk }

    /// The version text as given.
    public let description: String
    private let tokens: [Token]

    enum Kind: Int, Comparable, Sendable {
        case initialDigit = 0, digit, letter, suffix, suffixNumber, commitHash, revision, end, invalid
        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// Suffix ranks; `none` (5) is the release pivot.
    static let suffixRanks: [String: Int] = [
        "alpha": 1, "beta": 2, "pre": 3, "rc": 4,
        "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10,
    ]
    static let releaseRank = 5

    struct Token: Hashable, Sendable {
        var kind: Kind
        /// Raw text of the token (digits, letter, suffix word, hash).
        var text: [UInt8]
        /// Numeric value for number-like tokens, suffix rank for suffixes.
        var number: Numeral = .zero
        var suffixRank: Int = 0
    }

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .apk, input: text, reason: reason)
        }
        if text.isEmpty { throw fail("version string is empty") }
        if text.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var pos = 0

        func digitRun() -> [UInt8] {
            let start = pos
            while pos < bytes.count && ASCII.isDigit(bytes[pos]) { pos += 1 }
            return Array(bytes[start..<pos])
        }
        func describe(_ at: Int) -> String {
            at < bytes.count ? String(reflecting: String(decoding: bytes[at...], as: UTF8.self)) : "end"
        }

        let first = digitRun()
        if first.isEmpty { throw fail("version must start with a digit") }
        tokens.append(Token(kind: .initialDigit, text: first, number: Numeral(first)))
        var current = Kind.initialDigit

        while pos < bytes.count {
            let c = bytes[pos]
            let here = pos
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard current <= .digit else {
                    throw fail("unexpected letter at \(describe(here)): a letter may only follow a number")
                }
                pos += 1
                current = .letter
                tokens.append(Token(kind: .letter, text: [c], number: Numeral.zero))
            case UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if c == UInt8(ascii: ".") {
                    guard current <= .digit else {
                        throw fail("unexpected '.' at \(describe(here)): dotted numbers must come before letters and suffixes")
                    }
                    pos += 1
                }
                let kind: Kind
                switch current {
                case .initialDigit, .digit: kind = .digit
                case .suffix: kind = .suffixNumber
                default:
                    throw fail("unexpected number at \(describe(here))")
                }
                let run = digitRun()
                if run.isEmpty { throw fail("missing number at \(describe(pos))") }
                current = kind
                tokens.append(Token(kind: kind, text: run, number: Numeral(run)))
            case UInt8(ascii: "_"):
                guard current <= .suffixNumber else {
                    throw fail("unexpected suffix at \(describe(here)): suffixes must come before ~hash and -r")
                }
                pos += 1
                let start = pos
                while pos < bytes.count && ASCII.isLower(bytes[pos]) { pos += 1 }
                let word = Array(bytes[start..<pos])
                guard let rank = Self.suffixRanks[String(decoding: word, as: UTF8.self)] else {
                    throw fail("unknown suffix at \(describe(here)); expected one of _alpha _beta _pre _rc _cvs _svn _git _hg _p")
                }
                current = .suffix
                tokens.append(Token(kind: .suffix, text: word, number: .zero, suffixRank: rank))
            case UInt8(ascii: "~"):
                guard current < .commitHash else {
                    throw fail("unexpected '~' at \(describe(here)): the commit hash must come before -r")
                }
                pos += 1
                let start = pos
                while pos < bytes.count && ASCII.isHexDigit(bytes[pos]) { pos += 1 }
                if pos == start { throw fail("empty commit hash after '~'") }
                current = .commitHash
                tokens.append(Token(kind: .commitHash, text: Array(bytes[start..<pos])))
            case UInt8(ascii: "-"):
                guard current < .revision else { throw fail("more than one -r revision") }
                guard pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "r") else {
                    throw fail("'-' must introduce a revision '-r<number>' (at \(describe(here)))")
                }
                pos += 2
                let run = digitRun()
                if run.isEmpty { throw fail("revision '-r' has no number") }
                current = .revision
                tokens.append(Token(kind: .revision, text: run, number: Numeral(run)))
            default:
                throw fail("invalid character at \(describe(here))")
            }
        }
        self.tokens = tokens
        self.description = text
    }

    private func kind(at index: Int) -> Kind {
        index < tokens.count ? tokens[index].kind : .end
    }

    private static func compareTokens(_ a: Token, _ b: Token) -> Int {
        switch a.kind {
        case .digit where a.text.first == UInt8(ascii: "0") || b.text.first == UInt8(ascii: "0"):
            // Leading zero: raw string comparison (Gentoo rule).
            return compareBytes(a.text, b.text)
        case .initialDigit, .digit, .suffixNumber, .revision:
            return sign(a.number, b.number)
        case .letter:
            return compareBytes(a.text, b.text)
        case .suffix:
            return sign(a.suffixRank, b.suffixRank)
        default:
            return compareBytes(a.text, b.text)
        }
    }

    public func compare(to other: ApkVersion) -> VersionComparison {
        var index = 0
        var ka = kind(at: 0)
        var kb = other.kind(at: 0)
        while ka == kb && ka < .end {
            let r = Self.compareTokens(tokens[index], other.tokens[index])
            if r != 0 { return VersionComparison(sign: r) }
            index += 1
            ka = kind(at: index)
            kb = other.kind(at: index)
        }
        if ka == kb { return .equal }
        // Equal so far: the longer version is greater unless it continues with a pre-release suffix.
        if ka == .suffix && tokens[index].suffixRank < Self.releaseRank { return .less }
        if kb == .suffix && other.tokens[index].suffixRank < Self.releaseRank { return .greater }
        if ka > kb { return .less }
        if kb > ka { return .greater }
        return .equal
    }

    public static func < (lhs: ApkVersion, rhs: ApkVersion) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: ApkVersion, rhs: ApkVersion) -> Bool { lhs.compare(to: rhs) == .equal }

    public func hash(into hasher: inout Hasher) {
        // Equal versions have the same token kinds and, per token, equal numbers / identical text.
        for token in tokens {
            hasher.combine(token.kind)
            switch token.kind {
            case .digit where token.text.first == UInt8(ascii: "0"):
                hasher.combine(token.text)
            case .initialDigit, .digit, .suffixNumber, .revision:
                hasher.combine(token.number)
            case .suffix:
                hasher.combine(token.suffixRank)
            default:
                hasher.combine(token.text)
            }
        }
    }
}
