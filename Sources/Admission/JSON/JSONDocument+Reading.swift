#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Typed, path-aware reads over a parsed document. Readers ask only for the members they need; nothing else is
/// decoded. `null` counts as absent everywhere, as Go's `encoding/json` treats it for the apiserver's own types.
extension JSONDocument {
    func kind(_ index: Int) -> Kind { tape[index].kind }

    /// Where entry `index` sits, e.g. `request.object.spec.containers[0].image` ("" for the top-level value).
    func path(_ index: Int) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "" }
            return JSONPath.render(tape: tape, base: base, index: index)
        }
    }

    /// The decoded text of a string or key entry.
    func text(_ index: Int) -> String {
        let entry = tape[index]
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "" }
            return JSONText.decode(base, start: Int(entry.start), end: Int(entry.end), escaped: entry.escaped)
        }
    }

    /// The JSON text of value `index`, exactly as it appeared in the document.
    func rawValue(_ index: Int) -> ArraySlice<UInt8> {
        let entry = tape[index]
        switch entry.kind {
        case .string, .key: return bytes[Int(entry.start) - 1...Int(entry.end)]
        default: return bytes[Int(entry.start)..<Int(entry.end)]
        }
    }

    /// The value of member `key` of object `object`, or nil when there is no such member.
    func member(_ object: Int, _ key: StaticString) -> Int? {
        let end = Int(tape[object].next)
        var k = object + 1
        let length = key.utf8CodeUnitCount
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            while k < end {
                let entry = tape[k]
                if entry.escaped {
                    if JSONText.decode(base, start: Int(entry.start), end: Int(entry.end), escaped: true) == key.description {
                        return k + 1
                    }
                } else if Int(entry.end - entry.start) == length && memcmp(base + Int(entry.start), key.utf8Start, length) == 0 {
                    return k + 1
                }
                k = Int(tape[k + 1].next)
            }
            return nil
        }
    }

    /// Calls `body` with each member's key text and value index, in document order.
    func forEachMember(_ object: Int, _ body: (String, Int) throws(AdmissionError) -> Void) throws(AdmissionError) {
        let end = Int(tape[object].next)
        var k = object + 1
        while k < end {
            try body(text(k), k + 1)
            k = Int(tape[k + 1].next)
        }
    }

    /// Calls `body` with each element's position and index, in order.
    func forEachElement(_ array: Int, _ body: (Int, Int) throws(AdmissionError) -> Void) throws(AdmissionError) {
        let end = Int(tape[array].next)
        var element = array + 1
        var position = 0
        while element < end {
            try body(position, element)
            position += 1
            element = Int(tape[element].next)
        }
    }

    /// The number of elements of array `array`.
    func count(_ array: Int) -> Int {
        let end = Int(tape[array].next)
        var element = array + 1
        var count = 0
        while element < end {
            count += 1
            element = Int(tape[element].next)
        }
        return count
    }

    // MARK: - Typed reads

    /// Throws unless entry `index` is an object. `what` names the document for a top-level error.
    func requireObject(_ index: Int, what: String = "the document") throws(AdmissionError) {
        guard kind(index) == .object else { throw typeError(index, expected: "an object", what: what) }
    }

    /// Member `key` as an object index; nil when absent or null.
    func objectMember(_ object: Int, _ key: StaticString) throws(AdmissionError) -> Int? {
        guard let value = member(object, key), kind(value) != .null else { return nil }
        guard kind(value) == .object else { throw typeError(value, expected: "an object") }
        return value
    }

    /// Member `key` as an array index; nil when absent or null.
    func arrayMember(_ object: Int, _ key: StaticString) throws(AdmissionError) -> Int? {
        guard let value = member(object, key), kind(value) != .null else { return nil }
        guard kind(value) == .array else { throw typeError(value, expected: "an array") }
        return value
    }

    /// Member `key` as a string; nil when absent or null.
    func stringMember(_ object: Int, _ key: StaticString) throws(AdmissionError) -> String? {
        guard let value = member(object, key), kind(value) != .null else { return nil }
        guard kind(value) == .string else { throw typeError(value, expected: "a string") }
        return text(value)
    }

    /// Member `key` as a boolean; nil when absent or null.
    func boolMember(_ object: Int, _ key: StaticString) throws(AdmissionError) -> Bool? {
        guard let value = member(object, key), kind(value) != .null else { return nil }
        switch kind(value) {
        case .true: return true
        case .false: return false
        default: throw typeError(value, expected: "a boolean")
        }
    }

    /// Member `key` as a string, which must be present and not null.
    func requiredString(_ object: Int, _ key: StaticString) throws(AdmissionError) -> String {
        guard let value = try stringMember(object, key) else { throw missing(object, key, expected: "a string") }
        return value
    }

    /// A `map[string]string` (labels, annotations): an object whose values are strings; null values read as "".
    /// `keep` filters keys before their values are decoded.
    func stringMap(_ object: Int, keeping keep: (String) -> Bool = { _ in true }) throws(AdmissionError) -> [String: String] {
        var map: [String: String] = [:]
        try forEachMember(object) { (key, value) throws(AdmissionError) in
            switch kind(value) {
            case .string: if keep(key) { map[key] = text(value) }
            case .null: if keep(key) { map[key] = "" }
            default: throw typeError(value, expected: "a string")
            }
        }
        return map
    }

    // MARK: - Errors

    func typeError(_ index: Int, expected: String, what: String = "the document") -> AdmissionError {
        let path = path(index)
        let found: String
        switch kind(index) {
        case .object: found = "an object"
        case .array: found = "an array"
        case .string, .key: found = "a string"
        case .number: found = "a number"
        case .true, .false: found = "a boolean"
        case .null: found = "null"
        }
        return AdmissionError(.wrongType, "\(path.isEmpty ? what : path): expected \(expected), found \(found)", path: path)
    }

    func missing(_ object: Int, _ key: StaticString, expected: String) -> AdmissionError {
        let path = JSONPath.appending(key.description, to: path(object))
        return AdmissionError(.missingField, "\(path): missing (expected \(expected))", path: path)
    }
}
