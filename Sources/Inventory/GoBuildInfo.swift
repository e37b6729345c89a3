/// The build information the Go linker embeds in executables (Go ≥ 1.18 format), as `runtime/debug.BuildInfo`.
public struct GoBuildInfo: Sendable, Hashable {
    /// The toolchain that built the binary, e.g. `go1.21.5` or `go1.22.3 X:boringcrypto`.
    public var goVersion: String
    /// The main package's import path (`path` line).
    public var path: String
    /// The main module (`mod` line); nil for binaries built outside module mode.
    public var main: GoModule?
    public var deps: [GoModule]
    public var settings: [GoBuildSetting]

    public init(goVersion: String, path: String = "", main: GoModule? = nil, deps: [GoModule] = [], settings: [GoBuildSetting] = []) {
        self.goVersion = goVersion
        self.path = path
        self.main = main
        self.deps = deps
        self.settings = settings
    }

    /// Parses module information text as `runtime/debug.ParseBuildInfo` does (lines `path`, `mod`, `dep`, `=>`
    /// and `build`, tab-separated). Malformed lines are errors, as in Go, so trivy reports nothing for them either.
    public static func parseModuleInfo(_ text: String, goVersion: String) throws(GoBuildInfoError) -> GoBuildInfo {
        var info = GoBuildInfo(goVersion: goVersion)
        // Which module the next `=>` line replaces.
        enum Last { case none, main, dep(Int) }
        var last = Last.none
        var lineNumber = 0
        func module(_ fields: [Substring]) throws(GoBuildInfoError) -> GoModule {
            guard fields.count == 2 || fields.count == 3 else {
                throw .malformedModuleInfo(line: lineNumber + 1, reason: "expected 2 or 3 columns; got \(fields.count)")
            }
            return GoModule(path: String(fields[0]), version: String(fields[1]), sum: fields.count == 3 ? String(fields[2]) : "")
        }
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let newline = rest.firstIndex(of: "\n") else { break }
            let line = rest[..<newline]
            rest = rest[rest.index(after: newline)...]
            defer { lineNumber += 1 }
            if let value = line.dropPrefix("path\t") {
                info.path = String(value)
            } else if let value = line.dropPrefix("mod\t") {
                info.main = try module(value.split(separator: "\t", omittingEmptySubsequences: false))
                last = .main
            } else if let value = line.dropPrefix("dep\t") {
                info.deps.append(try module(value.split(separator: "\t", omittingEmptySubsequences: false)))
                last = .dep(info.deps.count - 1)
            } else if let value = line.dropPrefix("=>\t") {
                let fields = value.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count == 3 else {
                    throw .malformedModuleInfo(line: lineNumber + 1, reason: "expected 3 columns for replacement; got \(fields.count)")
                }
                let replacement = GoModule.Replacement(path: String(fields[0]), version: String(fields[1]), sum: String(fields[2]))
                switch last {
                case .main: info.main?.replacement = replacement
                case .dep(let index): info.deps[index].replacement = replacement
                case .none: throw .malformedModuleInfo(line: lineNumber + 1, reason: "replacement with no module on previous line")
                }
                last = .none
            } else if let value = line.dropPrefix("build\t") {
                info.settings.append(try setting(value, line: lineNumber + 1))
            }
        }
        return info
    }

    static func setting(_ text: Substring, line: Int) throws(GoBuildInfoError) -> GoBuildSetting {
        guard let first = text.first else { throw .malformedModuleInfo(line: line, reason: "build line missing '='") }
        let key: String
        let rawValue: Substring
        switch first {
        case "=":
            throw .malformedModuleInfo(line: line, reason: "build line with missing key")
        case "\"", "`":
            guard let (quoted, length) = GoQuoted.prefix(text) else {
                throw .malformedModuleInfo(line: line, reason: "invalid quoted key in build line")
            }
            key = quoted
            let after = text.dropFirst(length)
            guard after.first == "=" else { throw .malformedModuleInfo(line: line, reason: "build line missing '=' after quoted key") }
            rawValue = after.dropFirst()
        default:
            guard let equals = text.firstIndex(of: "=") else { throw .malformedModuleInfo(line: line, reason: "build line missing '='") }
            key = String(text[..<equals])
            rawValue = text[text.index(after: equals)...]
        }
        var value = String(rawValue)
        if let quote = rawValue.first, quote == "\"" || quote == "`" {
            guard let (unquoted, length) = GoQuoted.prefix(rawValue), length == rawValue.utf8.count else {
                throw .malformedModuleInfo(line: line, reason: "invalid quoted value in build line")
            }
            value = unquoted
        }
        return GoBuildSetting(key: key, value: value)
    }
}

/// A module line of Go build information.
public struct GoModule: Sendable, Hashable {
    /// A `=>` line: what the module was replaced with (a module path and version, or a local directory).
    public struct Replacement: Sendable, Hashable {
        public var path: String
        public var version: String
        public var sum: String

