import YAMLGuard
import Foundation
import Yams

/// Safety limits applied while splitting and decoding untrusted manifests.
public struct ManifestLimits: Sendable, Equatable {
    /// Whole-input cap; larger inputs fail the run with `ManifestInputError.inputTooLarge`.
    public var maxInputBytes: Int
    /// Per-document cap; a larger document gets an error report and the others are still scanned.
    public var maxDocumentBytes: Int
    /// Maximum nesting of mappings/sequences in one document.
    public var maxDepth: Int
    /// Maximum number of nodes a document may expand to (aliases count every time they are used).
    public var maxNodes: Int

    public init(
        maxInputBytes: Int = 128 << 20,
        maxDocumentBytes: Int = 8 << 20,
        maxDepth: Int = 128,
        maxNodes: Int = 1_000_000
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDocumentBytes = maxDocumentBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let `default` = ManifestLimits()
}

/// Errors that fail a whole run (kubesec prints these and exits 1).
public enum ManifestInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Empty input (zero bytes, whitespace, or only `---`): kubesec's `Invalid input`.
    case invalidInput
    /// The input is larger than `ManifestLimits.maxInputBytes`.
    case inputTooLarge(limit: Int, actual: Int)
    /// A YAML syntax error, when `YAMLErrorPolicy.abortRun` is selected (kubesec's own behaviour).
    case yaml(String)
    /// `--rules` named ids that do not exist: kubesec's `invalid rule IDs requested: A, B`.
    case invalidRuleIDs([String])

    /// The error text as kubesec produces it (lower-case first letter; the CLI upper-cases it).
    public var description: String {
        switch self {
        case .invalidInput: return "Invalid input"
        case .inputTooLarge(let limit, let actual):
            return "input too large: \(actual) bytes exceeds the limit of \(limit) bytes"
        case .yaml(let message): return message
        case .invalidRuleIDs(let ids): return "invalid rule IDs requested: " + ids.joined(separator: ", ")
        }
    }
}

/// What to do when one document is not parseable YAML.
public enum YAMLErrorPolicy: Sendable, Equatable {
    /// Report that document as invalid (`valid: false`, message = parser error) and keep scanning the others.
    case reportDocument
    /// Fail the whole run like kubesec does (`ManifestInputError.yaml`).
    case abortRun
}

/// One document of the input after decoding.
public enum ManifestDocument: Sendable, Equatable {
    /// A decoded value; `.null` for comment-only documents.
    case value(ManifestValue)
    /// Whole-input JSON that repeats a member name within an object: decoded with the last value winning
    /// (as Go does), but refused by kubeconform's strict decoding when schema validation runs.
    case repeatedKeys(ManifestValue, strictDecodingError: String)
    /// The document could not be decoded; the text becomes the report message.
    case failure(String)
}

public enum ManifestDocuments {
    /// Splits and decodes `data` exactly as kubesec does (§2 of the spec): whole-input JSON is one
    /// document; otherwise the raw bytes are split on `\n---\n`, each piece trimmed, empty pieces skipped.
    public static func decode(
        _ data: Data,
        limits: ManifestLimits = .default,
        yamlErrors: YAMLErrorPolicy = .reportDocument
    ) throws(ManifestInputError) -> [ManifestDocument] {
        guard data.count <= limits.maxInputBytes else {
            throw .inputTooLarge(limit: limits.maxInputBytes, actual: data.count)
        }
        if data.count <= limits.maxDocumentBytes {
            do {
                let parsed = try StrictJSONParser.parse(data, maxDepth: limits.maxDepth)
                if parsed.duplicates.isEmpty { return [.value(parsed.value)] }
                return [.repeatedKeys(parsed.value, strictDecodingError: DuplicateKey.message(parsed.duplicates))]
            } catch {
                // Not JSON (or nested too deeply to tell cheaply): fall through to the YAML path,
                // whose pre-scan reports excessive nesting for the offending document only.
            }
        }
        let pieces = split(Array(data))
        var documents: [ManifestDocument] = []
        for (offset, piece) in pieces.enumerated() {
            let trimmed = trimSpace(piece)
            if trimmed.isEmpty || trimmed == Array("---".utf8) {
                if offset == pieces.count - 1 && documents.isEmpty { throw .invalidInput }
                continue
            }
            switch decodeYAML(trimmed, limits: limits) {
            case .success(let value):
                documents.append(.value(value))
            case .failure(let failure):
                if case .syntax(let message) = failure, yamlErrors == .abortRun { throw .yaml(message) }
                documents.append(.failure(failure.message))
            }
        }
        return documents
    }

    // MARK: Splitting

