import Foundation

/// RFC 6901 JSON Pointers: `/spec/template/spec/containers/0/image`.
///
/// Each reference token is escaped with `~` → `~0` then `/` → `~1` (in that order, so `~1` in a key stays
/// distinct from `/`); the pointer is `/` followed by the tokens joined with `/`, or "" for the whole document.
public enum JSONPointer {
    /// One reference token escaped: `a/b~c` → `a~1b~0c`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The pointer to the location named by `tokens` (unescaped keys and array indices).
    public static func make(_ tokens: [String]) -> String {
        var pointer = ""
        for token in tokens {
            pointer += "/"
            pointer += escape(token)
        }
        return pointer
    }

    /// The unescaped reference tokens of `pointer`, or nil if it is not a valid pointer (it must be "" or start
    /// with `/`, and every `~` must be followed by `0` or `1`).
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in pointer.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            var token: [UInt8] = []
            var iterator = raw.makeIterator()
            while let byte = iterator.next() {
                guard byte == UInt8(ascii: "~") else {
                    token.append(byte)
                    continue
                }
                switch iterator.next() {
                case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
                default: return nil
                }
            }
            tokens.append(String(decoding: token, as: UTF8.self))
        }
        return tokens
    }
}

/// One RFC 6902 operation on a string value. Only the operations an image-pinning webhook needs exist:
/// `replace` (the target must exist) and `test` (the patch fails unless the target still equals a value; put it
/// before a `replace` to patch only the image that was checked).
public struct JSONPatchOperation: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 6902 `op`.
    public enum Operation: String, Sendable, Hashable {
        case replace, test
    }

    public let operation: Operation
    /// An RFC 6901 pointer, e.g. `PodImage.pointer`.
    public let path: String
    public let value: String

    private init(_ operation: Operation, _ path: String, _ value: String) {
        self.operation = operation
        self.path = path
        self.value = value
    }

    /// `{"op":"replace","path":pointer,"value":value}`. `pointer` must be an RFC 6901 pointer such as
    /// `PodImage.pointer` or one built with `JSONPointer.make`.
    public static func replace(_ pointer: String, with value: String) -> JSONPatchOperation {
        JSONPatchOperation(.replace, pointer, value)
    }

    /// `{"op":"test","path":pointer,"value":value}`.
    public static func test(_ pointer: String, equals value: String) -> JSONPatchOperation {
        JSONPatchOperation(.test, pointer, value)
    }

    /// The operation as JSON.
    public var description: String {
        var writer = JSONWriter(capacity: 64)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    func write(to writer: inout JSONWriter) {
        writer.raw(#"{"op":"#)
        switch operation {
        case .replace: writer.raw(#""replace""#)
        case .test: writer.raw(#""test""#)
        }
        writer.raw(#","path":"#)
        writer.string(path)
        writer.raw(#","value":"#)
        writer.string(value)
        writer.raw("}")
    }
}

/// A JSON Patch document: the operations in order, as the apiserver applies them.
public struct JSONPatch: Sendable, Hashable {
    public var operations: [JSONPatchOperation]

    public init(_ operations: [JSONPatchOperation]) {
        self.operations = operations
    }

    /// The patch document, e.g. `[{"op":"replace","path":"/spec/containers/0/image","value":"…"}]`.
    public func json() -> Data { Data(jsonBytes()) }

    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 2 + operations.count * 96)
        writer.raw("[")
        for (index, operation) in operations.enumerated() {
            if index > 0 { writer.raw(",") }
            operation.write(to: &writer)
        }
        writer.raw("]")
        return writer.bytes
    }

    /// The patch document in standard base64, as `AdmissionResponse.patch` carries it (Go's `[]byte` in JSON).
    public func base64() -> String {
        Data(jsonBytes()).base64EncodedString()
    }
}
