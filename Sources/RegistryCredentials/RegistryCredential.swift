/// A credential for one registry, in the three forms Docker's configuration can hold.
///
/// Printing a credential never shows the secret: `description`, `debugDescription` and the mirror used by
/// `dump` all redact it (`basic(user: alice, password: <redacted>)`), so a credential that ends up in a log
/// line or a test failure does not leak.
public enum RegistryCredential: Sendable, Equatable {
    /// A user name and password (or personal access token), sent with HTTP Basic or exchanged for a token.
    case basic(username: String, password: String)
    /// Docker's refresh token (`identitytoken` in config.json, or a helper answering user `<token>`),
    /// exchanged at the registry's token endpoint with an OAuth2 `refresh_token` grant.
    case identityToken(String)
    /// A bearer token sent to the registry as is (`registrytoken` in config.json).
    case registryToken(String)

    /// The user name Docker's credential helpers use to mark an identity token.
    public static let identityTokenUsername = "<token>"

    /// The user name for reports: the basic user, `<token>` for an identity token, nil for a registry token.
    public var username: String? {
        switch self {
        case .basic(let username, _): return username
        case .identityToken: return RegistryCredential.identityTokenUsername
        case .registryToken: return nil
        }
    }

    /// `basic`, `identityToken` or `registryToken`.
    public var kind: String {
        switch self {
        case .basic: return "basic"
        case .identityToken: return "identityToken"
        case .registryToken: return "registryToken"
        }
    }
}

extension RegistryCredential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        switch self {
        case .basic(let username, _): return "basic(user: \(username), password: <redacted>)"
        case .identityToken: return "identityToken(<redacted>)"
        case .registryToken: return "registryToken(<redacted>)"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        switch self {
        case .basic(let username, _):
            return Mirror(self, children: ["username": username, "password": "<redacted>"], displayStyle: .enum)
        case .identityToken, .registryToken:
            return Mirror(self, children: ["token": "<redacted>"], displayStyle: .enum)
        }
    }
}
