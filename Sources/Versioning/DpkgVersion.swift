/// A Debian package version `[epoch:]upstream_version[-debian_revision]`, ordered like
/// `dpkg --compare-versions` (Debian policy §5.6.12, dpkg's `verrevcmp`).
///
/// * the epoch is compared numerically first (`1:0.1 > 2.0`);
/// * upstream and revision are compared by alternating non-digit and digit runs: in non-digit runs
///   `~` sorts before everything, even the end of the string (`1.0~rc1 < 1.0`), then the end, then
///   letters, then all other characters; digit runs compare numerically;
/// * the revision is everything after the last `-`; a missing revision orders like `0`.
///
/// Validation follows dpkg's `parseversion` plus the strictness of trivy's `go-deb-version`
/// (upstream must start with a digit, only alphanumerics and `.+-~:` — and `_`, which go-deb-version
/// accepts for Amazon Linux's rpm-style versions that trivy compares with deb ordering).
public struct DpkgVersion: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .dpkg }

    /// The epoch; `0` when absent.
    public let epoch: Int
    /// The upstream version (between the epoch colon and the last hyphen).
    public let upstream: String
    /// The Debian revision; empty when the version has no hyphen.
    public let revision: String
    /// The version text as given, without surrounding whitespace.
    public let description: String
    private let upstreamBytes: [UInt8]
    private let revisionBytes: [UInt8]

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .dpkg, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        let bytes = Array(trimmed.utf8)
        if bytes.contains(where: ASCII.isSpace) { throw fail("version string has embedded spaces") }

        var rest = bytes[...]
        var epoch = 0
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let epochBytes = bytes[..<colon]
            if epochBytes.isEmpty { throw fail("epoch in version is empty") }
            guard epochBytes.allSatisfy(ASCII.isDigit) else { throw fail("epoch in version is not a number") }
            guard let value = Numeral(epochBytes).value(atMost: UInt64(Int32.max)) else {
                throw fail("epoch in version is too big")
            }
            epoch = Int(value)
            rest = bytes[(colon + 1)...]
            if rest.isEmpty { throw fail("nothing after colon in version number") }
        }

        var upstreamBytes = rest
        var revisionBytes = rest[rest.endIndex...]
        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            upstreamBytes = rest[..<hyphen]
            revisionBytes = rest[(hyphen + 1)...]
            if revisionBytes.isEmpty { throw fail("revision number is empty") }
        }
        guard let firstUpstream = upstreamBytes.first else { throw fail("version number is empty") }
        if !ASCII.isDigit(firstUpstream) { throw fail("version number does not start with digit") }
        for c in upstreamBytes where !(ASCII.isAlnum(c) || Self.upstreamSymbols.contains(c)) {
            throw fail("invalid character \(String(reflecting: String(decoding: [c], as: UTF8.self))) in version number")
        }
        for c in revisionBytes where !(ASCII.isAlnum(c) || Self.revisionSymbols.contains(c)) {
            throw fail("invalid character \(String(reflecting: String(decoding: [c], as: UTF8.self))) in revision number")
        }
        // Non-ASCII bytes fail the checks above, so the slices are valid UTF-8 on their own.
        self.epoch = epoch
        self.upstream = String(decoding: upstreamBytes, as: UTF8.self)
        self.revision = String(decoding: revisionBytes, as: UTF8.self)
        self.upstreamBytes = Array(upstreamBytes)
        self.revisionBytes = Array(revisionBytes)
        self.description = trimmed
    }

    private static let upstreamSymbols: Set<UInt8> = Set(".+-~:_".utf8)
    private static let revisionSymbols: Set<UInt8> = Set(".+~_".utf8)

    public func compare(to other: DpkgVersion) -> VersionComparison {
        if epoch != other.epoch { return epoch < other.epoch ? .less : .greater }
        let u = Self.verrevcmp(upstreamBytes, other.upstreamBytes)
        if u != 0 { return VersionComparison(sign: u) }
        return VersionComparison(sign: Self.verrevcmp(revisionBytes, other.revisionBytes))
    }

    public static func < (lhs: DpkgVersion, rhs: DpkgVersion) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: DpkgVersion, rhs: DpkgVersion) -> Bool { lhs.compare(to: rhs) == .equal }

    /// Hashes a normal form consistent with `==` (numeric runs without leading zeros, revision `0` == none).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        Self.hashNormalForm(upstreamBytes, into: &hasher)
        hasher.combine(0xFF as UInt8)
        Self.hashNormalForm(revisionBytes, into: &hasher)
    }

    private static func hashNormalForm(_ s: [UInt8], into hasher: inout Hasher) {
        // Equal strings under verrevcmp have identical non-digit runs and numerically equal digit runs;
        // a digit run of value zero at the very end equals an absent one.
        var i = 0
        var normal: [UInt8] = []
        while i < s.count {
            if ASCII.isDigit(s[i]) {
                var j = i
                while j < s.count && ASCII.isDigit(s[j]) { j += 1 }
                normal.append(0)
                normal.append(contentsOf: Numeral(s[i..<j]).digits)
                i = j
            } else {
                normal.append(s[i])
                i += 1
            }
        }
        while normal.last == 0 { normal.removeLast() }  // trailing numeric zero
        hasher.combine(normal)
    }

    /// Weight of a character inside a non-digit run: `~` < end of run < letters < everything else.
    @inline(__always)
    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if ASCII.isDigit(c) { return 0 }
        if ASCII.isAlpha(c) { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    /// dpkg's `verrevcmp`.
    static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        var j = 0
        func at(_ s: [UInt8], _ k: Int) -> UInt8? { k < s.count ? s[k] : nil }
        while i < a.count || j < b.count {
            var firstDiff = 0
            while (i < a.count && !ASCII.isDigit(a[i])) || (j < b.count && !ASCII.isDigit(b[j])) {
                let ac = order(at(a, i))
                let bc = order(at(b, j))
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            while i < a.count && a[i] == UInt8(ascii: "0") { i += 1 }
            while j < b.count && b[j] == UInt8(ascii: "0") { j += 1 }
            while i < a.count && ASCII.isDigit(a[i]) && j < b.count && ASCII.isDigit(b[j]) {
                if firstDiff == 0 { firstDiff = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if i < a.count && ASCII.isDigit(a[i]) { return 1 }
            if j < b.count && ASCII.isDigit(b[j]) { return -1 }
            if firstDiff != 0 { return firstDiff }
        }
        return 0
    }
}
