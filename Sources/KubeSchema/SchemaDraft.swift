/// The JSON Schema drafts jsonschema v6 knows, as far as they change what a keyword means here.
enum SchemaDraft: Int, Sendable, Comparable {
    case draft4 = 4
    case draft6 = 6
    case draft7 = 7
    case draft2019 = 2019
    case draft2020 = 2020

    /// kubeconform compiles schemas without `$schema` as draft 4 (`DefaultDraft(Draft4)`).
    static let kubeconformDefault = SchemaDraft.draft4

    /// v6's `draftFromURL`: the `$schema` value, http or https, with an empty fragment allowed.
    /// `http://json-schema.org/schema#`, which the yannh/kubernetes-json-schema files declare, means the
    /// latest draft (2020-12). Unknown meta-schemas fall back to the default.
    init?(metaSchema: String) {
        var url = Substring(metaSchema)
        if let hash = url.firstIndex(of: "#") {
            guard url[url.index(after: hash)...].isEmpty else { return nil }
            url = url[..<hash]
        }
        if url.hasPrefix("http://") {
            url = url.dropFirst("http://".count)
        } else if url.hasPrefix("https://") {
            url = url.dropFirst("https://".count)
        }
        switch url {
        case "json-schema.org/schema", "json-schema.org/draft/2020-12/schema": self = .draft2020
        case "json-schema.org/draft/2019-09/schema": self = .draft2019
        case "json-schema.org/draft-07/schema": self = .draft7
        case "json-schema.org/draft-06/schema": self = .draft6
        case "json-schema.org/draft-04/schema": self = .draft4
        default: return nil
        }
    }

    static func < (lhs: SchemaDraft, rhs: SchemaDraft) -> Bool { lhs.rawValue < rhs.rawValue }
}
