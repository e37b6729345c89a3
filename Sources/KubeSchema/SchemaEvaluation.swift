import Foundation

/// Validates one instance against a `CompiledSchema` the way jsonschema v6 does, in one of two modes:
///
/// * validity only (`detailed == false`): stops at the first failure and allocates nothing for errors;
///   the happy path of every scan runs only this;
/// * detailed: builds v6's error tree, with the same keyword order and the same grouping, so that the
///   rendered text matches v6's byte for byte.
///
/// Both modes are one implementation, so they cannot disagree about validity.
///
/// Where v6 iterates a Go map (object members, additional property names), the order is random from one
/// run to the next; the detailed mode uses byte order of the member names instead, so messages are stable.
struct SchemaEvaluation {
    /// Nesting of evaluations (instance depth plus same-instance subschemas) beyond which the instance is
    /// rejected instead of risking the stack. Kubernetes objects are nowhere near it.
    static let maxDepth = 256

    private let nodes: [SchemaNode]
    private var detailed: Bool
    /// Reference tokens of the current instance location; maintained in detailed mode only.
    private var location: [String] = []
    private var depth = 0

    private init(nodes: [SchemaNode], detailed: Bool) {
        self.nodes = nodes
        self.detailed = detailed
    }

    /// True when `value` satisfies the schema.
    static func isValid(_ value: JSONValue, against schema: CompiledSchema) -> Bool {
        var evaluation = SchemaEvaluation(nodes: schema.nodes, detailed: false)
        return evaluation.validate(value, schema.root) == nil
    }

    /// v6's `Schema.Validate` error: nil when valid, otherwise the root (`jsonschema validation failed with …`)
    /// whose causes are the top-level group's causes, or the single top-level error.
    static func violation(_ value: JSONValue, against schema: CompiledSchema) -> Violation? {
        var evaluation = SchemaEvaluation(nodes: schema.nodes, detailed: true)
        guard let error = evaluation.validate(value, schema.root) else { return nil }
        let causes: [Violation]
        if case .group = error.kind { causes = error.causes } else { causes = [error] }
        return Violation(location: [], kind: .schema(schema.location), causes: causes)
    }

    // MARK: Core

    private mutating func validate(_ value: JSONValue, _ id: Int) -> Violation? {
        let node = nodes[id]
        if let boolean = node.boolean { return boolean ? nil : error(.falseSchema) }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return error(.depthLimit(Self.maxDepth)) }

        if let types = node.types, !types.admits(value) {
            return error(.type(got: value.typeName, want: types.names))
        }
        if let constant = node.extras?.constValue, constant != value { return error(.constant(constant)) }
        if let enumeration = node.enumeration {
            let matched = enumeration.types.contains(JSONTypeSet.of(value)) && enumeration.values.contains(value)
            if !matched { return error(.enumeration(enumeration.values)) }
        }

        var errors: [Violation] = []
        switch node.reference {
        case .none: break
        case .exclusive(let target): return reference(value, target)
        case .alongside(let target):
            if let failure = reference(value, target) {
                if !detailed { return failure }
                errors.append(failure)
            }
        }

        switch value {
        case .object(let members): validateObject(members, node, into: &errors)
        case .array(let items): validateArray(items, node, into: &errors)
        case .string(let text): validateString(text, node, into: &errors)
        case .number(let number): validateNumber(number, node, into: &errors)
        case .null, .bool: break
        }
        if !errors.isEmpty && !detailed { return .placeholder }
        validateCombinators(value, node, into: &errors)

