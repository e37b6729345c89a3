/// Registry host names as Docker compares them.
public enum RegistryHost {
    /// Docker Hub, as it appears in normalised image references.
    public static let dockerHub = "docker.io"
    /// The server URL Docker uses for Docker Hub in config.json and when calling credential helpers.
    public static let dockerHubServerURL = "https://index.docker.io/v1/"

    /// Host names that all mean Docker Hub.
    static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// Normalises a config.json key or a registry name the way Docker does (`ConvertToHostname`): the scheme and
    /// any path are dropped and the result is lower-cased; `index.docker.io`, `registry-1.docker.io` and
    /// `https://index.docker.io/v1/` all become `docker.io`. The port is kept (`127.0.0.1:5000`).
    public static func normalize(_ key: String) -> String {
        var text = Substring(key)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        for scheme in ["https://", "http://"] where text.lowercased().hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
            break
        }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        let host = text.lowercased()
        return dockerHubAliases.contains(host) ? dockerHub : host
    }

    /// True when `host` (in any spelling `normalize` accepts) is Docker Hub.
    public static func isDockerHub(_ host: String) -> Bool { normalize(host) == dockerHub }

    /// The server URL handed to `docker-credential-NAME get`: `https://index.docker.io/v1/` for Docker Hub,
    /// the bare host otherwise (what `docker login HOST` stores).
    public static func helperServerURL(for host: String) -> String {
        let normalized = normalize(host)
        return normalized == dockerHub ? dockerHubServerURL : normalized
    }
}
