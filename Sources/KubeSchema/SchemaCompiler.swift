import Foundation

/// Turns schema documents into a `CompiledSchema`.
///
/// Every schema object is compiled once, keyed by its location (document URL and JSON pointer), so shared
/// definitions and recursive references cost one node each. `$ref` may point into the same document or,
/// for schemas read from disk, into another local file relative to it.
struct SchemaCompiler {
    struct Failure: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// Reads another document by absolute URL; nil when it is unavailable.
    typealias Loader = @Sendable (_ url: String) -> JSONValue?

    private struct Document {
        let root: JSONValue
        let draft: SchemaDraft
    }

    private let defaultDraft: SchemaDraft
    /// Bundled schemas stand in for yannh/kubernetes-json-schema's *standalone* files, whose references are
    /// inlined. A `$ref` there must behave as if the target were written in place (no reference error
    /// level), so it compiles to the target node itself.
    private let transparentReferences: Bool
    private let loader: Loader?
    private var documents: [String: Document] = [:]
    private var nodes: [SchemaNode?] = []
    private var idsByLocation: [String: Int] = [:]
    /// Locations whose `$ref` alias is being resolved; seeing one again means a cycle of pure references.
    private var aliasesInProgress: Set<String> = []

    init(defaultDraft: SchemaDraft, transparentReferences: Bool = false, loader: Loader? = nil) {
        self.defaultDraft = defaultDraft
        self.transparentReferences = transparentReferences
        self.loader = loader
    }

    /// Registers a document (its `$schema` picks the draft) so that references to `url` find it.
    mutating func add(document root: JSONValue, url: String, draft: SchemaDraft? = nil) {
        let declared = root["$schema"]?.stringValue.flatMap(SchemaDraft.init(metaSchema:))
        documents[url] = Document(root: root, draft: draft ?? declared ?? defaultDraft)
    }

    /// Compiles the schema at `pointer` in the document registered under `url` and returns the finished
    /// schema rooted there.
    mutating func compile(url: String, pointer: String = "", displayLocation: String) throws(Failure) -> CompiledSchema {
        let root = try node(at: url, pointer: pointer)
        var finished: [SchemaNode] = []
        finished.reserveCapacity(nodes.count)
        for node in nodes {
            guard let node else { throw Failure(description: "internal error: a schema node was never compiled") }
            finished.append(node)
        }
        try Self.rejectSameInstanceCycles(finished)
        return CompiledSchema(nodes: finished, root: root, location: displayLocation)
    }

    // MARK: Nodes

    private mutating func node(at url: String, pointer: String) throws(Failure) -> Int {
        let key = url + "#" + pointer
        if let id = idsByLocation[key] { return id }
        let document = try self.document(url)
        guard let value = Self.resolve(pointer: pointer, in: document.root) else {
            throw Failure(description: "\(key) not found")
        }
        if transparentReferences, let target = value["$ref"]?.stringValue {
            guard aliasesInProgress.insert(key).inserted else {
                throw Failure(description: "reference cycle at \(key)")
            }
            let (targetURL, targetPointer) = try resolveReference(target, from: url)
            let id = try node(at: targetURL, pointer: targetPointer)
            aliasesInProgress.remove(key)
            idsByLocation[key] = id
            return id
        }
        let id = nodes.count
        nodes.append(nil)
        idsByLocation[key] = id
        nodes[id] = try build(value, url: url, pointer: pointer, draft: document.draft)
        return id
    }

    private mutating func document(_ url: String) throws(Failure) -> Document {
        if let document = documents[url] { return document }
        guard let root = loader?(url) else { throw Failure(description: "cannot load \(url)") }
        add(document: root, url: url)
        guard let document = documents[url] else { throw Failure(description: "cannot load \(url)") }
        return document
    }