        switch errors.count {
        case 0: return nil
        case 1: return errors[0]
        default: return error(.group, causes: errors)
        }
    }

    private func error(_ kind: ViolationKind, causes: [Violation] = []) -> Violation {
        detailed ? Violation(location: location, kind: kind, causes: causes) : .placeholder
    }

    /// v6's `validateRef`: the target's errors become the causes of one reference error.
    private mutating func reference(_ value: JSONValue, _ target: Int) -> Violation? {
        guard let failure = validate(value, target) else { return nil }
        guard detailed else { return .placeholder }
        if case .group = failure.kind { return error(.reference, causes: failure.causes) }
        return error(.reference, causes: [failure])
    }

    /// Validates a member or an item: the instance location grows by one token.
    private mutating func validate(_ value: JSONValue, _ id: Int, at token: @autoclosure () -> String) -> Violation? {
        guard detailed else { return validate(value, id) }
        location.append(token())
        defer { location.removeLast() }
        return validate(value, id)
    }

    /// Runs `body` in validity-only mode (v6 asks only "valid or not" for `not`, `if` and the oneOf
    /// subschemas after a match).
    private mutating func validityOnly<T>(_ body: (inout SchemaEvaluation) -> T) -> T {
        let saved = detailed
        detailed = false
        defer { detailed = saved }
        return body(&self)
    }

    // MARK: Objects

    private mutating func validateObject(_ members: [String: JSONValue], _ node: SchemaNode, into errors: inout [Violation]) {
        if let extras = node.extras {
            if let minimum = extras.minProperties, members.count < minimum {
                errors.append(error(.minProperties(got: members.count, want: minimum)))
            }
            if let maximum = extras.maxProperties, members.count > maximum {
                errors.append(error(.maxProperties(got: members.count, want: maximum)))
            }
        }
        if !node.required.isEmpty {
            if detailed {
                let missing = node.required.filter { members[$0] == nil }
                if !missing.isEmpty { errors.append(error(.required(missing))) }
            } else if node.required.contains(where: { members[$0] == nil }) {
                errors.append(.placeholder)
                return
            }
        }

        var additional: [String] = []
        if detailed {
            for name in members.keys.sorted(by: Self.byteOrder) {
                if let member = members[name] {
                    validateMember(name, member, node, additional: &additional, into: &errors)
                }
            }
        } else {
            for (name, member) in members {
                validateMember(name, member, node, additional: &additional, into: &errors)
                if !errors.isEmpty { return }
            }
        }
        if !additional.isEmpty { errors.append(error(.additionalProperties(additional))) }
    }

    private mutating func validateMember(
        _ name: String, _ member: JSONValue, _ node: SchemaNode, additional: inout [String], into errors: inout [Violation]
    ) {
        var evaluated = false
        if let id = node.properties[name] {
            evaluated = true
            if let failure = validate(member, id, at: name) { errors.append(failure) }
        }
        if let patterns = node.extras?.patternProperties {
            for (pattern, id) in patterns where pattern.matches(name) {
                evaluated = true
                if let failure = validate(member, id, at: name) { errors.append(failure) }
            }
        }
        guard !evaluated else { return }
        switch node.additionalProperties {
        case .unconstrained: break
        case .forbidden:
            if detailed { additional.append(name) } else { errors.append(.placeholder) }
        case .schema(let id):
            if let failure = validate(member, id, at: name) { errors.append(failure) }
        }
    }

    private static func byteOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    // MARK: Arrays

    private mutating func validateArray(_ items: [JSONValue], _ node: SchemaNode, into errors: inout [Violation]) {
        if let extras = node.extras {
            if let minimum = extras.minItems, items.count < minimum {
                errors.append(error(.minItems(got: items.count, want: minimum)))
            }
            if let maximum = extras.maxItems, items.count > maximum {
                errors.append(error(.maxItems(got: items.count, want: maximum)))
            }
            if extras.uniqueItems, let (first, second) = Self.firstDuplicate(items) {
                errors.append(error(.uniqueItems(first, second)))
            }
            if !errors.isEmpty && !detailed { return }
        }
        let prefixCount = min(node.prefixItems.count, items.count)
        for index in 0..<prefixCount {
            if let failure = validate(items[index], node.prefixItems[index], at: String(index)) {
                errors.append(failure)
                if !detailed { return }
            }
        }
        switch node.restItems {
        case .unconstrained: break
        case .forbidden:
            if prefixCount != items.count { errors.append(error(.additionalItems(items.count - prefixCount))) }
        case .schema(let id):
            // v6 numbers the items after the prefix from 0 again; with no prefix that is the real index.
            for offset in 0..<(items.count - prefixCount) {
                if let failure = validate(items[prefixCount + offset], id, at: String(offset)) {
                    errors.append(failure)
                    if !detailed { return }
                }
            }
        }
    }

    /// The first pair (earlier, later) of equal items, the later index as small as possible.
    private static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        guard items.count > 1 else { return nil }
        if items.count <= 20 {
            for later in 1..<items.count {
                for earlier in 0..<later where items[earlier] == items[later] { return (earlier, later) }
            }
            return nil
        }
        var firstIndex: [JSONValue: Int] = [:]
        for (index, item) in items.enumerated() {
            if let earlier = firstIndex[item] { return (earlier, index) }
            firstIndex[item] = index
        }
        return nil
    }

    // MARK: Strings and numbers

    private func validateString(_ text: String, _ node: SchemaNode, into errors: inout [Violation]) {
        guard let extras = node.extras else { return }
        if extras.minLength != nil || extras.maxLength != nil {
            let length = text.unicodeScalars.count
            if let minimum = extras.minLength, length < minimum {
                errors.append(error(.minLength(got: length, want: minimum)))
            }
            if let maximum = extras.maxLength, length > maximum {
                errors.append(error(.maxLength(got: length, want: maximum)))
            }
        }
        if let pattern = extras.pattern, !pattern.matches(text) {
            errors.append(error(.pattern(got: text, want: pattern.source)))
        }
    }

    private func validateNumber(_ number: Double, _ node: SchemaNode, into errors: inout [Violation]) {
        guard let extras = node.extras else { return }
        if let minimum = extras.minimum, number < minimum { errors.append(error(.minimum(got: number, want: minimum))) }
        if let maximum = extras.maximum, number > maximum { errors.append(error(.maximum(got: number, want: maximum))) }
        if let bound = extras.exclusiveMinimum, number <= bound {
            errors.append(error(.exclusiveMinimum(got: number, want: bound)))
        }
        if let bound = extras.exclusiveMaximum, number >= bound {
            errors.append(error(.exclusiveMaximum(got: number, want: bound)))
        }
        if let divisor = extras.multipleOf, !Self.isMultiple(number, of: divisor) {
            errors.append(error(.multipleOf(got: number, want: divisor)))
        }
    }

    /// v6 divides exact rationals built from the printed decimal forms (so 0.3 is a multiple of 0.1);
    /// `Decimal` arithmetic on the same decimal forms gives the same answer for realistic values.
    private static func isMultiple(_ number: Double, of divisor: Double) -> Bool {
        guard let numerator = Decimal(string: GoText.float(number)), let denominator = Decimal(string: GoText.float(divisor)),
              denominator != 0
        else { return false }
        var quotient = numerator / denominator
        var rounded = Decimal()
        NSDecimalRound(&rounded, &quotient, 0, .plain)
        return rounded == quotient
    }

    // MARK: Combinators

    private mutating func validateCombinators(_ value: JSONValue, _ node: SchemaNode, into errors: inout [Violation]) {
        if let extras = node.extras {
            if let not = extras.not, validityOnly({ $0.validate(value, not) }) == nil { errors.append(error(.not)) }
            if !extras.allOf.isEmpty {
                var failures: [Violation] = []
                for id in extras.allOf {
                    if let failure = validate(value, id) {
                        failures.append(failure)
                        if !detailed { break }
                    }
                }
                if !failures.isEmpty { errors.append(error(.allOf, causes: failures)) }
            }
            if !extras.anyOf.isEmpty {
                var failures: [Violation] = []
                var matched = false
                for id in extras.anyOf {
                    if let failure = validate(value, id) {
                        failures.append(failure)
                    } else {
                        matched = true
                        break
                    }
                }
                if !matched { errors.append(error(.anyOf, causes: failures)) }
            }
        }
        if !node.oneOf.isEmpty { validateOneOf(value, node.oneOf, into: &errors) }
        if let conditional = node.extras?.conditional {
            if validityOnly({ $0.validate(value, conditional.condition) }) == nil {
                if let then = conditional.then, let failure = validate(value, then) { errors.append(failure) }
            } else if let otherwise = conditional.otherwise, let failure = validate(value, otherwise) {
                errors.append(failure)
            }
        }
    }

    /// v6's oneOf: the errors of every subschema when none matches; the first two matching indices otherwise.
    private mutating func validateOneOf(_ value: JSONValue, _ subschemas: [Int], into errors: inout [Violation]) {
        var matched: Int?
        var failures: [Violation] = []
        for (index, id) in subschemas.enumerated() {
            let failure = matched == nil ? validate(value, id) : validityOnly { $0.validate(value, id) }
            if let failure {
                if matched == nil { failures.append(failure) }
            } else if let first = matched {
                errors.append(error(.oneOf(matched: (first, index))))
                return
            } else {
                matched = index
            }
        }
        if matched == nil { errors.append(error(.oneOf(matched: nil), causes: failures)) }
    }
}
