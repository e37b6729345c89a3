/// kubeconform's validator as kubesec runs it (strict schemas, strict decoding), offline: what it reads
/// from a resource, how it expands a `List`, and the texts it reports. Schemas come from a
/// `SchemaRepository`, compiled once and kept for the life of the validator (kubesec builds a new
/// validator, and fetches every schema again, for each document).
///
/// Thread-safe: one instance serves every request of `moat serve`.
public final class KubernetesSchemaValidator: Sendable {
    /// Bundled Kubernetes schemas, default settings: what `moat scan` uses unless told otherwise.
    public static let bundled = KubernetesSchemaValidator(repository: SchemaRepository.bundled)

    public var settings: SchemaSettings { repository.settings }
    private let repository: SchemaRepository

    public init(settings: SchemaSettings) throws(SchemaSettingsError) {
        repository = try SchemaRepository(settings: settings)
    }

    private init(repository: SchemaRepository) {
        self.repository = repository
    }

    /// Validates one decoded document. A `List` yields one outcome per item (kubeconform expands it);
    /// anything else yields exactly one.
    ///
    /// `strictDecodingError` is what kubeconform's strict decoding of the raw document reports (repeated
    /// keys), if anything. It fails the document unless the document is a `List`, whose items kubeconform
    /// re-encodes before decoding them.
    public func validate(_ document: JSONValue, strictDecodingError: String? = nil) -> [ResourceOutcome] {
        switch document {
        case .null:
            return [.empty]
        case .object(let members):
            let signature = ResourceSignature.ofDocument(members)
            if case .success(let list) = signature, list.isList {
                return Self.listItems(members).map(validateListItem)
            }
            if let strictDecodingError { return [.error(strictDecodingError)] }
            switch signature {
            case .failure(let problem): return [.error(problem.message)]
            case .success(let signature): return [validate(document, signature)]
            }
        default:
            return [.error(strictDecodingError ?? Self.notAMapping(document))]
        }
    }

    /// Compiles the schemas of the given kinds now rather than on their first document, so that a server's
    /// first requests do not pay for it. Kinds without a schema are simply remembered as such.
    public func warmUp(_ resources: [(kind: String, apiVersion: String)]) {
        for resource in resources { _ = repository.schema(kind: resource.kind, apiVersion: resource.apiVersion) }
    }

    // MARK: Resources

    private func validateListItem(_ item: JSONValue) -> ResourceOutcome {
        switch item {
        case .null:
            return .empty
        case .object(let members):
            switch ResourceSignature.ofListItem(members) {
            case .failure(let problem): return .error(problem.message)
            case .success(let signature): return validate(item, signature)
            }
        default:
            return .error(Self.notAMapping(item))
        }
    }

    private func validate(_ resource: JSONValue, _ signature: ResourceSignature) -> ResourceOutcome {
        guard let schema = repository.schema(kind: signature.kind, apiVersion: signature.apiVersion) else {
            return .error("could not find schema for " + signature.kind)
        }
        // The validity-only pass is the whole cost of a valid document; the error tree is built only on failure.
        if SchemaEvaluation.isValid(resource, against: schema) { return .valid }
        guard let violation = SchemaEvaluation.violation(resource, against: schema) else { return .valid }
        return .invalid("problem validating schema. Check JSON formatting: " + violation.text.replacingAll("\n", with: " "))
    }

    /// `List` items as kubeconform decodes them (`Items []interface{}`; a non-array yields none).
    private static func listItems(_ members: [String: JSONValue]) -> [JSONValue] {
        ResourceSignature.field("items", in: members)?.arrayValue ?? []
    }

    /// kubeconform's text when the document does not decode into `map[string]interface{}`.
    private static func notAMapping(_ value: JSONValue) -> String {
        let type: String
        switch value {
        case .bool: type = "bool"
        case .number: type = "number"
        case .string: type = "string"
        case .array: type = "array"
        case .null, .object: type = "object"
        }
        return "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
            + type + " into Go value of type map[string]interface {}"
    }
}
