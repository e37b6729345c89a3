/// An RPM `[epoch:]version[-release]`, ordered like rpm's `rpmverCmp`: `rpmvercmp` applied to epoch,
/// version and release in turn (what `rpm --eval '%{lua: print(rpm.vercmp(a, b))}'` prints; trivy's
/// go-rpm-version agrees except that it treats a missing release like an empty one):
///
/// * the epoch is compared numerically first (`1:1.0 > 2.0`); a missing epoch is `0`;
/// * version and release are split into maximal runs of ASCII letters or digits; every other character
///   only separates (`2.0 == 2_0`); digit runs compare numerically and are newer than letter runs
///   (`1.0a < 1.0.1`), letter runs compare like `strcmp` (`10a2 < 10b2`); a longer version wins when all
///   runs so far are equal (`6.0 < 6.0.rc1`);
/// * `~` sorts before everything, even the end (`1.0~rc1 < 1.0`);
/// * `^` sorts after the end but before any further run (`1.0 < 1.0^git1 < 1.0.1`, `1.0^git1 < 1.01`);
/// * when all runs are equal, the version with characters left over wins;
/// * like rpm's `rpmverCmp`, a version without a release sorts below the same version with any release
///   (`1.0 < 1.0-1`, even `1.0 < 1.0-~`); two releases compare with `rpmvercmp`.
///
/// The release is whatever follows the last `-` (rpm's `parseEVR`). Rejected: empty text, whitespace or
/// control characters, a non-numeric or too large epoch, an empty version.
public struct RpmVersion: EcosystemVersion, Hashable {
    public static var scheme: VersionScheme { .rpm }

    /// The epoch; `0` when absent.
    public let epoch: Int
    /// Whether the text carried an explicit epoch.
    public let hasEpoch: Bool
    /// The version part.
    public let version: String
    /// The release part; empty when absent.
    public let release: String
    /// Whether the text had a `-release` part (possibly empty).
    public let hasRelease: Bool
    /// The version text as given, without surrounding whitespace.
    public let description: String
    private let versionBytes: [UInt8]
    private let releaseBytes: [UInt8]

