/// One entry of an `auths` map (config.json, `.dockerconfigjson`) or of a legacy `.dockercfg` map.
///
/// Printing an entry shows the key, user and credential kind only (see `RegistryCredential`).
public struct DockerAuthEntry: Sendable, Equatable, CustomStringConvertible {
    /// The key as written in the file (`https://index.docker.io/v1/`, `ghcr.io`, `*.example.com/team`).
    public let key: String
    /// The credential, or nil for an entry without one (Docker writes `{}` when a credential store holds it).
    public let credential: RegistryCredential?
    /// `email`, informational only.
    public let email: String?

    /// An entry as it would be read from a file.
    public init(key: String, credential: RegistryCredential?, email: String? = nil) {
        self.key = key
        self.credential = credential
        self.email = email
    }

    /// The key normalised as Docker does (`RegistryHost.normalize`).
    public var registry: String { RegistryHost.normalize(key) }

    public var description: String {
        "\(FieldPath.quoted(key)): " + (credential?.description ?? "no credential")
    }

    /// Whose rules to follow where Docker and the kubelet differ.
    enum Dialect {
        /// Docker CLI: an `auth` must decode to `user:password` with a non-empty user; NULs are trimmed from the password.
        case docker
        /// Kubernetes: `auth` may be padded or unpadded base64 and must contain a colon.
        case kubernetes
    }

    /// Parses an `auths` (or `.dockercfg`) mapping.
    static func parseMap(_ value: DocumentValue, at path: FieldPath, file: String, dialect: Dialect) throws(CredentialError) -> [DockerAuthEntry] {
        if value == .null { return [] }
        guard let members = value.members else {
            throw CredentialError(.malformedFile, "\(file): \(path): expected a mapping of registries, found \(value.kindName)")
        }
        var entries: [DockerAuthEntry] = []
        for member in members {
            entries.append(try parse(member.value, key: member.key, at: path.key(member.key), file: file, dialect: dialect))
        }
        return entries
    }

    static func parse(_ value: DocumentValue, key: String, at path: FieldPath, file: String, dialect: Dialect) throws(CredentialError) -> DockerAuthEntry {
        if value == .null { return DockerAuthEntry(key: key, credential: nil) }
        guard let members = value.members else {
            throw CredentialError(.malformedFile, "\(file): \(path): expected a mapping, found \(value.kindName)")
        }
        func field(_ name: String) throws(CredentialError) -> String? {
            // Go's encoding/json matches field names case-insensitively, preferring an exact match.
            let match = members.last { $0.key == name } ?? members.last { $0.key.lowercased() == name }
            guard let match else { return nil }
            switch match.value {
            case .null: return nil
            case .string(let text): return text
            default:
                throw CredentialError(.malformedFile, "\(file): \(path.member(match.key)): expected a string, found \(match.value.kindName)")
            }
        }
        var username = try field("username") ?? ""
        var password = try field("password") ?? ""
        let email = try field("email")
        if let auth = try field("auth"), !auth.isEmpty {
            let authPath = path.member("auth")
            guard let decoded = Base64.decode(auth, allowUnpadded: true) else {
                throw CredentialError(.malformedFile, "\(file): \(authPath): not valid base64")
            }
            guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
                throw CredentialError(.malformedFile, "\(file): \(authPath): does not decode to user:password")
            }
            username = String(decoding: decoded[..<colon], as: UTF8.self)
            password = String(decoding: decoded[(colon + 1)...], as: UTF8.self)
            if dialect == .docker {
                guard !username.isEmpty else {
                    throw CredentialError(.malformedFile, "\(file): \(authPath): decodes to an empty user name")
                }
                while password.unicodeScalars.last == "\u{0}" { password.unicodeScalars.removeLast() }
                while password.unicodeScalars.first == "\u{0}" { password.unicodeScalars.removeFirst() }
            }
        }
        let credential: RegistryCredential?
        if let token = try field("registrytoken"), !token.isEmpty {
            credential = .registryToken(token)
        } else if let token = try field("identitytoken"), !token.isEmpty {
            credential = .identityToken(token)
        } else if !username.isEmpty || !password.isEmpty {
            credential = .basic(username: username, password: password)
        } else {
            credential = nil
        }
        return DockerAuthEntry(key: key, credential: credential, email: email.flatMap { $0.isEmpty ? nil : $0 })
    }
}
