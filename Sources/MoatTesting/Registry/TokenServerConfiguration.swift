/// What a ``TokenServer`` accepts and how it answers.
public struct TokenServerConfiguration: Sendable {
    /// Which JSON field carries the token. Docker's spec says `token`; OAuth2 clients read
    /// `access_token`; real servers send both. Clients must accept either.
    public enum TokenField: Sendable {
        case token, accessToken, both
    }

    /// How the JWT header names its signing key; distribution 2.8 accepts both.
    public enum KeyIdentification: Sendable {
        /// `x5c`: the signing certificate, which chains to the CA in the registry's `rootcertbundle`.
        case certificateChain
        /// `kid`: the libtrust key ID of a key whose certificate is itself in the `rootcertbundle`.
        case keyID
    }

    /// User name → password, checked on HTTP Basic (`GET /token`) and `grant_type=password`.
    public var users: [String: String]
    /// Users that get only `pull`, whatever they ask for (for "insufficient scope" tests).
    public var pullOnlyUsers: Set<String>
    /// Repositories anyone may pull without credentials; `"*"` means all. Anonymous requests get a
    /// token with only these grants; when the set is empty they get 401.
    public var anonymousPullRepositories: Set<String>
    /// How long tokens are valid, in whole seconds (`expires_in`).
    public var tokenLifetime: Duration
    /// distribution 2.8.2 accepts a token until 60 s after its `exp` claim (and 60 s before its
    /// `nbf`). When true (the default), `exp` is written 60 s early, so the registry really stops
    /// accepting a token `tokenLifetime` after it was issued, and a 2-second token can be used to
    /// test expiry. When false, `exp` is exactly `iat + tokenLifetime`.
    public var compensatesRegistryLeeway: Bool
    public var tokenField: TokenField
    /// Whether answers carry `expires_in` (seconds) and `issued_at` (RFC 3339).
    public var includesExpiresIn: Bool
    public var includesIssuedAt: Bool
    public var keyIdentification: KeyIdentification
    /// The `aud` claim and the registry's `auth.token.service`.
    public var service: String
    /// The `iss` claim and the registry's `auth.token.issuer`.
    public var issuer: String

    public init(
        users: [String: String] = [:],
        pullOnlyUsers: Set<String> = [],
        anonymousPullRepositories: Set<String> = [],
        tokenLifetime: Duration = .seconds(300),
        compensatesRegistryLeeway: Bool = true,
        tokenField: TokenField = .both,
        includesExpiresIn: Bool = true,
        includesIssuedAt: Bool = true,
        keyIdentification: KeyIdentification = .certificateChain,
        service: String = "moat-test-registry",
        issuer: String = "moat-test-token-issuer"
    ) {
        self.users = users
        self.pullOnlyUsers = pullOnlyUsers
        self.anonymousPullRepositories = anonymousPullRepositories
        self.tokenLifetime = tokenLifetime
        self.compensatesRegistryLeeway = compensatesRegistryLeeway
        self.tokenField = tokenField
        self.includesExpiresIn = includesExpiresIn
        self.includesIssuedAt = includesIssuedAt
        self.keyIdentification = keyIdentification
        self.service = service
        self.issuer = issuer
    }

    /// The lifetime in whole seconds, as `expires_in` says it.
    var lifetimeSeconds: Int {
        Int(tokenLifetime.components.seconds)
    }

    /// The validity distribution 2.8.2 adds after `exp` (`Leeway` in its token package).
    static let registryLeewaySeconds = 60

    /// `exp - iat` for served tokens.
    var expiryClaimSeconds: Int {
        lifetimeSeconds - (compensatesRegistryLeeway ? Self.registryLeewaySeconds : 0)
    }
}
