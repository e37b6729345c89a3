/// A file that holds registry credentials: Kubernetes pull Secrets, or a Docker config.json.
public enum CredentialFile: Sendable {
    case pullSecret(PullSecret)
    case dockerConfig(DockerConfig)

    /// Reads `path` and decides what it is: a single object without `kind`/`apiVersion` that has `auths`,
    /// `credsStore` or `credHelpers` is a config.json; anything else must hold pull Secrets.
    /// - Parameter helperRunner: Runs the helpers a config.json names.
    public static func load(
        path: String,
        helperRunner: CredentialHelperRunner = CredentialHelperRunner(),
        limits: CredentialLimits = .default
    ) throws(CredentialError) -> CredentialFile {
        let bytes: [UInt8]
        let documents: [DocumentValue]
        do {
            bytes = try DocumentReader.read(path: path, limits: limits)
            documents = try DocumentReader.documents(bytes, limits: limits)
        } catch {
            throw CredentialError.from(error, file: path)
        }
        if documents.count == 1, let document = documents.first, isDockerConfig(document) {
            return .dockerConfig(try DockerConfig(value: document, path: path, helperRunner: helperRunner))
        }
        return .pullSecret(try PullSecret(documents: documents, path: path, limits: limits))
    }

    static func isDockerConfig(_ document: DocumentValue) -> Bool {
        guard document.members != nil, document["kind"] == nil, document["apiVersion"] == nil else { return false }
        return document["auths"] != nil || document["credsStore"] != nil || document["credHelpers"] != nil
    }

    /// The file it was read from.
    public var path: String {
        switch self {
        case .pullSecret(let secret): return secret.path
        case .dockerConfig(let config): return config.path
        }
    }
}
