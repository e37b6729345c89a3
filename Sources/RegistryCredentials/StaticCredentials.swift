public import Foundation

/// One credential given on the command line (`--username` with `--password-stdin`), for one registry or for all.
public struct StaticCredentials: CredentialSource {
    /// The registry it applies to (normalised), or nil for any registry.
    public let registry: String?
    /// The credential answered.
    public let credential: RegistryCredential
    private let label: String

    /// - Parameters:
    ///   - credential: What to answer.
    ///   - registry: Restrict to this registry (any spelling `RegistryHost.normalize` accepts); nil for every registry.
    ///   - label: Where it came from, for messages.
    public init(_ credential: RegistryCredential, registry: String? = nil, label: String = "--username/--password-stdin") {
        self.credential = credential
        self.registry = registry.map(RegistryHost.normalize)
        self.label = label
    }

    /// A user and password for `registry`, or for every registry when nil.
    public init(username: String, password: String, registry: String? = nil) {
        self.init(.basic(username: username, password: password), registry: registry)
    }

    public func credential(forRegistry host: String) throws -> RegistryCredential? {
        guard let registry else { return credential }
        return RegistryHost.normalize(host) == registry ? credential : nil
    }

    public var description: String {
        registry.map { "\(label) (for \($0))" } ?? label
    }

    /// A password read with `--password-stdin`: one trailing `\n` and then one `\r` are removed, as
    /// `docker login --password-stdin` does; everything else (spaces included) is kept.
    public static func password(fromStandardInput data: Data) -> String {
        var scalars = String(decoding: data, as: UTF8.self).unicodeScalars
        // Scalars, not Characters: "\r\n" is a single Character in Swift.
        if scalars.last == "\n" { scalars.removeLast() }
        if scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
