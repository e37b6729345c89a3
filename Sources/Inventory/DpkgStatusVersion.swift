extension DpkgStatus {
    /// A Debian package version split as dpkg (and trivy's go-deb-version) splits it: `[epoch:]upstream[-revision]`.
    ///
    /// Validation follows go-deb-version, which trivy uses to accept or drop a package: the epoch is a non-negative
    /// decimal number (everything before the first `:`), the revision is what follows the last `-`, the upstream part
    /// must start with a digit and hold only letters, digits and `.+-~:_`, and the revision only letters, digits and `+.~_`.
    /// (Nested so it cannot collide with the comparison type `Versioning.DpkgVersion`.)
    public struct Version: Sendable, Hashable {
        public var epoch: Int
        public var upstream: String
        public var revision: String

        /// `upstream[-revision]`, without the epoch (what `Package.version` holds for dpkg).
        public var versionWithoutEpoch: String { revision.isEmpty ? upstream : upstream + "-" + revision }

        public init?(_ text: String) {
            let trimmed = text.trimmingDpkgSpace()
            var rest = Substring(trimmed)
            var epoch = 0
            if let colon = rest.firstIndex(of: ":") {
                // strconv.Atoi: optional sign, decimal digits, fits in Int.
                guard let value = Int(rest[..<colon]), value >= 0 else { return nil }
                epoch = value
                rest = rest[rest.index(after: colon)...]
            }
            var upstream = rest
            var revision: Substring = ""
            if let dash = rest.lastIndex(of: "-") {
                upstream = rest[..<dash]
                revision = rest[rest.index(after: dash)...]
            }
            guard let first = upstream.utf8.first, first >= 0x30, first <= 0x39 else { return nil }
            guard upstream.unicodeScalars.allSatisfy({ Self.isAlphanumeric($0) || ".-+~:_".unicodeScalars.contains($0) }),
                  revision.unicodeScalars.allSatisfy({ Self.isAlphanumeric($0) || "+.~_".unicodeScalars.contains($0) })
            else { return nil }
            self.epoch = epoch
            self.upstream = String(upstream)
            self.revision = String(revision)
        }

        /// Go's `unicode.IsDigit || unicode.IsLetter`.
        static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII {
                let v = scalar.value
                return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5a) || (v >= 0x61 && v <= 0x7a)
            }
            switch scalar.properties.generalCategory {
            case .decimalNumber, .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                return true
            default:
                return false
            }
        }
    }
}

extension String {
    /// Trims what Go's `strings.TrimSpace` trims for the texts seen here (ASCII white space).
    func trimmingDpkgSpace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0b || b == 0x0c || b == 0x0d }
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if start == 0 && end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