    private mutating func build(_ value: JSONValue, url: String, pointer: String, draft: SchemaDraft) throws(Failure) -> SchemaNode {
        let object: [String: JSONValue]
        switch value {
        case .bool(let flag): return SchemaNode(boolean: flag)
        case .object(let members): object = members
        default: throw Failure(description: "\(url)#\(pointer) is not a schema")
        }

        func child(_ path: String) throws(Failure) -> Int { try node(at: url, pointer: pointer + path) }
        func children(_ keyword: String) throws(Failure) -> [Int] {
            guard let items = object[keyword]?.arrayValue else { return [] }
            var ids: [Int] = []
            for index in items.indices { ids.append(try child("/\(keyword)/\(index)")) }
            return ids
        }
        func optionalChild(_ keyword: String) throws(Failure) -> Int? {
            guard let member = object[keyword], Self.isSchema(member) else { return nil }
            return try child("/" + keyword)
        }
        func rest(_ keyword: String) throws(Failure) -> SchemaNode.Rest {
            switch object[keyword] {
            case .bool(false): return .forbidden
            case .object: return .schema(try child("/" + keyword))
            default: return .unconstrained
            }
        }

        if let target = object["$ref"]?.stringValue, draft < .draft2019 {
            // Drafts before 2019-09: "All other properties in a $ref object MUST be ignored".
            let (targetURL, targetPointer) = try resolveReference(target, from: url)
            return SchemaNode(reference: .exclusive(try node(at: targetURL, pointer: targetPointer)))
        }
        var reference = SchemaNode.Reference.none
        if let target = object["$ref"]?.stringValue {
            let (targetURL, targetPointer) = try resolveReference(target, from: url)
            reference = .alongside(try node(at: targetURL, pointer: targetPointer))
        }

        var properties: [String: Int] = [:]
        if let members = object["properties"]?.objectValue {
            for name in members.keys where Self.isSchema(members[name]) {
                properties[name] = try child("/properties/" + Self.escape(name))
            }
        }

        var prefixItems: [Int] = []
        var restItems = SchemaNode.Rest.unconstrained
        if draft >= .draft2020 {
            prefixItems = try children("prefixItems")
            if Self.isSchema(object["items"]) { restItems = .schema(try child("/items")) }
        } else if case .array = object["items"] {
            prefixItems = try children("items")
            restItems = try rest("additionalItems")
        } else if let items = try optionalChild("items") {
            restItems = .schema(items)
        }

        var extras = SchemaNode.Extras()
        if draft >= .draft6 { extras.constValue = object["const"] }
        extras.minProperties = Self.integer(object["minProperties"])
        extras.maxProperties = Self.integer(object["maxProperties"])
        if let patterns = object["patternProperties"]?.objectValue {
            for source in patterns.keys.sorted() where Self.isSchema(patterns[source]) {
                guard let pattern = SchemaPattern(source) else {
                    throw Failure(description: "invalid patternProperties regex \(source)")
                }
                extras.patternProperties.append((pattern, try child("/patternProperties/" + Self.escape(source))))
            }
        }
        extras.minItems = Self.integer(object["minItems"])
        extras.maxItems = Self.integer(object["maxItems"])
        extras.uniqueItems = object["uniqueItems"] == .bool(true)
        extras.minLength = Self.integer(object["minLength"])
        extras.maxLength = Self.integer(object["maxLength"])
        if let source = object["pattern"]?.stringValue {
            guard let pattern = SchemaPattern(source) else { throw Failure(description: "invalid pattern regex \(source)") }
            extras.pattern = pattern
        }
        extras.minimum = Self.number(object["minimum"])
        extras.maximum = Self.number(object["maximum"])
        if draft == .draft4 {
            // Draft 4 spells exclusive bounds as booleans that modify minimum and maximum.
            if object["exclusiveMinimum"] == .bool(true), let minimum = extras.minimum {
                extras.exclusiveMinimum = minimum
                extras.minimum = nil
            }
            if object["exclusiveMaximum"] == .bool(true), let maximum = extras.maximum {
                extras.exclusiveMaximum = maximum
                extras.maximum = nil
            }
        } else {
            extras.exclusiveMinimum = Self.number(object["exclusiveMinimum"])
            extras.exclusiveMaximum = Self.number(object["exclusiveMaximum"])
        }
        if let multipleOf = Self.number(object["multipleOf"]), multipleOf > 0 { extras.multipleOf = multipleOf }
        extras.allOf = try children("allOf")
        extras.anyOf = try children("anyOf")
        extras.not = try optionalChild("not")
        if draft >= .draft7, let condition = try optionalChild("if") {
            extras.conditional = SchemaNode.Conditional(
                condition: condition, then: try optionalChild("then"), otherwise: try optionalChild("else"))
        }

        return SchemaNode(
            types: Self.types(object["type"]),
            enumeration: object["enum"]?.arrayValue.map { values in
                SchemaNode.Enumeration(values: values, types: values.reduce(into: JSONTypeSet()) { $0.formUnion(.of($1)) })
            },
            reference: reference,
            required: object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            properties: properties,
            additionalProperties: try rest("additionalProperties"),
            prefixItems: prefixItems,
            restItems: restItems,
            oneOf: try children("oneOf"),
            extras: extras
        )
    }

