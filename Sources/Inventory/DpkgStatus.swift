import Versioning
/// Reads dpkg's `var/lib/dpkg/status` and the distroless `var/lib/dpkg/status.d/<name>` files, as trivy's dpkg
/// analyzer does.
///
/// Rules (trivy `pkg/fanal/analyzer/pkg/dpkg`):
/// * RFC 822 stanzas separated by blank lines; field names are case-insensitive; a line starting with a space or tab
///   continues the previous field. A stanza with a malformed line (no colon, a bad field name, or a continuation with
///   nothing to continue) is skipped whole, as Go's `textproto` reader rejects it. The first value of a field wins.
/// * A stanza whose `Status` has the word `deinstall` or `purge` is dropped (`install ok half-installed` counts,
///   `deinstall ok config-files` does not); a stanza without `Status` (status.d) counts as installed.
/// * `Package` and `Version` are required; `Source: name (version)` gives the source package, each part defaulting
///   to the binary's. A binary or source version that is not a valid Debian version drops the package.
/// * `version` is `upstream[-revision]` without the epoch; the epoch goes to `epoch` (nil when 0); likewise
///   `sourceVersion`/`sourceEpoch`. `release`/`sourceRelease` stay nil for dpkg.
/// * Stanzas with the same `Package` and `Version` collapse into one (the last one's fields, at the first one's place).
///
/// One deliberate difference: trivy loses a stanza that follows two or more blank lines (its splitter hands the
/// extra newline to the header reader, which sees an empty header); moat treats any run of blank lines as one
/// separator.
public enum DpkgStatus {
    /// Parses a status file (or one status.d file). Throws only when the input is not text (it holds NUL bytes).
    public static func parse(_ bytes: [UInt8], path: String) throws(DpkgStatusError) -> [Package] {
        if bytes.contains(0) { throw .notText(path: path) }
        var packages: [Package] = []
        var indexByID: [String: Int] = [:]
        for stanza in stanzas(bytes) {
            guard let fields = parseFields(stanza), let package = package(from: fields, path: path) else { continue }
            let id = package.name + "@" + (fields.first("version") ?? "")
            if let index = indexByID[id] {
                packages[index] = package
            } else {
                indexByID[id] = packages.count
                packages.append(package)
            }
        }
        return packages
    }

    /// Trivy's purl for a dpkg package once the OS is known:
    /// `pkg:deb/<id>/<name>@<version>?arch=<arch>&distro=<id>-<versionID>[&epoch=<n>]`.
    /// `id` is trivy's OS family (`debian`, `ubuntu`), `versionID` the OS version trivy reports (`12.5`, `22.04`).
    public static func purl(for package: Package, distro id: String, versionID: String) -> String {
        var qualifiers: [String: String] = ["distro": id + "-" + versionID]
        if let arch = package.arch, !arch.isEmpty { qualifiers["arch"] = arch }
        if let epoch = package.epoch, epoch != 0 { qualifiers["epoch"] = String(epoch) }
        var version = package.version
        if let release = package.release, !release.isEmpty { version += "-" + release }
        return PURL.make(type: "deb", namespace: id.lowercased(), name: package.name, version: version, qualifiers: qualifiers)
    }

    // MARK: - Stanzas