        public init(path: String, version: String, sum: String = "") {
            self.path = path
            self.version = version
            self.sum = sum
        }
    }

    public var path: String
    public var version: String
    public var sum: String
    public var replacement: Replacement?

    public init(path: String, version: String, sum: String = "", replacement: Replacement? = nil) {
        self.path = path
        self.version = version
        self.sum = sum
        self.replacement = replacement
    }
}

/// A `build KEY=VALUE` line (`-ldflags`, `CGO_ENABLED`, `vcs.revision`…).
public struct GoBuildSetting: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Why no Go build information was read.
public enum GoBuildInfoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not an ELF, PE or Mach-O file.
    case unrecognizedFormat
    /// An executable without the build information header.
    case notGoBinary
    /// The header uses the pre-Go 1.18 layout, whose strings are pointers into the image: not supported.
    case pointerFormatUnsupported
    /// A header whose length fields are not valid varints or do not fit.
    case malformedHeader(String)
    /// The module information is larger than the scanner keeps.
    case moduleInfoTooLarge(limit: Int)
    case malformedModuleInfo(line: Int, reason: String)
    /// The file ended inside the build information.
    case truncated

    public var description: String {
        switch self {
        case .unrecognizedFormat: "not an ELF, PE or Mach-O executable"
        case .notGoBinary: "not a Go executable (no build information)"
        case .pointerFormatUnsupported: "Go build information in the pre-1.18 pointer format is not supported"
        case .malformedHeader(let reason): "malformed Go build information header: \(reason)"
        case .moduleInfoTooLarge(let limit): "Go module information larger than \(limit) bytes"
        case .malformedModuleInfo(let line, let reason): "malformed Go module information, line \(line): \(reason)"
        case .truncated: "file ends inside the Go build information"
        }
    }
}

extension GoBuildInfo {
    /// The packages trivy reports for a Go binary: `stdlib` at the toolchain version (`v1.x.y`), each dependency
    /// (its replacement when replaced; `(devel)` versions emptied), and the main module, whose `(devel)` version
    /// falls back to a `-ldflags -X …version=` stamp. Sorted by name, then version.
    public func packages(filePath: String) -> [Package] {
        var packages: [Package] = []
        var stdlib = goVersion.hasPrefix("go") ? String(goVersion.dropFirst(2)) : goVersion
        if let space = stdlib.firstIndex(of: " ") { stdlib = String(stdlib[..<space]) }
        packages.append(Self.package(name: "stdlib", version: "v" + stdlib, filePath: filePath))
        for dep in deps where !dep.path.isEmpty {
            let path = dep.replacement?.path ?? dep.path
            let version = Self.knownVersion(dep.replacement?.version ?? dep.version)
            packages.append(Self.package(name: path, version: version, filePath: filePath))
        }
        if let main, !main.path.isEmpty {
            var version = Self.knownVersion(main.version)
            if version.isEmpty { version = GoLinkerFlags.stampedVersion(module: main.path, settings: settings) }
            packages.append(Self.package(name: main.path, version: version, filePath: filePath))
        }
        return packages.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    static func knownVersion(_ version: String) -> String {
        version == "(devel)" ? "" : version
    }

    static func package(name: String, version: String, filePath: String) -> Package {
        Package(type: .gobinary, name: name, version: version, purl: purl(name: name, version: version), filePath: filePath)
    }

    /// `pkg:golang/NAMESPACE/NAME@VERSION`, lower-cased and split at the last `/`; none for local directories.
    public static func purl(name: String, version: String) -> String? {
        if name.hasPrefix("./") || name.hasPrefix("../") { return nil }
        let lower = name.lowercased()
        if let slash = lower.lastIndex(of: "/") {
            return PURL.make(type: "golang", namespace: String(lower[..<slash]), name: String(lower[lower.index(after: slash)...]), version: version)
        }
        return PURL.make(type: "golang", name: lower, version: version)
    }
}

/// trivy's reading of `-ldflags` for a version stamp (`-X main.version=1.2.3`).
enum GoLinkerFlags {
    /// The version an `-X` flag stamps into the main module, by trivy's order of preference: keys under
    /// `MODULE/cmd/`, then keys whose package is `main`, `common`, `version` or `cmd`, then any other; keys must
    /// end in `.version` or `.ver` and values must be semantic versions. Two candidates in the winning group
    /// give no version.
    static func stampedVersion(module: String, settings: [GoBuildSetting]) -> String {
        guard let flags = settings.first(where: { $0.key == "-ldflags" })?.value else { return "" }
        var stamps: [String: String] = [:]
        var order: [String] = []
        func record(_ pair: Substring) {
            for item in pair.split(separator: ",") {
                guard let equals = item.firstIndex(of: "=") else { continue }
                let key = String(item[..<equals])
                if stamps[key] == nil { order.append(key) }
                stamps[key] = String(item[item.index(after: equals)...])
            }
        }
        let fields = flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        var index = 0
        while index < fields.count {
            let field = fields[index]
            index += 1
            if field == "-X" || field == "--X" {
                if index < fields.count { record(fields[index]); index += 1 }
            } else if let value = field.dropPrefix("-X=") {
                record(value)
            } else if let value = field.dropPrefix("-X") {
                record(value)
            }
        }
        var groups: [[String]] = [[], [], []]
        for rawKey in order {
            guard let rawValue = stamps[rawKey] else { continue }
            let key = String(rawKey.drop(while: { $0 == "'" }))
            var value = rawValue
            while value.hasSuffix("'") { value.removeLast() }
            let lowerKey = key.lowercased()
            guard lowerKey.hasSuffix(".version") || lowerKey.hasSuffix(".ver"), GoSemver.isValid(value) || GoSemver.isValid("v" + value)
            else { continue }
            if key.hasPrefix(module + "/cmd/") {
                groups[0].append(value)
            } else if ["main", "common", "version", "cmd"].contains(packagePrefix(key)) {
                groups[1].append(value)
            } else {
                groups[2].append(value)
            }
        }
        for group in groups where !group.isEmpty {
            return group.count == 1 ? group[0] : ""
        }
        return ""
    }

