import Versioning
/// Reads apk's installed database (`lib/apk/db/installed`, `usr/lib/apk/db/installed`), as trivy's apk analyzer does.
///
/// Rules (trivy `pkg/fanal/analyzer/pkg/apk`):
/// * One record per paragraph; a line shorter than two characters ends the record. Each line is `X:value`.
/// * `P` name, `V` version (an invalid apk version drops the package), `A` arch, `L` licenses, `m` maintainer,
///   `o` origin → `sourceName` with `sourceVersion` = the record's version. Records without name or valid version
///   are dropped. When a name appears twice, the first record wins.
/// * Licenses are split as trivy's `licensing.LaxSplitLicenses` splits them (white space separates, parentheses are
///   trimmed, `AND`/`OR` dropped, `GPL2`/`MPL 2.0` become `GPL-2`/`MPL-2.0`); trivy then maps each name to SPDX
///   (`GPL2` → `GPL-2.0-only`), which moat does not do here: the names are kept as the package declares them.
public enum ApkInstalled {
    /// Parses an installed database. Throws only when the input is not text (it holds NUL bytes).
    public static func parse(_ bytes: [UInt8], path: String) throws(ApkInstalledError) -> [Package] {
        if bytes.contains(0) { throw .notText(path: path) }
        var packages: [Package] = []
        var seen = Set<String>()
        var record = Record()

        func finish() {
            defer { record = Record() }
            guard !record.name.isEmpty, let version = record.version else { return }
            guard seen.insert(record.name).inserted else { return }
            packages.append(Package(
                type: .apk, name: record.name, version: version, arch: record.arch,
                sourceName: record.origin, sourceVersion: record.origin == nil ? nil : version,
                licenses: record.licenses, maintainer: record.maintainer, filePath: path))
        }

        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0a { end += 1 }
            var line = bytes[start..<end]
            if line.last == 0x0d { line = line.dropLast() }
            start = end + 1
            guard line.count >= 2 else { finish(); continue }
            let key = line[line.startIndex]
            guard line[line.startIndex + 1] == 0x3a else { continue }
            let value = String(decoding: line.dropFirst(2), as: UTF8.self)
            switch key {
            case UInt8(ascii: "P"): record.name = value
            case UInt8(ascii: "V"): record.version = !value.isEmpty && ApkVersion.isValid(value) ? value : nil
            case UInt8(ascii: "o"): record.origin = value.isEmpty ? nil : value
            case UInt8(ascii: "A"): record.arch = value.isEmpty ? nil : value
            case UInt8(ascii: "L"): record.licenses = splitLicenses(value)
            case UInt8(ascii: "m"): record.maintainer = value.isEmpty ? nil : value
            default: break
            }
        }
        finish()
        return packages
    }

    struct Record {
        var name = ""
        var version: String?
        var origin: String?
        var arch: String?
        var licenses: [String] = []
        var maintainer: String?
    }

    /// Trivy's purl for an apk package once the OS is known:
    /// `pkg:apk/<id>/<name>@<version>?arch=<arch>&distro=<versionID>` (name and namespace lowercased).
    /// `id` is trivy's OS family (`alpine`, `wolfi`, `chainguard`), `versionID` the OS version (`3.10.2`).
    public static func purl(for package: Package, distro id: String, versionID: String) -> String {
        var qualifiers: [String: String] = ["distro": versionID]
        if let arch = package.arch, !arch.isEmpty { qualifiers["arch"] = arch }
        if let epoch = package.epoch, epoch != 0 { qualifiers["epoch"] = String(epoch) }
        return PURL.make(type: "apk", namespace: id.lowercased(), name: package.name.lowercased(),
                         version: package.version, qualifiers: qualifiers)
    }

    /// `licensing.LaxSplitLicenses` without the SPDX mapping.
    public static func splitLicenses(_ text: String) -> [String] {
        joinLicenseVersions(text).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map { trimParentheses($0) }
            .filter { !$0.isEmpty && $0 != "AND" && $0 != "OR" }
    }

    /// Trivy's `versionRegexp` rewrite (case-insensitive) → `$1-$4`: `GPL2+` → `GPL-2+`, `MPL 2.0` → `MPL-2.0`,
    /// `Apache-2.0` unchanged.
    static func joinLicenseVersions(_ text: String) -> String {
        let pattern = #"([A-UW-Z)]{2,})( LICENSE)?\s*[,(-]?\s*(V|V\.|VERSION|VERSION-|-)?\s*([1-9](\.\d)*)[)]?"#
        guard let regex = try? Regex(pattern).ignoresCase().asciiOnlyDigits().asciiOnlyWhitespace() else { return text }
        return text.replacing(regex) { match in
            let name = match.output[1].substring ?? ""
            let version = match.output[4].substring ?? ""
            return name + "-" + version
        }
    }

    static func trimParentheses(_ text: Substring) -> String {
        var slice = text
        while let first = slice.first, first == "(" || first == ")" { slice = slice.dropFirst() }
        while let last = slice.last, last == "(" || last == ")" { slice = slice.dropLast() }
        return String(slice)
    }
}

public enum ApkInstalledError: Error, CustomStringConvertible, Sendable, Equatable {
    case notText(path: String)

    public var description: String {
        switch self {
        case .notText(let path): "\(path): not an apk installed database (binary content)"
        }
    }
}