    public init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(scheme: .rpm, input: text, reason: reason)
        }
        let trimmed = trimmingWhitespace(text)
        if trimmed.isEmpty { throw fail("version string is empty") }
        if trimmed.utf8.count > maximumVersionLength {
            throw fail("version string is longer than \(maximumVersionLength) characters")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail("version string contains whitespace or control characters")
        }
        let bytes = Array(trimmed.utf8)
        var rest = bytes[...]
        var epoch = 0
        var hasEpoch = false
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let epochBytes = bytes[..<colon]
            guard epochBytes.allSatisfy(ASCII.isDigit) else {
                throw fail("epoch \(String(reflecting: String(decoding: epochBytes, as: UTF8.self))) is not a number")
            }
            // rpm reads an empty epoch ("":1.0) as 0.
            guard let value = Numeral(epochBytes).value(atMost: UInt64(Int32.max)) else {
                throw fail("epoch is too large")
            }
            epoch = Int(value)
            hasEpoch = true
            rest = bytes[(colon + 1)...]
        }
        var versionBytes = rest
        var releaseBytes = rest[rest.endIndex...]
        var hasRelease = false
        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            versionBytes = rest[..<hyphen]
            releaseBytes = rest[(hyphen + 1)...]
            hasRelease = true
        }
        if versionBytes.isEmpty { throw fail("version part is empty") }
        self.epoch = epoch
        self.hasEpoch = hasEpoch
        self.version = String(decoding: versionBytes, as: UTF8.self)
        self.release = String(decoding: releaseBytes, as: UTF8.self)
        self.hasRelease = hasRelease
        self.versionBytes = Array(versionBytes)
        self.releaseBytes = Array(releaseBytes)
        self.description = trimmed
    }

    public func compare(to other: RpmVersion) -> VersionComparison {
        if epoch != other.epoch { return epoch < other.epoch ? .less : .greater }
        let v = Self.rpmvercmp(versionBytes, other.versionBytes)
        if v != 0 { return VersionComparison(sign: v) }
        switch (hasRelease, other.hasRelease) {
        case (true, true): return VersionComparison(sign: Self.rpmvercmp(releaseBytes, other.releaseBytes))
        case (true, false): return .greater
        case (false, true): return .less
        case (false, false): return .equal
        }
    }

    public static func < (lhs: RpmVersion, rhs: RpmVersion) -> Bool { lhs.compare(to: rhs) == .less }
    public static func == (lhs: RpmVersion, rhs: RpmVersion) -> Bool { lhs.compare(to: rhs) == .equal }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        Self.hashNormalForm(versionBytes, into: &hasher)
        hasher.combine(hasRelease)
        Self.hashNormalForm(releaseBytes, into: &hasher)
    }

    /// rpmvercmp-equal strings have the same sequence of `~`, `^`, letter runs and numerically equal
    /// digit runs; separators are irrelevant.
    private static func hashNormalForm(_ b: [UInt8], into hasher: inout Hasher) {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "~") || c == UInt8(ascii: "^") {
                hasher.combine(c)
                i += 1
            } else if ASCII.isDigit(c) {
                var j = i
                while j < b.count && ASCII.isDigit(b[j]) { j += 1 }
                hasher.combine(0 as UInt8)
                hasher.combine(Numeral(b[i..<j]))
                i = j
            } else if ASCII.isAlpha(c) {
                var j = i
                while j < b.count && ASCII.isAlpha(b[j]) { j += 1 }
                hasher.combine(1 as UInt8)
                hasher.combine(Array(b[i..<j]))
                i = j
            } else {
                i += 1
            }
        }
    }

    /// rpm's `rpmvercmp` (rpmio/rpmvercmp.cc), including `~` and `^` handling.
    static func rpmvercmp(_ x: [UInt8], _ y: [UInt8]) -> Int {
        if x == y { return 0 }
        var i = 0
        var j = 0
        let tilde = UInt8(ascii: "~")
        let caret = UInt8(ascii: "^")
        func isSeparator(_ c: UInt8) -> Bool { !ASCII.isAlnum(c) && c != tilde && c != caret }

        while i < x.count || j < y.count {
            while i < x.count && isSeparator(x[i]) { i += 1 }
            while j < y.count && isSeparator(y[j]) { j += 1 }

            let one: UInt8? = i < x.count ? x[i] : nil
            let two: UInt8? = j < y.count ? y[j] : nil

            // Tilde: sorts before everything else, including the end.
            if one == tilde || two == tilde {
                if one != tilde { return 1 }
                if two != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            // Caret: like tilde, except that a version that has ended is older.
            if one == caret || two == caret {
                if one == nil { return -1 }
                if two == nil { return 1 }
                if one != caret { return 1 }
                if two != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            guard let first = one, two != nil else { break }

            let startI = i
            let startJ = j
            let isNumeric = ASCII.isDigit(first)
            if isNumeric {
                while i < x.count && ASCII.isDigit(x[i]) { i += 1 }
                while j < y.count && ASCII.isDigit(y[j]) { j += 1 }
            } else {
                while i < x.count && ASCII.isAlpha(x[i]) { i += 1 }
                while j < y.count && ASCII.isAlpha(y[j]) { j += 1 }
            }
            // The segments are of different kinds: numeric is newer than alpha.
            if j == startJ { return isNumeric ? 1 : -1 }

            let r = isNumeric
                ? compareDigitRuns(x[startI..<i], y[startJ..<j])
                : compareBytes(x[startI..<i], y[startJ..<j])
            if r != 0 { return r }
        }
        if i >= x.count && j >= y.count { return 0 }
        return i >= x.count ? -1 : 1
    }
}