    static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let separator: [UInt8] = Array("\n---\n".utf8)
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + separator.count <= bytes.count {
            if bytes[index] == 0x0A && bytes[index..<(index + separator.count)].elementsEqual(separator) {
                pieces.append(bytes[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(bytes[start..<bytes.count])
        return pieces
    }

    /// Go's `bytes.TrimSpace` (ASCII space plus U+0085 and U+00A0 as UTF-8).
    static func trimSpace(_ piece: ArraySlice<UInt8>) -> [UInt8] {
        var bytes = Array(piece)
        func isSpace(_ byte: UInt8) -> Bool { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(byte) }
        while let first = bytes.first {
            if isSpace(first) { bytes.removeFirst(); continue }
            if bytes.count >= 2, first == 0xC2, bytes[1] == 0x85 || bytes[1] == 0xA0 { bytes.removeFirst(2); continue }
            break
        }
        while let last = bytes.last {
            if isSpace(last) { bytes.removeLast(); continue }
            let count = bytes.count
            if count >= 2, bytes[count - 2] == 0xC2, last == 0x85 || last == 0xA0 { bytes.removeLast(2); continue }
            break
        }
        return bytes
    }

    // MARK: YAML

    enum DecodeFailure: Error, Equatable {
        case syntax(String)
        case limit(String)

        var message: String {
            switch self {
            case .syntax(let text), .limit(let text): return text
            }
        }
    }

    static func decodeYAML(_ bytes: [UInt8], limits: ManifestLimits) -> Result<ManifestValue, DecodeFailure> {
        guard bytes.count <= limits.maxDocumentBytes else {
            return .failure(.limit(LimitMessage.size(bytes.count, limits.maxDocumentBytes)))
        }
        // The fast path accepts printable ASCII only, so the UTF-8 check below cannot fail when it succeeds.
        let scan = YAMLPreScanner.scan(bytes)
        let withinLimits = scan.depth <= limits.maxDepth && !scan.hasAliasOrComplexKey
        if withinLimits, let value = BlockYAMLParser.parse(bytes, limits: limits) { return .success(value) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(.syntax("yaml: invalid leading UTF-8 octet"))
        }
        if scan.depth > limits.maxDepth { return .failure(.limit(LimitMessage.depth(limits.maxDepth))) }
        if scan.hasAliasOrComplexKey {
            return .failure(.limit("yaml: aliases and complex values are not supported as mapping keys"))
        }
        return decodeWithYams(text, limits: limits)
    }

    /// The general path: Yams composes the node tree, `convert` turns it into a `ManifestValue`.
    static func decodeWithYams(_ text: String, limits: ManifestLimits) -> Result<ManifestValue, DecodeFailure> {
        let node: Node?
        do {
            // Only the first document of a piece is read (go-yaml behaviour).
            let parser = try Parser(yaml: text)
            node = try parser.nextRoot()
        } catch let error as YamlError {
            return .failure(.syntax(yamlMessage(error)))
        } catch {
            return .failure(.syntax("yaml: \(error)"))
        }
        guard let node else { return .success(.null) }
        var budget = limits.maxNodes
        do {
            return .success(try convert(node, depth: 0, budget: &budget, limits: limits))
        } catch {
            return .failure(error)
        }
    }

    static func yamlMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return "yaml: line \(mark.line): \(problem)"
        case .reader(let problem, _, _, _):
            return "yaml: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return "yaml: line \(context.mark.line): mapping key \(keys) already defined"
        default:
            return "yaml: \(error)"
        }
    }

    static func convert(
        _ node: Node, depth: Int, budget: inout Int, limits: ManifestLimits
    ) throws(DecodeFailure) -> ManifestValue {
        budget -= 1
        guard budget >= 0 else { throw .limit(LimitMessage.nodes(limits.maxNodes)) }
        guard depth <= limits.maxDepth else { throw .limit(LimitMessage.depth(limits.maxDepth)) }
        switch node {
        case .scalar(let scalar):
            return scalarValue(node, scalar)
        case .sequence(let sequence):
            var items: [ManifestValue] = []
            items.reserveCapacity(sequence.count)
            for child in sequence {
                items.append(try convert(child, depth: depth + 1, budget: &budget, limits: limits))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [String: ManifestValue] = [:]
            var merged: [[String: ManifestValue]] = []
            for (keyNode, valueNode) in mapping {
                if keyNode.tag.rawValue == Tag.Name.merge.rawValue, keyNode.scalar?.style == .plain {
                    let source = try convert(valueNode, depth: depth + 1, budget: &budget, limits: limits)
                    switch source {
                    case .object(let object): merged.append(object)
                    case .array(let list):
                        for item in list {
                            guard case .object(let object) = item else {
                                throw .syntax("yaml: map merge requires map or sequence of maps as the value")
                            }
                            merged.append(object)
                        }
                    default:
                        throw .syntax("yaml: map merge requires map or sequence of maps as the value")
                    }
                    continue
                }
                guard case .scalar(let keyScalar) = keyNode else {
                    throw .syntax("error converting YAML to JSON: Unsupported map key of type: map")
                }
                budget -= 1
                let key = scalarValue(keyNode, keyScalar)
                let keyText: String
                switch key {
                case .null: keyText = "null"
                default: keyText = key.goText
                }
                members[keyText] = try convert(valueNode, depth: depth + 1, budget: &budget, limits: limits)
            }
            for source in merged {
                for (key, value) in source where members[key] == nil { members[key] = value }
            }
            return .object(members)
        default:
            throw .syntax("yaml: unknown anchor referenced")
        }
    }

    static func scalarValue(_ node: Node, _ scalar: Node.Scalar) -> ManifestValue {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null:
            return .null
        case .bool:
            return node.bool.map(ManifestValue.bool) ?? .string(scalar.string)
        case .int:
            if let int = node.int { return .number(Double(int)) }
            if let double = Double(scalar.string.replacingOccurrences(of: "_", with: "")) { return .number(double) }
            return .string(scalar.string)
        case .float:
            if let double = node.float, double.isFinite { return .number(double) }
            return .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }
}

enum LimitMessage {
    static func size(_ actual: Int, _ limit: Int) -> String {
        "document too large: \(actual) bytes exceeds the limit of \(limit) bytes"
    }
    static func depth(_ limit: Int) -> String {
        "document too deeply nested: more than \(limit) levels"
    }
    static func nodes(_ limit: Int) -> String {
        "document expands to more than \(limit) nodes (alias bomb?)"
    }
}
