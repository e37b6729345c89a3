/// kubeconform's verdict on one resource (a document, or one item of a `List`).
public enum ResourceOutcome: Sendable, Equatable {
    /// A null document (comment-only YAML): nothing to validate, no message.
    case empty
    case valid
    /// Status Invalid: `problem validating schema. Check JSON formatting: jsonschema validation failed with …`,
    /// newlines of the validator's text already turned into spaces.
    case invalid(String)
    /// Status Error: no schema, no kind, not a mapping, and so on.
    case error(String)
}
