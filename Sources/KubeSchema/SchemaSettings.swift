/// Which Kubernetes version to validate against and where its schemas are: kubesec's
/// `--kubernetes-version` and `--schema-location`, plus moat's `--schema-dir`.
public struct SchemaSettings: Sendable, Equatable {
    /// The Kubernetes version of the bundled schemas (`1.37.0`).
    public static let bundledKubernetesVersion = BundledSchemas.kubernetesVersion

    /// `1.37.0` style (no leading `v`), or `master`.
    public var kubernetesVersion: String
    /// Searched in order; the first location that has a schema for a resource wins.
    public var locations: [SchemaLocation]

    public init(kubernetesVersion: String = Self.bundledKubernetesVersion, locations: [SchemaLocation] = [.bundled]) {
        self.kubernetesVersion = Self.normalizedVersion(kubernetesVersion)
        self.locations = locations
    }

    /// kubesec's resolution of its flags and environment variables, plus `--schema-dir`:
    /// * version: the flag, else `K8S_SCHEMA_VER`, else the bundled version;
    /// * locations: every `--schema-dir` first, then the `--schema-location` values (repeatable or
    ///   comma-separated), else `SCHEMA_LOCATION` (comma-separated), else the bundled schemas.
    ///
    /// The bundled schemas only serve their own version: with another version they are skipped, and when
    /// nothing else is left the settings are refused with a message naming the bundled version.
    public static func resolve(
        kubernetesVersion: String?, schemaLocations: [String], schemaDirectories: [String], environment: [String: String]
    ) throws(SchemaSettingsError) -> SchemaSettings {
        let version = normalizedVersion(
            nonEmpty(kubernetesVersion) ?? nonEmpty(environment["K8S_SCHEMA_VER"]) ?? bundledKubernetesVersion)
        var values = schemaLocations.flatMap { $0.split(separator: ",").map(String.init) }
        if values.isEmpty, let fromEnvironment = nonEmpty(environment["SCHEMA_LOCATION"]) {
            values = fromEnvironment.split(separator: ",").map(String.init)
        }
        var locations = schemaDirectories.flatMap(SchemaLocation.directory)
        if values.isEmpty {
            locations.append(.bundled)
        } else {
            for value in values { locations.append(try SchemaLocation.parse(value)) }
        }
        if version != bundledKubernetesVersion {
            locations.removeAll { $0 == .bundled }
            guard !locations.isEmpty else {
                throw .unsupportedVersion(requested: version, bundled: bundledKubernetesVersion)
            }
        }
        return SchemaSettings(kubernetesVersion: version, locations: locations)
    }

    /// `v1.37.0` and `1.37.0` name the same version (kubeconform itself would add a second `v`).
    static func normalizedVersion(_ version: String) -> String {
        let trimmed = version.trimmingSpaces
        if trimmed.hasPrefix("v"), let next = trimmed.dropFirst().first, next.isNumber { return String(trimmed.dropFirst()) }
        return trimmed
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingSpaces.isEmpty else { return nil }
        return value
    }
}

public enum SchemaSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An http(s) schema location other than kubeconform's default: moat never downloads schemas.
    case remoteLocation(String)
    /// A location template kubeconform would also refuse.
    case invalidTemplate(String, String)
    /// A Kubernetes version with no bundled schemas and no local location.
    case unsupportedVersion(requested: String, bundled: String)
    case emptyLocation

    public var description: String {
        switch self {
        case .remoteLocation(let url):
            return "schema location \(url) is remote, and moat validates offline: use a local directory "
                + "(--schema-dir or --schema-location DIR), or \"default\" for the bundled Kubernetes "
                + "\(SchemaSettings.bundledKubernetesVersion) schemas"
        case .invalidTemplate(let template, let reason):
            return "failed initialising schema location registry: \(reason) in \(template)"
        case .unsupportedVersion(let requested, let bundled):
            return "no schemas for Kubernetes \(requested): moat bundles Kubernetes \(bundled) only; pass "
                + "--schema-dir with schemas for \(requested) (kubeconform layout), or --skip-schema-validation"
        case .emptyLocation:
            return "empty schema location"
        }
    }
}