    // MARK: Keyword values

    private static func isSchema(_ value: JSONValue?) -> Bool {
        switch value {
        case .object, .bool: return true
        default: return false
        }
    }

    /// v6 ignores names that are not types, and a `type` with no valid name at all.
    private static func types(_ value: JSONValue?) -> JSONTypeSet? {
        var types = JSONTypeSet()
        switch value {
        case .string(let name): if let type = JSONTypeSet(name: name) { types.insert(type) }
        case .array(let names):
            for case .string(let name) in names { if let type = JSONTypeSet(name: name) { types.insert(type) } }
        default: break
        }
        return types.isEmpty ? nil : types
    }

    private static func integer(_ value: JSONValue?) -> Int? {
        guard case .number(let number) = value, number.isIntegral, number >= 0, number < 1e15 else { return nil }
        return Int(number)
    }

    private static func number(_ value: JSONValue?) -> Double? {
        guard case .number(let number) = value else { return nil }
        return number
    }

    // MARK: References and pointers

    /// `~` → `~0`, `/` → `~1`.
    static func escape(_ token: String) -> String {
        token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    /// The value at an RFC 6901 pointer; nil when a step is missing.
    static func resolve(pointer: String, in root: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = String(rawToken).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The document URL and JSON pointer a `$ref` names, relative to the referring document.
    /// Anchors (`#name`) and `$id`-based resolution are not supported.
    private func resolveReference(_ reference: String, from url: String) throws(Failure) -> (String, String) {
        var target = reference
        var fragment = ""
        if let hash = reference.firstIndex(of: "#") {
            target = String(reference[..<hash])
            fragment = String(reference[reference.index(after: hash)...])
        }
        fragment = fragment.removingPercentEncoding ?? fragment
        guard fragment.isEmpty || fragment.hasPrefix("/") else {
            throw Failure(description: "unsupported reference \(reference) (anchors are not supported)")
        }
        guard !target.isEmpty else { return (url, fragment) }
        guard let base = URL(string: url), let resolved = URL(string: target, relativeTo: base) else {
            throw Failure(description: "cannot resolve reference \(reference) from \(url)")
        }
        return (resolved.absoluteString, fragment)
    }

    // MARK: Cycles

    /// Rejects schemas where a chain of `$ref`/`allOf`/`anyOf`/`oneOf`/`not`/`if` leads back to itself at
    /// the same instance value: validating such a schema could never finish (v6 reports a reference cycle).
    private static func rejectSameInstanceCycles(_ nodes: [SchemaNode]) throws(Failure) {
        enum Mark { case unvisited, active, done }
        var marks = [Mark](repeating: .unvisited, count: nodes.count)
        for start in nodes.indices where marks[start] == .unvisited {
            // Iterative depth-first search: (node, index of the next edge to follow).
            var stack: [(Int, Int)] = [(start, 0)]
            marks[start] = .active
            while let (node, next) = stack.last {
                let edges = nodes[node].sameInstanceEdges
                if next < edges.count {
                    stack[stack.count - 1].1 += 1
                    let target = edges[next]
                    switch marks[target] {
                    case .active: throw Failure(description: "schema reference cycle")
                    case .unvisited:
                        marks[target] = .active
                        stack.append((target, 0))
                    case .done: break
                    }
                } else {
                    marks[node] = .done
                    stack.removeLast()
                }
            }
        }
    }
}