    /// Splits on blank lines (a line that is empty once a trailing CR is removed); returns each stanza's lines.
    static func stanzas(_ bytes: [UInt8]) -> [[ArraySlice<UInt8>]] {
        var result: [[ArraySlice<UInt8>]] = []
        var current: [ArraySlice<UInt8>] = []
        var start = 0
        let count = bytes.count
        while start <= count {
            var end = start
            while end < count, bytes[end] != 0x0a { end += 1 }
            var line = bytes[start..<end]
            if line.last == 0x0d { line = line.dropLast() }
            if line.isEmpty {
                if !current.isEmpty { result.append(current); current = [] }
            } else {
                current.append(line)
            }
            start = end + 1
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    struct Fields {
        var values: [(key: String, value: String)] = []
        /// The first value of a field (names compared case-insensitively, as textproto canonicalises them).
        func first(_ key: String) -> String? { values.first { $0.key == key }?.value }
    }

    /// Parses a stanza's lines into fields; nil when a line is malformed (the stanza is skipped, as in trivy).
    static func parseFields(_ lines: [ArraySlice<UInt8>]) -> Fields? {
        var fields = Fields()
        var pendingKey: String?
        var pendingValue: [UInt8] = []
        func flush() {
            if let key = pendingKey {
                fields.values.append((key, String(decoding: trimSpace(pendingValue[...]), as: UTF8.self)))
            }
        }
        for line in lines {
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09 {
                guard pendingKey != nil else { return nil }
                let trimmed = trimSpace(line)
                if !trimmed.isEmpty {
                    // textproto joins continuation lines with one space.
                    if !pendingValue.isEmpty { pendingValue.append(0x20) }
                    pendingValue.append(contentsOf: trimmed)
                }
                continue
            }
            guard let colon = line.firstIndex(of: 0x3a) else { return nil }
            let key = line[line.startIndex..<colon]
            guard !key.isEmpty, key.allSatisfy(isTokenByte) else { return nil }
            flush()
            pendingKey = String(decoding: key, as: UTF8.self).lowercased()
            pendingValue = Array(trimSpace(line[(colon + 1)...]))
        }
        flush()
        return fields
    }

    /// HTTP token characters (RFC 7230), the bytes Go's textproto accepts in a header field name.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    static func trimSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 || first == 0x0d { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 || last == 0x0d { slice = slice.dropLast() }
        return slice
    }

    // MARK: - Packages

    /// Whether a `Status` value leaves the package installed (no `deinstall` or `purge` word).
    public static func isInstalled(status: String) -> Bool {
        !status.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0 == "deinstall" || $0 == "purge" }
    }

    /// Splits `Source: name (version)`; either part may be empty.
    static func parseSource(_ text: String) -> (name: String, version: String) {
        let scalars = Array(text.unicodeScalars)
        var end = 0
        while end < scalars.count, !isGoSpace(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[0..<end]))
        var version = ""
        let rest = scalars[end...]
        // ` \((.*)\)`: a space, an opening parenthesis, then everything up to the last closing parenthesis.
        if rest.count >= 3, rest[rest.startIndex] == " ", rest[rest.startIndex + 1] == "(",
           let close = rest.lastIndex(of: ")"), close >= rest.startIndex + 2,
           !rest[(rest.startIndex + 2)..<close].contains("\n") {
            version = String(String.UnicodeScalarView(rest[(rest.startIndex + 2)..<close]))
        }
        return (name.trimmingDpkgSpace(), version.trimmingDpkgSpace())
    }

    static func isGoSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
    }

    /// dpkg's version rules, plus go-deb-version's tolerance of an empty revision (`1.0-`), which trivy keeps.
    static func version(_ text: String) -> DpkgVersion? {
        let trimmed = text.trimmingDpkgSpace()
        if let version = try? DpkgVersion(parsing: trimmed) { return version }
        return trimmed.hasSuffix("-") ? try? DpkgVersion(parsing: String(trimmed.dropLast())) : nil
    }

    static func package(from fields: Fields, path: String) -> Package? {
        if let status = fields.first("status"), !isInstalled(status: status) { return nil }
        guard let name = fields.first("package"), !name.isEmpty,
              let rawVersion = fields.first("version"), !rawVersion.isEmpty else { return nil }
        var sourceName = ""
        var sourceVersionText = ""
        if let source = fields.first("source"), !source.isEmpty {
            (sourceName, sourceVersionText) = parseSource(source)
        }
        if sourceName.isEmpty { sourceName = name }
        if sourceVersionText.isEmpty { sourceVersionText = rawVersion }
        // Versions dpkg itself would refuse are dropped, as trivy drops them.
        guard let version = Self.version(rawVersion), let sourceVersion = Self.version(sourceVersionText) else { return nil }
        let arch = fields.first("architecture").flatMap { $0.isEmpty ? nil : $0 }
        let maintainer = fields.first("maintainer").flatMap { $0.isEmpty ? nil : $0 }
        return Package(
            type: .dpkg, name: name, version: version.versionWithoutEpoch, epoch: version.epoch == 0 ? nil : version.epoch,
            arch: arch, sourceName: sourceName, sourceVersion: sourceVersion.versionWithoutEpoch,
            sourceEpoch: sourceVersion.epoch == 0 ? nil : sourceVersion.epoch, maintainer: maintainer, filePath: path)
    }
}

public enum DpkgStatusError: Error, CustomStringConvertible, Sendable, Equatable {
    case notText(path: String)

    public var description: String {
        switch self {
        case .notText(let path): "\(path): not a dpkg status file (binary content)"
        }
    }
}