    /// `github.com/x/y/pkg/Version.ver` → `version`.
    static func packagePrefix(_ key: String) -> String {
        var text = Substring(key)
        if let slash = text.lastIndex(of: "/"), slash > text.startIndex { text = text[text.index(after: slash)...] }
        if let dot = text.firstIndex(of: ".") { text = text[..<dot] }
        return text.lowercased()
    }
}

/// `golang.org/x/mod/semver.IsValid`: `v` then MAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]].
enum GoSemver {
    static func isValid(_ version: String) -> Bool {
        let bytes = Array(version.utf8)
        guard bytes.first == UInt8(ascii: "v") else { return false }
        var index = 1
        guard number(bytes, &index) else { return false }
        if index == bytes.count { return true }
        guard bytes[index] == UInt8(ascii: ".") else { return false }
        index += 1
        guard number(bytes, &index) else { return false }
        if index == bytes.count { return true }
        guard bytes[index] == UInt8(ascii: ".") else { return false }
        index += 1
        guard number(bytes, &index) else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
            guard identifiers(bytes, &index, numericRule: true) else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") {
            index += 1
            guard identifiers(bytes, &index, numericRule: false) else { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func number(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index > start else { return false }
        return !(index - start > 1 && bytes[start] == 0x30)
    }

    private static func identifiers(_ bytes: [UInt8], _ index: inout Int, numericRule: Bool) -> Bool {
        func isIdentifierByte(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == UInt8(ascii: "-")
        }
        while true {
            let start = index
            while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
            guard index > start else { return false }
            if numericRule, bytes[start..<index].allSatisfy(isDigit), index - start > 1, bytes[start] == 0x30 { return false }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return true }
            index += 1
        }
    }
}

/// Go string literals as `strconv.QuotedPrefix` / `strconv.Unquote` read them (build setting keys and values).
enum GoQuoted {
    /// The unquoted text of the literal at the start of `text` and the literal's length in UTF-8 bytes.
    static func prefix(_ text: Substring) -> (String, Int)? {
        let bytes = Array(text.utf8)
        guard let quote = bytes.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "`") else { return nil }
        if quote == UInt8(ascii: "`") {
            guard let end = bytes.dropFirst().firstIndex(of: quote) else { return nil }
            let body = bytes[1..<end].filter { $0 != 0x0d }
            return (String(decoding: body, as: UTF8.self), end + 1)
        }
        var out: [UInt8] = []
        var index = 1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return (String(decoding: out, as: UTF8.self), index)
            case 0x0a:
                return nil
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "v"): out.append(0x0b)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): out.append(escape)
                case UInt8(ascii: "x"):
                    guard let value = hex(bytes, &index, digits: 2) else { return nil }
                    out.append(UInt8(value))
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    guard let value = hex(bytes, &index, digits: escape == UInt8(ascii: "u") ? 4 : 8),
                          let scalar = Unicode.Scalar(value) else { return nil }
                    out.append(contentsOf: String(scalar).utf8)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    guard index + 2 <= bytes.count else { return nil }
                    var value = UInt32(escape - 0x30)
                    for _ in 0..<2 {
                        let digit = bytes[index]
                        guard digit >= 0x30, digit <= 0x37 else { return nil }
                        value = value * 8 + UInt32(digit - 0x30)
                        index += 1
                    }
                    guard value <= 0xff else { return nil }
                    out.append(UInt8(value))
                default:
                    return nil
                }
            default:
                out.append(byte)
            }
        }
        return nil
    }

    private static func hex(_ bytes: [UInt8], _ index: inout Int, digits: Int) -> UInt32? {
        guard index + digits <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<digits {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: return nil
            }
            value = value &* 16 &+ digit
            index += 1
        }
        return value
    }
}

extension Substring {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
