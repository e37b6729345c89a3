/// Counters a ``TokenServer`` keeps, so client tests can assert that tokens are reused
/// (no new request per blob) and refreshed (a new request after expiry).
public struct TokenServerStatistics: Sendable, Equatable {
    /// `GET /token` requests (the Docker token flow), answered or not.
    public var getRequests = 0
    /// `POST /token` with `grant_type=password`.
    public var passwordGrants = 0
    /// `POST /token` with `grant_type=refresh_token`.
    public var refreshTokenGrants = 0
    /// `POST /token` with anything else.
    public var otherPosts = 0
    /// Requests answered with a 4xx status.
    public var rejected = 0
    /// Tokens handed out.
    public var tokensIssued = 0

    /// Every request the server received.
    public var totalRequests: Int { getRequests + passwordGrants + refreshTokenGrants + otherPosts }

    public init() {}
}

/// One request to a ``TokenServer``, without any secret (no password, no token).
public struct TokenRequestRecord: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case get, passwordGrant, refreshTokenGrant, otherPost
    }

    public let kind: Kind
    /// The authenticated user, or nil for anonymous and rejected requests.
    public let account: String?
    /// The `scope` values asked for.
    public let scopes: [String]
    /// What the requested scopes were turned into (empty when rejected).
    public let granted: [TokenAccess]
    public let status: Int
}
