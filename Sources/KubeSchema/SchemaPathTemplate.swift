/// A kubeconform schema location template such as
/// `/schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`.
///
/// Only what kubeconform's templates use is supported: `{{ .Field }}` actions (spaces and `-` trim markers
/// allowed) naming one of kubeconform's six fields; everything else is literal text.
struct SchemaPathTemplate: Sendable, Equatable {
    enum Field: String, Sendable, CaseIterable {
        case normalizedKubernetesVersion = "NormalizedKubernetesVersion"
        case strictSuffix = "StrictSuffix"
        case resourceKind = "ResourceKind"
        case resourceAPIVersion = "ResourceAPIVersion"
        case group = "Group"
        case kindSuffix = "KindSuffix"
    }

    enum Part: Sendable, Equatable {
        case literal(String)
        case field(Field)
    }

    let source: String
    let parts: [Part]

    /// kubeconform appends this to a location that does not end in `json`.
    static let standaloneSuffix = "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"

    init(_ source: String) throws(SchemaSettingsError) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw .invalidTemplate(source, "unclosed action")
            }
            var action = rest[open.upperBound..<close.lowerBound]
            action = action.drop { $0 == " " || $0 == "-" }
            while let last = action.last, last == " " || last == "-" { action = action.dropLast() }
            guard action.hasPrefix("."), let field = Field(rawValue: String(action.dropFirst())) else {
                throw .invalidTemplate(source, "unknown field \(action)")
            }
            parts.append(.field(field))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    func render(_ variables: SchemaPathVariables) -> String {
        parts.map { part in
            switch part {
            case .literal(let text): return text
            case .field(let field): return variables[field]
            }
        }.joined()
    }
}

/// kubeconform's template data for one resource (`registry.schemaPath`).
struct SchemaPathVariables: Sendable, Equatable {
    /// `master`, or the version with a `v` in front: `v1.37.0`.
    let normalizedKubernetesVersion: String
    /// `-strict`: kubesec always validates strictly.
    let strictSuffix = "-strict"
    /// The kind, lower-cased.
    let resourceKind: String
    /// The part of apiVersion after the last `/`.
    let resourceAPIVersion: String
    /// The part of apiVersion before the first `/`, as written.
    let group: String
    /// `-<first dot-separated label of the group>-<version>` lower-cased, or `-<version>` for the core group.
    let kindSuffix: String

    init(kind: String, apiVersion: String, kubernetesVersion: String) {
        normalizedKubernetesVersion = kubernetesVersion == "master" ? "master" : "v" + kubernetesVersion
        let groupParts = apiVersion.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let firstLabel = groupParts[0].split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var suffix = "-" + firstLabel.lowercased()
        if groupParts.count > 1 { suffix += "-" + groupParts[1].lowercased() }
        kindSuffix = suffix
        resourceKind = kind.lowercased()
        resourceAPIVersion = groupParts[groupParts.count - 1]
        group = groupParts[0]
    }

    /// The file name inside a `…-standalone-strict` directory: `deployment-apps-v1.json`.
    var fileName: String { resourceKind + kindSuffix + ".json" }

    subscript(field: SchemaPathTemplate.Field) -> String {
        switch field {
        case .normalizedKubernetesVersion: return normalizedKubernetesVersion
        case .strictSuffix: return strictSuffix
        case .resourceKind: return resourceKind
        case .resourceAPIVersion: return resourceAPIVersion
        case .group: return group
        case .kindSuffix: return kindSuffix
        }
    }
}
