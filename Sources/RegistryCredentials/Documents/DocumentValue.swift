/// A parsed JSON or YAML value with object members kept in file order, so that precedence between
/// entries that mean the same registry follows the file and reports list registries as written.
enum DocumentValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number kept as written.
    case number(String)
    case string(String)
    case array([DocumentValue])
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: DocumentValue
    }

    /// The last member named `key` (Go's `encoding/json` keeps the last of duplicated keys).
    subscript(key: String) -> DocumentValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    var members: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// What a field of this kind is called in an error message ("a string", "a mapping").
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}

/// A position-aware description of where a field sits, for error messages: `auths["ghcr.io"].auth`.
struct FieldPath: Sendable, CustomStringConvertible {
    private var parts: [String] = []

    init() {}

    /// A path that starts with a label, e.g. `document 2`.
    init(root: String) { parts = [root + " "] }

    /// A field of a fixed schema (`auths`, `auth`, `data`): written `.name`.
    func member(_ key: String) -> FieldPath {
        var copy = self
        let plain = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && key.first?.isNumber == false
        if plain {
            copy.parts.append(parts.isEmpty || parts.last?.hasSuffix(" ") == true ? key : "." + key)
        } else {
            copy.parts.append("[" + FieldPath.quoted(key) + "]")
        }
        return copy
    }

    /// A key of a free-form map (a registry, a data key): always written `["key"]`.
    func key(_ key: String) -> FieldPath {
        var copy = self
        copy.parts.append("[" + FieldPath.quoted(key) + "]")
        return copy
    }

    func index(_ position: Int) -> FieldPath {
        var copy = self
        copy.parts.append("[\(position)]")
        return copy
    }

    var description: String {
        var text = parts.joined()
        while text.hasSuffix(" ") { text.removeLast() }
        return text.isEmpty ? "(top level)" : text
    }

    /// A key quoted for display; control characters escaped so a hostile key cannot forge output lines.
    static func quoted(_ key: String) -> String {
        var text = "\""
        for scalar in key.unicodeScalars.prefix(200) {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    text += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        if key.unicodeScalars.count > 200 { text += "…" }
        return text + "\""
    }
}
