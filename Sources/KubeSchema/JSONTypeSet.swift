/// The `type` keyword as a bit set, ordered the way jsonschema v6 lists types in its messages:
/// null, boolean, number, integer, string, array, object. The schema's own order is irrelevant, so
/// `"type": ["integer", "null"]` reads "want null or integer".
struct JSONTypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    static let null = JSONTypeSet(rawValue: 1 << 0)
    static let boolean = JSONTypeSet(rawValue: 1 << 1)
    static let number = JSONTypeSet(rawValue: 1 << 2)
    static let integer = JSONTypeSet(rawValue: 1 << 3)
    static let string = JSONTypeSet(rawValue: 1 << 4)
    static let array = JSONTypeSet(rawValue: 1 << 5)
    static let object = JSONTypeSet(rawValue: 1 << 6)

    private static let ordered: [(JSONTypeSet, String)] = [
        (.null, "null"), (.boolean, "boolean"), (.number, "number"), (.integer, "integer"),
        (.string, "string"), (.array, "array"), (.object, "object"),
    ]

    /// nil for a name that is not a JSON Schema type (v6 ignores those).
    init?(name: String) {
        guard let match = Self.ordered.first(where: { $0.1 == name }) else { return nil }
        self = match.0
    }

    /// The instance's own type; a number is `number`, never `integer`.
    static func of(_ value: JSONValue) -> JSONTypeSet {
        switch value {
        case .null: return .null
        case .bool: return .boolean
        case .number: return .number
        case .string: return .string
        case .array: return .array
        case .object: return .object
        }
    }

    var names: [String] { Self.ordered.compactMap { contains($0.0) ? $0.1 : nil } }

    /// v6's type test: the instance's type is listed, or it is an integral number and `integer` is listed.
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let number):
            return contains(.number) || (contains(.integer) && number.isIntegral)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }
}

extension Double {
    /// `big.Rat.SetString(fmt.Sprint(v)).IsInt()` for a finite float64: true exactly when the value is integral.
    var isIntegral: Bool { isFinite && rounded(.towardZero) == self }
}
