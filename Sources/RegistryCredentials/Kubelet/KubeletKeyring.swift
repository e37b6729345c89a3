/// The kubelet's pull-secret matching (`pkg/credentialprovider/keyring.go`, `BasicDockerKeyring`), reimplemented:
///
/// * Each key gets `https://` unless it starts with `http://` or `https://`, and is parsed as a URL; keys Go cannot
///   parse are ignored. A path starting `/v1/` or `/v2/` loses that prefix; the index key is host + path, or the
///   host alone when the path is empty or `/`.
/// * The index is de-duplicated and sorted in reverse byte order, so `quay.io/coreos` comes before `quay.io` and
///   `registry.example.com` before `*.example.com`.
/// * An image (`host/path`, as from a normalised reference) matches a key when the host has as many DNS labels,
///   each label matches the key's label as a `filepath.Match` glob, the ports are equal (both absent, or the same),
///   and the key's path is a plain string prefix of the image's path. Every matching key contributes its
///   credentials, in index order; several entries under one key keep the order they were added in.
/// * With no match, an image on Docker Hub gets the credentials stored under `index.docker.io`.
struct KubeletKeyring<Credential: Sendable>: Sendable {
    private var keys: [String] = []
    private var credentials: [String: [Credential]] = [:]
    /// Keys that could not be parsed, as written.
    private(set) var ignoredKeys: [String] = []

    /// The index key for a pull-secret key, or nil when the kubelet would ignore it.
    static func indexKey(for key: String) -> String? {
        let value = key.hasPrefix("https://") || key.hasPrefix("http://") ? key : "https://" + key
        guard let parsed = GoURL.parse(value) else { return nil }
        var path = Substring(parsed.path)
        if path.hasPrefix("/v2/") || path.hasPrefix("/v1/") { path = path.dropFirst(3) }
        return !path.isEmpty && path != "/" ? parsed.host + path : parsed.host
    }

    mutating func add(key: String, credential: Credential) {
        guard let indexKey = KubeletKeyring.indexKey(for: key) else {
            ignoredKeys.append(key)
            return
        }
        if credentials[indexKey] == nil { keys.append(indexKey) }
        credentials[indexKey, default: []].append(credential)
    }

    /// The de-duplicated index keys in reverse byte order: the order in which they are tried.
    var index: [String] {
        keys.sorted { Array($1.utf8).lexicographicallyPrecedes(Array($0.utf8)) }
    }

    /// The credentials for `image` (`docker.io/library/nginx`, `127.0.0.1:5000/team/app`), best first.
    func lookup(_ image: String) -> [Credential] {
        var found: [Credential] = []
        for key in index where KubeletKeyring.matches(key: key, image: image) {
            found.append(contentsOf: credentials[key] ?? [])
        }
        if found.isEmpty, KubeletKeyring.isDefaultRegistryMatch(image), let hub = credentials["index.docker.io"] {
            return hub
        }
        return found
    }

    /// `URLsMatchStr(glob, target)`: both parsed as schemeless URLs.
    static func matches(key: String, image: String) -> Bool {
        guard let glob = GoURL.parse("https://" + key), let target = GoURL.parse("https://" + image) else { return false }
        let (globHost, globPort) = GoURL.splitHostPort(glob.host)
        let (targetHost, targetPort) = GoURL.splitHostPort(target.host)
        guard globPort == targetPort else { return false }
        let globLabels = globHost.split(separator: ".", omittingEmptySubsequences: false)
        let targetLabels = targetHost.split(separator: ".", omittingEmptySubsequences: false)
        guard globLabels.count == targetLabels.count else { return false }
        guard target.path.utf8.starts(with: glob.path.utf8) else { return false }
        for (pattern, label) in zip(globLabels, targetLabels) {
            guard (try? GoGlob.match(String(pattern), String(label))) == true else { return false }
        }
        return true
    }

    /// Whether the kubelet treats `image` as a Docker Hub image (no host part, or `docker.io`/`index.docker.io`).
    static func isDefaultRegistryMatch(_ image: String) -> Bool {
        let parts = image.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return false }
        if parts.count == 1 { return true }
        if first == "docker.io" || first == "index.docker.io" { return true }
        return !first.contains(".") && !first.contains(":")
    }
}
