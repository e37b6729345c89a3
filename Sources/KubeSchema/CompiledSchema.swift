/// A schema ready to validate with: its nodes, the root node, and the location kubeconform prints in
/// `jsonschema validation failed with '<location>'`.
struct CompiledSchema: Sendable {
    let nodes: [SchemaNode]
    let root: Int
    /// The schema URL followed by `#` (v6's `Schema.Location` of a document root).
    let location: String
}
