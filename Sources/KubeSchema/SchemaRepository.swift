import Foundation

/// Finds and compiles the schema for a kind and API version, the way kubeconform's registries do: each
/// location in order, the first one with a usable schema wins. Results, including "no schema anywhere",
/// are cached, so a kind is looked up and compiled once.
///
/// Thread-safe; the lock only guards the cache (a compile holds it, which happens once per kind).
final class SchemaRepository: @unchecked Sendable {
    // @unchecked: `cache` is only touched with `lock` held; everything else is immutable.

    static let bundled = SchemaRepository(checked: SchemaSettings(), templates: [nil])

    let settings: SchemaSettings
    /// One entry per location: nil for the bundle, the parsed template for a local location.
    private let templates: [SchemaPathTemplate?]
    private let lock = NSLock()
    private var cache: [Key: CompiledSchema?] = [:]

    private struct Key: Hashable {
        let kind: String
        let apiVersion: String
    }

    init(settings: SchemaSettings) throws(SchemaSettingsError) {
        var templates: [SchemaPathTemplate?] = []
        for location in settings.locations {
            switch location {
            case .bundled: templates.append(nil)
            case .local(let source): templates.append(try SchemaPathTemplate(source))
            }
        }
        self.settings = settings
        self.templates = templates
    }

    private init(checked settings: SchemaSettings, templates: [SchemaPathTemplate?]) {
        self.settings = settings
        self.templates = templates
    }

    /// nil when no location has a schema for the resource.
    func schema(kind: String, apiVersion: String) -> CompiledSchema? {
        let key = Key(kind: kind, apiVersion: apiVersion)
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[key] { return cached }
        let variables = SchemaPathVariables(kind: kind, apiVersion: apiVersion, kubernetesVersion: settings.kubernetesVersion)
        var found: CompiledSchema?
        for template in templates {
            // Like kubeconform, a location without the file, or with a file that does not compile, is skipped.
            found = template.map { Self.localSchema($0.render(variables)) } ?? bundledSchema(variables)
            if found != nil { break }
        }
        cache[key] = found
        return found
    }

    private func bundledSchema(_ variables: SchemaPathVariables) -> CompiledSchema? {
        guard settings.kubernetesVersion == SchemaSettings.bundledKubernetesVersion else { return nil }
        let fileName = variables.fileName
        // The URL kubesec downloads the same file from, which is what its messages name.
        let url = SchemaLocation.defaultRemoteBase + "/" + variables.normalizedKubernetesVersion + "-standalone"
            + variables.strictSuffix + "/" + fileName
        guard case .success(let schema) = BundledSchemaLibrary.shared.schema(fileName: fileName, displayLocation: url + "#")
        else { return nil }
        return schema
    }

    /// A schema file on disk, compiled as kubeconform compiles it (draft 4 unless it declares another).
    /// v6 names a file by its absolute `file://` URL.
    private static func localSchema(_ path: String) -> CompiledSchema? {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let url = "file://" + absolute
        guard let document = readJSON(atPath: absolute) else { return nil }
        var compiler = SchemaCompiler(defaultDraft: .kubeconformDefault, loader: { reference in
            guard reference.hasPrefix("file://"), let path = URL(string: reference)?.path else { return nil }
            return readJSON(atPath: path)
        })
        compiler.add(document: document, url: url)
        return try? compiler.compile(url: url, displayLocation: url + "#")
    }

    private static func readJSON(atPath path: String) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONParser.parse(Array(data))
    }
}
