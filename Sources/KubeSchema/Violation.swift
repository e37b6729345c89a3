/// One node of a validation error tree, shaped like jsonschema v6's `ValidationError`: where in the
/// instance it happened, what went wrong, and the errors it groups.
struct Violation: Sendable {
    var location: [String]
    var kind: ViolationKind
    var causes: [Violation]

    init(location: [String], kind: ViolationKind, causes: [Violation] = []) {
        self.location = location
        self.kind = kind
        self.causes = causes
    }

    /// What a failed check returns while only validity matters (v6's `boolResult` mode): nothing is allocated.
    static let placeholder = Violation(location: [], kind: .group)

    /// v6 hides a reference error with exactly one cause and shows the cause in its place.
    var isSkipped: Bool {
        if case .reference = kind { return causes.count == 1 }
        return false
    }

    /// v6's `ValidationError.Error()`: the root line, then one `- at '<pointer>': <message>` line per error,
    /// nested causes indented two more spaces per level.
    var text: String {
        var out = ""
        display(into: &out, indent: 0)
        return out
    }

    private func display(into out: inout String, indent: Int) {
        var indent = indent
        if !isSkipped {
            if indent > 0 {
                out += "\n"
                out += String(repeating: "  ", count: indent - 1)
                out += "- "
            }
            indent += 1
            if case .schema(let location) = kind {
                out += "jsonschema validation failed with " + GoText.singleQuoted(location)
            } else {
                out += "at " + GoText.singleQuoted(GoText.jsonPointer(location)) + ": " + kind.message
            }
        }
        for cause in causes { cause.display(into: &out, indent: indent) }
    }
}

/// The error kinds of jsonschema v6 (package `kind`) that these schemas can produce, with v6's English texts.
enum ViolationKind: Sendable {
    /// The root: `jsonschema validation failed with '<schema location>'`.
    case schema(String)
    /// Several errors at one place.
    case group
    /// A `$ref` whose target failed (user schemas only; bundled references are inlined).
    case reference
    case falseSchema
    case type(got: String, want: [String])
    case enumeration([JSONValue])
    case constant(JSONValue)
    case required([String])
    case additionalProperties([String])
    case additionalItems(Int)
    case minProperties(got: Int, want: Int)
    case maxProperties(got: Int, want: Int)
    case minItems(got: Int, want: Int)
    case maxItems(got: Int, want: Int)
    case uniqueItems(Int, Int)
    case minLength(got: Int, want: Int)
    case maxLength(got: Int, want: Int)
    case pattern(got: String, want: String)
    case minimum(got: Double, want: Double)
    case maximum(got: Double, want: Double)
    case exclusiveMinimum(got: Double, want: Double)
    case exclusiveMaximum(got: Double, want: Double)
    case multipleOf(got: Double, want: Double)
    case not
    case allOf
    case anyOf
    /// nil: no subschema matched; otherwise the first two that did.
    case oneOf(matched: (Int, Int)?)
    /// moat's own guard against hostile nesting; v6 has no equivalent.
    case depthLimit(Int)

    var message: String {
        switch self {
        case .schema(let location): return "jsonschema validation failed with " + GoText.singleQuoted(location)
        case .group, .reference: return "validation failed"
        case .falseSchema: return "false schema"
        case .type(let got, let want): return "got \(got), want " + want.joined(separator: " or ")
        case .enumeration(let values):
            guard values.allSatisfy(Self.isPrimitive) else { return "'enum' failed" }
            if values.count == 1, let only = values.first { return "value must be " + Self.display(only) }
            return "value must be one of " + values.map(Self.display).joined(separator: ", ")
        case .constant(let value):
            return Self.isPrimitive(value) ? "value must be " + Self.display(value) : "'const' failed"
        case .required(let missing):
            if missing.count == 1, let only = missing.first { return "missing property " + GoText.singleQuoted(only) }
            return "missing properties " + missing.map(GoText.singleQuoted).joined(separator: ", ")
        case .additionalProperties(let names):
            return "additional properties " + names.map(GoText.singleQuoted).joined(separator: ", ") + " not allowed"
        case .additionalItems(let count): return "last \(count) additionalItem(s) not allowed"
        case .minProperties(let got, let want): return "minProperties: got \(got), want \(want)"
        case .maxProperties(let got, let want): return "maxProperties: got \(got), want \(want)"
        case .minItems(let got, let want): return "minItems: got \(got), want \(want)"
        case .maxItems(let got, let want): return "maxItems: got \(got), want \(want)"
        case .uniqueItems(let first, let second): return "items at \(first) and \(second) are equal"
        case .minLength(let got, let want): return "minLength: got \(got), want \(want)"
        case .maxLength(let got, let want): return "maxLength: got \(got), want \(want)"
        case .pattern(let got, let want):
            return GoText.singleQuoted(got) + " does not match pattern " + GoText.singleQuoted(want)
        case .minimum(let got, let want): return "minimum: got \(GoText.float(got)), want \(GoText.float(want))"
        case .maximum(let got, let want): return "maximum: got \(GoText.float(got)), want \(GoText.float(want))"
        case .exclusiveMinimum(let got, let want):
            return "exclusiveMinimum: got \(GoText.float(got)), want \(GoText.float(want))"
        case .exclusiveMaximum(let got, let want):
            return "exclusiveMaximum: got \(GoText.float(got)), want \(GoText.float(want))"
        case .multipleOf(let got, let want): return "multipleOf: got \(GoText.float(got)), want \(GoText.float(want))"
        case .not: return "'not' failed"
        case .allOf: return "'allOf' failed"
        case .anyOf: return "'anyOf' failed"
        case .oneOf(let matched):
            guard let (first, second) = matched else { return "'oneOf' failed, none matched" }
            return "'oneOf' failed, subschemas \(first), \(second) matched"
        case .depthLimit(let limit): return "nested deeper than \(limit) levels"
        }
    }

    private static func isPrimitive(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }

    /// v6's `display`: strings quoted, other primitives as Go's `%v`.
    private static func display(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return GoText.float(number)
        case .string(let text): return GoText.singleQuoted(text)
        case .array, .object: return "value"
        }
    }
}
