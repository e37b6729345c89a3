/// Installed Python packages from their core metadata, as trivy's python-pkg analyzer finds them: wheel installs
/// (`*.dist-info/METADATA`), egg installs (`*.egg-info` as a file, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`).
public enum PythonMetadata {
    /// Whether trivy reads this path: a `METADATA` file under a `.dist-info` directory, or an egg metadata file.
    /// Cheap enough for every file of every layer (byte comparisons only).
    public static func isMetadataPath(_ path: String) -> Bool {
        let utf8 = path.utf8
        switch utf8.last {
        case UInt8(ascii: "A"):
            return hasSuffix(utf8, "/METADATA") && contains(utf8, ".dist-info")
        case UInt8(ascii: "O"):
            return hasSuffix(utf8, "EGG-INFO/PKG-INFO") || hasSuffix(utf8, ".egg-info/PKG-INFO")
        case UInt8(ascii: "o"):
            return hasSuffix(utf8, ".egg-info")
        default:
            return false
        }
    }

    /// Reads the email-header block of a METADATA or PKG-INFO file into a package. Licenses follow trivy:
    /// `License-Expression`, else `License ::` classifiers (except the bare `OSI Approved`), else `License`,
    /// split at commas and lower-case and/or. A `License-File` alone gives no license (moat does not classify
    /// license texts).
    public static func parse(_ bytes: [UInt8], filePath: String) throws(PythonMetadataError) -> Package {
        let fields = headers(bytes)
        func first(_ key: String) -> String {
            fields.first { $0.key == key }?.value ?? ""
        }
        let name = first("name")
        let version = first("version")
        guard !name.isEmpty, !version.isEmpty else { throw PythonMetadataError(message: "name or version is empty") }
        var license = first("license-expression")
        if license.isEmpty {
            var classified: [String] = []
            for field in fields where field.key == "classifier" && field.value.hasPrefix("License :: ") {
                let last = lastComponent(field.value, separator: " :: ")
                if last != "OSI Approved" { classified.append(last) }
            }
            license = classified.joined(separator: ", ")
            if classified.isEmpty { license = first("license") }
        }
        return Package(type: .python, name: name, version: version, licenses: LanguageLicense.split(license),
                       purl: PURL.make(type: "pypi", name: purlName(name), version: version), filePath: filePath)
    }

    /// PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, letters lower-case (`Foo.Bar__baz` → `foo-bar-baz`).
    public static func normalizedName(_ name: String) -> String {
        var out = ""
        var inRun = false
        for scalar in name.unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !inRun { out.unicodeScalars.append("-") }
                inRun = true
            } else {
                out.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                inRun = false
            }
        }
        return out
    }

    /// The purl name trivy writes: lower-cased, `_` replaced by `-` (the purl spec's pypi rule).
    public static func purlName(_ name: String) -> String {
        name.lowercased().replacingUnderscores()
    }

    /// The header fields before the first empty line, keys lower-cased, continuation lines joined with a space.
    /// Like Go's `textproto` reader (which trivy uses), reading stops at the first malformed line and keeps
    /// what came before it.
    static func headers(_ bytes: [UInt8]) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).makeIterator()
        func stripCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> { line.last == 0x0d ? line.dropLast() : line }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var next = lines.next().map(stripCR)
        if let line = next, let first = line.first, isBlank(first) { return [] }
        while let line = next {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { break }
            let key = line[line.startIndex..<colon]
            if key.contains(where: { $0 <= 0x20 || $0 >= 0x7f }) { break }
            var value = Array(line[(colon + 1)...].drop(while: isBlank))
            while let last = value.last, isBlank(last) { value.removeLast() }
            next = lines.next().map(stripCR)
            while let continuation = next, let first = continuation.first, isBlank(first) {
                var piece = continuation.drop(while: isBlank)
                while let last = piece.last, isBlank(last) { piece = piece.dropLast() }
                if !piece.isEmpty {
                    if !value.isEmpty { value.append(0x20) }
                    value.append(contentsOf: piece)
                }
                next = lines.next().map(stripCR)
            }
            if !key.isEmpty {
                fields.append((String(decoding: key, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
            }
        }
        return fields
    }

    /// The text after the last `separator` (all of it when there is none).
    static func lastComponent(_ text: String, separator: String) -> String {
        let bytes = Array(text.utf8)
        let sep = Array(separator.utf8)
        guard bytes.count >= sep.count else { return text }
        var start = bytes.count - sep.count
        while start >= 0 {
            if bytes[start..<(start + sep.count)].elementsEqual(sep) {
                return String(decoding: bytes[(start + sep.count)...], as: UTF8.self)
            }
            start -= 1
        }
        return text
    }

    private static func hasSuffix(_ utf8: String.UTF8View, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard utf8.count >= count else { return false }
        let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: count)
        return utf8.suffix(count).elementsEqual(tail)
    }

    private static func contains(_ utf8: String.UTF8View, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        let bytes = Array(utf8)
        guard bytes.count >= count else { return false }
        for start in 0...(bytes.count - count) where bytes[start] == pattern[0] {
            if bytes[start..<(start + count)].elementsEqual(pattern) { return true }
        }
        return false
    }
}

/// Why Python metadata gave no package.
public struct PythonMetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }
}
