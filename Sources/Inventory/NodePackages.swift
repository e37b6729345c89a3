/// Installed Node.js packages: every `package.json` that has a name and a version, as trivy's node-pkg analyzer
/// reads them (not only under `node_modules`).
public enum NodePackageJSON {
    /// Whether trivy would read this path: any file named `package.json`.
    public static func isPackageJSON(_ path: String) -> Bool {
        let utf8 = path.utf8
        let name = "package.json".utf8
        guard utf8.count >= name.count, utf8.last == UInt8(ascii: "n") else { return false }
        guard utf8.suffix(name.count).elementsEqual(name) else { return false }
        return utf8.count == name.count || utf8.dropLast(name.count).last == UInt8(ascii: "/")
    }

    /// Reads one `package.json`. Returns nil when it lacks a name or a version (workspace roots, private apps);
    /// throws when it is not JSON or its name is not URL-friendly, as trivy does.
    public static func parse(_ bytes: [UInt8], filePath: String) throws(NodePackageError) -> Package? {
        let json: LanguageJSON
        do {
            json = try LanguageJSON.parse(bytes)
        } catch {
            throw NodePackageError(message: error.description)
        }
        guard case .object = json else { throw NodePackageError(message: "package.json is not a JSON object") }
        // Go's decoder rejects a name or version of the wrong type.
        let name: String
        switch json["name"] {
        case .string(let text)?: name = text
        case .null?, nil: name = ""
        default: throw NodePackageError(message: "\"name\" is not a string")
        }
        let version: String
        switch json["version"] {
        case .string(let text)?: version = text
        case .null?, nil: version = ""
        default: throw NodePackageError(message: "\"version\" is not a string")
        }
        guard isValidName(name) else { throw NodePackageError(message: "name \"\(name.prefix(100))\" is not URL-friendly") }
        guard !name.isEmpty, !version.isEmpty else { return nil }
        var licenses = licenseNames(json["license"])
        if licenses.isEmpty { licenses = licenseNames(json["licenses"]) }
        return Package(type: .node, name: name, version: version, licenses: licenses.flatMap(LanguageLicense.split),
                       purl: purl(name: name, version: version), filePath: filePath)
    }

    /// npm's rule as trivy checks it: an optional `@scope/` and a name of letters, digits, `-`, `.` and `_`.
    public static func isValidName(_ name: String) -> Bool {
        if name.isEmpty { return true }
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        }
        var bytes = Substring(name).utf8[...]
        if bytes.first == UInt8(ascii: "@") {
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return false }
            let scope = bytes[bytes.index(after: bytes.startIndex)..<slash]
            guard !scope.isEmpty, scope.allSatisfy(isNameByte) else { return false }
            bytes = bytes[bytes.index(after: slash)...]
        }
        return !bytes.isEmpty && bytes.allSatisfy(isNameByte)
    }

    /// `pkg:npm/%40scope/name@version`, name lower-cased as trivy writes it.
    public static func purl(name: String, version: String) -> String {
        let lower = name.lowercased()
        if let slash = lower.lastIndex(of: "/") {
            return PURL.make(type: "npm", namespace: String(lower[..<slash]), name: String(lower[lower.index(after: slash)...]), version: version)
        }
        return PURL.make(type: "npm", name: lower, version: version)
    }

    /// `license` as a string, a `{type}` object, or an array of either (legacy `licenses` has the same shapes).
    static func licenseNames(_ value: LanguageJSON?) -> [String] {
        switch value {
        case .string(let text)?:
            return text.isEmpty ? [] : [text]
        case .object?:
            if let type = value?["type"]?.string, !type.isEmpty { return [type] }
            return []
        case .array(let items)?:
            return items.flatMap { licenseNames($0) }
        default:
            return []
        }
    }
}

/// Why a `package.json` could not be read.
public struct NodePackageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
