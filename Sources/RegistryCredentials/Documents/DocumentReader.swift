import YAMLGuard
import Foundation
import Yams

/// Reads files of credentials (JSON, or YAML streams of one or more documents) into `DocumentValue`s,
/// within `CredentialLimits`. Errors name the file and never quote its content.
enum DocumentReader {
    enum Failure: Error, Sendable {
        /// The file could not be read (missing, unreadable, too large).
        case unreadable(String)
        /// The content is not valid JSON or YAML.
        case syntax(String)
        /// The content exceeds a limit (depth, node count).
        case limit(String)
    }

    /// Reads at most `limits.maxFileBytes` from `path` (also safe on devices and pipes).
    static func read(path: String, limits: CredentialLimits) throws(Failure) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable("no such file")
        }
        if isDirectory.boolValue { throw .unreadable("is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable("permission denied or not readable") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limits.maxFileBytes + 1) ?? Data()
        } catch {
            throw .unreadable("read failed")
        }
        guard data.count <= limits.maxFileBytes else {
            throw .unreadable("larger than the limit of \(limits.maxFileBytes) bytes")
        }
        return Array(data)
    }

    /// JSON when the first significant character opens an object or a list, YAML otherwise.
    static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
        return index < bytes.count && (bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "["))
    }

    /// Parses JSON (one value) or YAML (every document of the stream; empty documents are dropped).
    static func documents(_ bytes: [UInt8], limits: CredentialLimits) throws(Failure) -> [DocumentValue] {
        if looksLikeJSON(bytes) {
            do {
                return [try JSONDocumentParser.parse(bytes, limits: limits)]
            } catch {
                throw error.isLimit ? .limit(error.description) : .syntax("invalid JSON at \(error.description)")
            }
        }
        return try yamlDocuments(bytes, limits: limits)
    }

    static func yamlDocuments(_ bytes: [UInt8], limits: CredentialLimits) throws(Failure) -> [DocumentValue] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .syntax("not valid UTF-8") }
        let scan = YAMLPreScanner.scan(bytes)
        if scan.depth > limits.maxDepth { throw .limit("nested deeper than \(limits.maxDepth) levels") }
        if scan.hasAliasOrComplexKey { throw .limit("aliases and complex values are not supported as mapping keys") }
        var documents: [DocumentValue] = []
        var budget = limits.maxNodes
        do {
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() {
                let value = try convert(root, depth: 0, budget: &budget, limits: limits)
                if value != .null { documents.append(value) }
            }
        } catch let failure as Failure {
            throw failure
        } catch let error as YamlError {
            throw .syntax("invalid YAML: " + message(error))
        } catch {
            throw .syntax("invalid YAML")
        }
        return documents
    }

    /// Yams' own descriptions quote the offending line; this keeps only the position and the problem.
    private static func message(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate mapping key " + duplicates.map { FieldPath.quoted($0) }.joined(separator: ", ")
        default:
            return "unreadable document"
        }
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int, limits: CredentialLimits) throws(Failure) -> DocumentValue {
        budget -= 1
        guard budget >= 0 else { throw .limit("expands to more than \(limits.maxNodes) values (YAML alias bomb?)") }
        guard depth <= limits.maxDepth else { throw .limit("nested deeper than \(limits.maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            return scalarValue(node, scalar)
        case .sequence(let sequence):
            var items: [DocumentValue] = []
            for child in sequence {
                items.append(try convert(child, depth: depth + 1, budget: &budget, limits: limits))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [DocumentValue.Member] = []
            var positions: [String: Int] = [:]
            var merged: [[DocumentValue.Member]] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else { throw .syntax("a mapping key is not a scalar") }
                if keyNode.tag.rawValue == Tag.Name.merge.rawValue, keyScalar.style == .plain {
                    switch try convert(valueNode, depth: depth + 1, budget: &budget, limits: limits) {
                    case .object(let source): merged.append(source)
                    case .array(let list):
                        for item in list {
                            guard case .object(let source) = item else { throw .syntax("a merge key (<<) needs mappings") }
                            merged.append(source)
                        }
                    default: throw .syntax("a merge key (<<) needs mappings")
                    }
                    continue
                }
                let key: String
                switch scalarValue(keyNode, keyScalar) {
                case .null: key = "null"
                case .bool(let flag): key = flag ? "true" : "false"
                default: key = keyScalar.string
                }
                let value = try convert(valueNode, depth: depth + 1, budget: &budget, limits: limits)
                // A later duplicate wins, as in go-yaml's map decoding and Go's JSON.
                if let position = positions[key] {
                    members[position].value = value
                } else {
                    positions[key] = members.count
                    members.append(.init(key: key, value: value))
                }
            }
            for source in merged {
                for member in source where positions[member.key] == nil {
                    positions[member.key] = members.count
                    members.append(member)
                }
            }
            return .object(members)
        case .alias:
            throw .syntax("unknown alias")
        }
    }

    private static func scalarValue(_ node: Node, _ scalar: Node.Scalar) -> DocumentValue {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return .null
        case .bool: return node.bool.map(DocumentValue.bool) ?? .string(scalar.string)
        case .int, .float: return .number(scalar.string)
        default: return .string(scalar.string)
        }
    }
}
