/// The kind and apiVersion kubeconform reads from a resource before it looks for a schema, with its
/// error texts.
///
/// kubeconform reads a top-level document's signature by decoding it into a Go struct
/// `{APIVersion, Kind string; Metadata struct{Name, Namespace, GenerateName string}}` (`Resource.Signature`),
/// so a field of the wrong JSON type fails with Go's `encoding/json` message, and an empty kind counts as
/// missing. The items of a `List` are read from the decoded map instead (`SignatureFromMap`): any string
/// is accepted there, and a missing or non-string kind is reported as missing.
struct ResourceSignature: Equatable {
    let kind: String
    let apiVersion: String

    /// kubeconform expands a document whose kind is `List` in any letter case.
    var isList: Bool {
        kind.utf8.count == 4 && zip(kind.utf8, "list".utf8).allSatisfy { Self.asciiLowercase($0) == $1 }
    }

    /// The Go struct type of the Metadata field, as `reflect.Type.String()` prints it.
    private static let metadataType =
        #"struct { Name string "yaml:\"name\""; Namespace string "yaml:\"namespace\""; GenerateName string "yaml:\"generateName\"" }"#

    /// A top-level document's signature, or kubeconform's `error while parsing: …` text.
    static func ofDocument(_ members: [String: JSONValue]) -> Result<ResourceSignature, ResourceProblem> {
        if let mismatch = structMismatch(members) {
            return .failure(ResourceProblem(
                "error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                    + mismatch.got + " into Go struct field ." + mismatch.field + " of type " + mismatch.type))
        }
        let kind = field("kind", in: members)?.stringValue ?? ""
        let apiVersion = field("apiVersion", in: members)?.stringValue ?? ""
        guard !kind.isEmpty else { return .failure(ResourceProblem("error while parsing: missing 'kind' key")) }
        guard !apiVersion.isEmpty else { return .failure(ResourceProblem("error while parsing: missing 'apiVersion' key")) }
        return .success(ResourceSignature(kind: kind, apiVersion: apiVersion))
    }

    /// A `List` item's signature (decoded map: the values must be strings, empty ones included).
    static func ofListItem(_ members: [String: JSONValue]) -> Result<ResourceSignature, ResourceProblem> {
        guard let kind = members["kind"]?.stringValue else {
            return .failure(ResourceProblem("error while parsing: missing 'kind' key"))
        }
        guard let apiVersion = members["apiVersion"]?.stringValue else {
            return .failure(ResourceProblem("error while parsing: missing 'apiVersion' key"))
        }
        return .success(ResourceSignature(kind: kind, apiVersion: apiVersion))
    }

    /// The first field `encoding/json` cannot store, visiting members in byte order of their names (the
    /// order of the JSON kubesec produces from YAML).
    private static let fields = [("apiVersion", "APIVersion"), ("kind", "Kind"), ("metadata", "Metadata")]
    private static let metadataFields = [("generateName", "GenerateName"), ("name", "Name"), ("namespace", "Namespace")]

    private static func structMismatch(_ members: [String: JSONValue]) -> (got: String, field: String, type: String)? {
        for (name, goName) in fields {
            guard let value = field(name, in: members) else { continue }
            if goName == "Metadata" {
                switch value {
                case .null: continue
                case .object(let metadata):
                    for (key, goKey) in metadataFields {
                        if let item = field(key, in: metadata), let got = mismatch(item, expecting: "string") {
                            return (got, "Metadata." + goKey, "string")
                        }
                    }
                default:
                    if let got = mismatch(value, expecting: "object") { return (got, goName, metadataType) }
                }
            } else if let got = mismatch(value, expecting: "string") {
                return (got, goName, "string")
            }
        }
        return nil
    }

    /// Go's name for the JSON value that does not fit, nil when it fits (null always does).
    private static func mismatch(_ value: JSONValue, expecting expected: String) -> String? {
        let got: String
        switch value {
        case .null: return nil
        case .bool: got = "bool"
        case .number: got = "number"
        case .string: got = "string"
        case .array: got = "array"
        case .object: got = "object"
        }
        return got == expected ? nil : got
    }

    /// `encoding/json` matches member names to struct fields case-insensitively, preferring an exact match.
    /// (The field names are ASCII; Go's extra Unicode foldings such as the Kelvin sign are not modelled.)
    static func field(_ name: String, in members: [String: JSONValue]) -> JSONValue? {
        if let exact = members[name] { return exact }
        let wanted = name.utf8
        for (key, value) in members where key.utf8.count == wanted.count {
            if zip(key.utf8, wanted).allSatisfy({ asciiLowercase($0) == asciiLowercase($1) }) { return value }
        }
        return nil
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }
}

/// A kubeconform error (status Error): no newline is added to it in kubesec's message.
struct ResourceProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
