/// The SemVer 2.0 parts shared by ``SemVer`` (npm) and ``GoVersion``.
struct SemanticCore: Sendable, Hashable {
    enum Identifier: Sendable, Hashable, CustomStringConvertible {
        case numeric(Numeral)
        case alphanumeric(String)

        var description: String {
            switch self {
            case .numeric(let n): n.description
            case .alphanumeric(let s): s
            }
        }
    }

    var major: Numeral
    var minor: Numeral
    var patch: Numeral
    var preRelease: [Identifier]
    var build: [String]

    /// SemVer §11 precedence: numbers, then "no pre-release" above any pre-release, then identifiers
    /// one by one (numeric < alphanumeric; numerics numerically; others in ASCII order; a prefix is lower).
    /// Build metadata is ignored.
    func compare(to other: SemanticCore) -> Int {
        if major != other.major { return major < other.major ? -1 : 1 }
        if minor != other.minor { return minor < other.minor ? -1 : 1 }
        if patch != other.patch { return patch < other.patch ? -1 : 1 }
        switch (preRelease.isEmpty, other.preRelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for (a, b) in zip(preRelease, other.preRelease) {
            switch (a, b) {
            case let (.numeric(x), .numeric(y)):
                if x != y { return x < y ? -1 : 1 }
            case (.numeric, .alphanumeric): return -1
            case (.alphanumeric, .numeric): return 1
            case let (.alphanumeric(x), .alphanumeric(y)):
                let r = compareBytes(x.utf8, y.utf8)
                if r != 0 { return r }
            }
        }
        return sign(preRelease.count, other.preRelease.count)
    }

    /// Key for hashing consistent with `compare(to:) == 0`.
    var orderingKey: [String] {
        [major.description, minor.description, patch.description] + preRelease.map {
            switch $0 {
            case .numeric(let n): "#" + n.description
            case .alphanumeric(let s): "$" + s
            }
        }
    }

    var canonical: String {
        var s = "\(major).\(minor).\(patch)"
        if !preRelease.isEmpty { s += "-" + preRelease.map(\.description).joined(separator: ".") }
        if !build.isEmpty { s += "+" + build.joined(separator: ".") }
        return s
    }

    /// Parses `MAJOR.MINOR.PATCH[-pre][+build]` from `bytes[pos...]`.
    ///
    /// - `allowShorthand`: Go's `v1` / `v1.2` forms (only when nothing follows).
    /// - `maximum`: largest allowed major/minor/patch (npm: `Number.MAX_SAFE_INTEGER`).
    /// Returns an error reason on failure.
    static func parse(_ bytes: [UInt8], from start: Int, allowShorthand: Bool, maximum: UInt64?) -> Result<SemanticCore, ParseFailure> {
        var pos = start
        func describe(_ at: Int) -> String {
            at < bytes.count ? String(reflecting: String(decoding: bytes[at...], as: UTF8.self)) : "end of text"
        }
        func number(_ name: String) -> Result<Numeral, ParseFailure> {
            let s = pos
            while pos < bytes.count && ASCII.isDigit(bytes[pos]) { pos += 1 }
            if pos == s { return .failure(ParseFailure("expected \(name) version number at \(describe(s))")) }
            if bytes[s] == UInt8(ascii: "0") && pos - s > 1 {
                return .failure(ParseFailure("\(name) version number has a leading zero"))
            }
            let n = Numeral(bytes[s..<pos])
            if let maximum, n.value(atMost: maximum) == nil {
                return .failure(ParseFailure("\(name) version number is larger than \(maximum)"))
            }
            return .success(n)
        }
        func identifiers(numericRule: Bool, what: String) -> Result<[[UInt8]], ParseFailure> {
            var result: [[UInt8]] = []
            while true {
                let s = pos
                while pos < bytes.count && (ASCII.isAlnum(bytes[pos]) || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
                let id = Array(bytes[s..<pos])
                if id.isEmpty { return .failure(ParseFailure("empty \(what) identifier at \(describe(s))")) }
                if numericRule && id.count > 1 && id.allSatisfy(ASCII.isDigit) && id[0] == UInt8(ascii: "0") {
                    return .failure(ParseFailure("numeric \(what) identifier \(String(reflecting: String(decoding: id, as: UTF8.self))) has a leading zero"))
                }
                result.append(id)
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ".") else { return .success(result) }
                pos += 1
            }
        }

        let major: Numeral
        switch number("major") {
        case .success(let n): major = n
        case .failure(let f): return .failure(f)
        }
        var minor = Numeral.zero
        var patch = Numeral.zero
        if allowShorthand && pos == bytes.count {
            return .success(SemanticCore(major: major, minor: minor, patch: patch, preRelease: [], build: []))
        }
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ".") else {
            return .failure(ParseFailure("expected '.' and a minor version at \(describe(pos))"))
        }
        pos += 1
        switch number("minor") {
        case .success(let n): minor = n
        case .failure(let f): return .failure(f)
        }
        if allowShorthand && pos == bytes.count {
            return .success(SemanticCore(major: major, minor: minor, patch: patch, preRelease: [], build: []))
        }
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ".") else {
            return .failure(ParseFailure("expected '.' and a patch version at \(describe(pos))"))
        }
        pos += 1
        switch number("patch") {
        case .success(let n): patch = n
        case .failure(let f): return .failure(f)
        }
        var pre: [Identifier] = []
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "-") {
            pos += 1
            switch identifiers(numericRule: true, what: "pre-release") {
            case .success(let ids):
                pre = ids.map { id in
                    id.allSatisfy(ASCII.isDigit) ? .numeric(Numeral(id)) : .alphanumeric(String(decoding: id, as: UTF8.self))
                }
            case .failure(let f): return .failure(f)
            }
        }
        var build: [String] = []
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "+") {
            pos += 1
            switch identifiers(numericRule: false, what: "build metadata") {
            case .success(let ids): build = ids.map { String(decoding: $0, as: UTF8.self) }
            case .failure(let f): return .failure(f)
            }
        }
        if pos != bytes.count {
            return .failure(ParseFailure("unexpected \(describe(pos))"))
        }
        return .success(SemanticCore(major: major, minor: minor, patch: patch, preRelease: pre, build: build))
    }
}

struct ParseFailure: Error, Sendable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
