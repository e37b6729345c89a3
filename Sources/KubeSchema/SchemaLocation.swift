/// Where schemas are looked up, in kubeconform's terms.
public enum SchemaLocation: Sendable, Equatable {
    /// The schemas compiled into moat. They stand in for kubeconform's default location,
    /// `https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/…`, for the bundled version.
    case bundled
    /// A local path template (kubeconform syntax, e.g. `/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json`).
    case local(String)

    /// kubeconform's default location; its files are what the bundle holds, and what messages name.
    static let defaultRemoteBase = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master"

    /// One value of kubesec's `--schema-location` / `SCHEMA_LOCATION`:
    /// * `default`, or kubeconform's default GitHub URL (with or without its template): the bundled schemas;
    /// * any other http(s) URL: refused, moat never downloads schemas;
    /// * a path (a leading `file://` is tolerated): a template if it ends in `json`, otherwise a directory
    ///   in kubeconform's layout (`<dir>/<version>-standalone-strict/<kind><suffix>.json`).
    public static func parse(_ value: String) throws(SchemaSettingsError) -> SchemaLocation {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw .emptyLocation }
        if trimmed == "default" || trimmed.hasPrefix(defaultRemoteBase) { return .bundled }
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") { throw .remoteLocation(trimmed) }
        var path = trimmed
        if path.hasPrefix("file://") { path = String(path.dropFirst("file://".count)) }
        if !path.hasSuffix("json") { path += SchemaPathTemplate.standaloneSuffix }
        _ = try SchemaPathTemplate(path)
        return .local(path)
    }

    /// moat's `--schema-dir DIR`: kubeconform's layout (`DIR/<version>-standalone-strict/<file>.json`),
    /// then a flat directory of schema files (`DIR/<file>.json`).
    public static func directory(_ path: String) -> [SchemaLocation] {
        let base = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return [
            .local(base + SchemaPathTemplate.standaloneSuffix),
            .local(base + "/{{ .ResourceKind }}{{ .KindSuffix }}.json"),
        ]
    }
}

extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
