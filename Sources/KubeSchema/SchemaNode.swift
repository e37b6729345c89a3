/// One compiled schema object. Children are indices into `CompiledSchema.nodes`, so a recursive schema
/// (JSONSchemaProps refers to itself) is a graph of plain values, immutable and `Sendable` once compiled.
///
/// The keywords Kubernetes schemas use sit directly on the node; the rarer ones a user's CRD schema may
/// add live in `Extras`, which keeps the common node small.
final class SchemaNode: Sendable {
    /// `additionalProperties`, `additionalItems` and draft 2020 `items` after `prefixItems`.
    enum Rest: Sendable, Equatable {
        case unconstrained
        /// `false`: reported as one error naming every extra member (or counting extra items).
        case forbidden
        case schema(Int)
    }

    /// How `$ref` combines with the node's other keywords.
    enum Reference: Sendable, Equatable {
        case none
        /// Drafts 4 to 7: the referenced schema replaces the node; other keywords are ignored.
        case exclusive(Int)
        /// Drafts 2019-09 and 2020-12: the reference is one more keyword next to the others.
        case alongside(Int)
    }

    struct Enumeration: Sendable {
        let values: [JSONValue]
        /// The types present among `values`; v6 rejects a value of another type without comparing.
        let types: JSONTypeSet
    }

    struct Conditional: Sendable {
        let condition: Int
        let then: Int?
        let otherwise: Int?
    }

    struct Extras: Sendable {
        var constValue: JSONValue?
        var minProperties: Int?
        var maxProperties: Int?
        var patternProperties: [(pattern: SchemaPattern, node: Int)] = []
        var minItems: Int?
        var maxItems: Int?
        var uniqueItems = false
        var minLength: Int?
        var maxLength: Int?
        var pattern: SchemaPattern?
        var minimum: Double?
        var maximum: Double?
        var exclusiveMinimum: Double?
        var exclusiveMaximum: Double?
        var multipleOf: Double?
        var allOf: [Int] = []
        var anyOf: [Int] = []
        var not: Int?
        var conditional: Conditional?

        var isEmpty: Bool {
            constValue == nil && minProperties == nil && maxProperties == nil && patternProperties.isEmpty
                && minItems == nil && maxItems == nil && !uniqueItems && minLength == nil && maxLength == nil
                && pattern == nil && minimum == nil && maximum == nil && exclusiveMinimum == nil
                && exclusiveMaximum == nil && multipleOf == nil && allOf.isEmpty && anyOf.isEmpty && not == nil
                && conditional == nil
        }
    }

    /// `true`/`false` boolean schema; nil for an object schema.
    let boolean: Bool?
    let types: JSONTypeSet?
    let enumeration: Enumeration?
    let reference: Reference
    let required: [String]
    let properties: [String: Int]
    let additionalProperties: Rest
    let prefixItems: [Int]
    let restItems: Rest
    let oneOf: [Int]
    let extras: Extras?

    init(
        boolean: Bool? = nil, types: JSONTypeSet? = nil, enumeration: Enumeration? = nil, reference: Reference = .none,
        required: [String] = [], properties: [String: Int] = [:], additionalProperties: Rest = .unconstrained,
        prefixItems: [Int] = [], restItems: Rest = .unconstrained, oneOf: [Int] = [], extras: Extras? = nil
    ) {
        self.boolean = boolean
        self.types = types
        self.enumeration = enumeration
        self.reference = reference
        self.required = required
        self.properties = properties
        self.additionalProperties = additionalProperties
        self.prefixItems = prefixItems
        self.restItems = restItems
        self.oneOf = oneOf
        self.extras = extras.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Schemas evaluated against the same instance value (not a member or an item of it). A cycle through
    /// these edges would never terminate, so the compiler rejects it.
    var sameInstanceEdges: [Int] {
        var edges = oneOf
        switch reference {
        case .none: break
        case .exclusive(let target), .alongside(let target): edges.append(target)
        }
        if let extras {
            edges += extras.allOf + extras.anyOf
            if let not = extras.not { edges.append(not) }
            if let conditional = extras.conditional {
                edges.append(conditional.condition)
                if let then = conditional.then { edges.append(then) }
                if let otherwise = conditional.otherwise { edges.append(otherwise) }
            }
        }
        return edges
    }
}
