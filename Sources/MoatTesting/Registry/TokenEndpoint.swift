import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP side of ``TokenServer``: parses requests, checks credentials, signs tokens, counts.
final class TokenEndpoint: Sendable {
    struct State {
        var statistics = TokenServerStatistics()
        var records: [TokenRequestRecord] = []
        /// Refresh token → account, for `grant_type=refresh_token`.
        var refreshTokens: [String: String] = [:]
    }

    let configuration: TokenServerConfiguration
    let signer: TokenSigner
    let state = LockedState(State())
    private let policy: TokenGrantPolicy

    init(configuration: TokenServerConfiguration, signer: TokenSigner) {
        self.configuration = configuration
        self.signer = signer
        self.policy = TokenGrantPolicy(
            pullOnlyUsers: configuration.pullOnlyUsers, anonymousPullRepositories: configuration.anonymousPullRepositories
        )
    }

    func responder() -> RouterResponder<BasicRequestContext> {
        let router = Router()
        router.get("token") { request, _ in self.handleGet(request) }
        router.post("token") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return self.handlePost(form: FormEncoding.decode(String(buffer: body)))
        }
        return router.buildResponder()
    }

    // MARK: - Docker token flow

    private func handleGet(_ request: Request) -> Response {
        let query = FormEncoding.decode(request.uri.query ?? "")
        let scopes = FormEncoding.values("scope", in: query)
        if let rejection = checkService(FormEncoding.value("service", in: query)) {
            return finish(.get, account: nil, scopes: scopes, granted: [], rejection: rejection)
        }
        let account: String?
        switch BasicAuthorization.parse(request.headers[.authorization]) {
        case .some(let credentials):
            guard configuration.users[credentials.username] == credentials.password else {
                return finish(.get, account: nil, scopes: scopes, granted: [], rejection: .unauthorized("incorrect username or password"))
            }
            account = credentials.username
        case .none:
            guard policy.allowsAnonymous else {
                return finish(.get, account: nil, scopes: scopes, granted: [], rejection: .unauthorized("authentication required"))
            }
            account = nil
        }
        let granted = policy.grants(for: TokenScope.parse(scopes), account: account)
        // `offline_token=true` asks for a refresh token alongside (docker login does).
        let wantsRefresh = account != nil && FormEncoding.value("offline_token", in: query) == "true"
        return issue(.get, account: account, scopes: scopes, granted: granted, withRefreshToken: wantsRefresh)
    }

    // MARK: - OAuth2 flow

    private func handlePost(form: [(name: String, value: String)]) -> Response {
        let scopes = FormEncoding.values("scope", in: form)
        let grantType = FormEncoding.value("grant_type", in: form)
        let kind: TokenRequestRecord.Kind =
            grantType == "password" ? .passwordGrant : grantType == "refresh_token" ? .refreshTokenGrant : .otherPost
        if let rejection = checkService(FormEncoding.value("service", in: form)) {
            return finish(kind, account: nil, scopes: scopes, granted: [], rejection: rejection)
        }
        let account: String
        switch kind {
        case .passwordGrant:
            let username = FormEncoding.value("username", in: form) ?? ""
            guard !username.isEmpty, configuration.users[username] == FormEncoding.value("password", in: form) else {
                return finish(kind, account: nil, scopes: scopes, granted: [], rejection: .unauthorized("incorrect username or password"))
            }
            account = username
        case .refreshTokenGrant:
            let presented = FormEncoding.value("refresh_token", in: form) ?? ""
            guard let owner = state.withLock({ $0.refreshTokens[presented] }) else {
                return finish(kind, account: nil, scopes: scopes, granted: [], rejection: .unauthorized("unknown refresh token"))
            }
            account = owner
        case .get, .otherPost:
            return finish(kind, account: nil, scopes: scopes, granted: [], rejection: .badRequest("unsupported_grant_type"))
        }
        let granted = policy.grants(for: TokenScope.parse(scopes), account: account)
        return issue(kind, account: account, scopes: scopes, granted: granted, withRefreshToken: true)
    }

    // MARK: - Answers

    private enum Rejection {
        case unauthorized(String)
        case badRequest(String)
    }

    /// A request naming another service must fail: the token's `aud` would not match the registry.
    private func checkService(_ service: String?) -> Rejection? {
        guard let service, service != configuration.service else { return nil }
        return .badRequest("unknown service \(service)")
    }

    private func issue(
        _ kind: TokenRequestRecord.Kind, account: String?, scopes: [String], granted: [TokenAccess], withRefreshToken: Bool
    ) -> Response {
        let issuedAt = Date()
        let token: String
        do {
            token = try makeToken(
                subject: account ?? "", access: granted, issuedAt: issuedAt,
                lifetimeSeconds: configuration.expiryClaimSeconds, audience: configuration.service
            )
        } catch {
            return Self.json(.internalServerError, ["error": "cannot sign a token: \(error)"])
        }
        var refreshToken: String?
        if withRefreshToken, let account {
            let fresh = UUID().uuidString
            state.withLock { $0.refreshTokens[fresh] = account }
            refreshToken = fresh
        }
        let body = TokenResponseBody(
            token: configuration.tokenField == .accessToken ? nil : token,
            access_token: configuration.tokenField == .token ? nil : token,
            expires_in: configuration.includesExpiresIn ? configuration.lifetimeSeconds : nil,
            issued_at: configuration.includesIssuedAt ? ISO8601DateFormatter().string(from: issuedAt) : nil,
            refresh_token: refreshToken
        )
        let response = Self.json(.ok, body)
        record(kind, account: account, scopes: scopes, granted: granted, status: 200)
        return response
    }

    private func finish(
        _ kind: TokenRequestRecord.Kind, account: String?, scopes: [String], granted: [TokenAccess], rejection: Rejection
    ) -> Response {
        var response: Response
        switch rejection {
        case .unauthorized(let reason):
            response = Self.json(.unauthorized, ["error": "unauthorized", "details": reason])
            response.headers[.wwwAuthenticate] = "Basic realm=\"moat-test-token-server\""
        case .badRequest(let reason):
            response = Self.json(.badRequest, ["error": "invalid_request", "details": reason])
        }
        record(kind, account: account, scopes: scopes, granted: granted, status: Int(response.status.code))
        return response
    }

    private func record(_ kind: TokenRequestRecord.Kind, account: String?, scopes: [String], granted: [TokenAccess], status: Int) {
        state.withLock { state in
            switch kind {
            case .get: state.statistics.getRequests += 1
            case .passwordGrant: state.statistics.passwordGrants += 1
            case .refreshTokenGrant: state.statistics.refreshTokenGrants += 1
            case .otherPost: state.statistics.otherPosts += 1
            }
            if status == 200 {
                state.statistics.tokensIssued += 1
            } else if (400..<500).contains(status) {
                state.statistics.rejected += 1
            }
            state.records.append(TokenRequestRecord(kind: kind, account: account, scopes: scopes, granted: granted, status: status))
        }
    }

    func makeToken(subject: String, access: [TokenAccess], issuedAt: Date, lifetimeSeconds: Int, audience: String) throws -> String {
        let now = Int(issuedAt.timeIntervalSince1970)
        let claims = TokenClaims(
            iss: configuration.issuer, sub: subject, aud: audience,
            exp: now + lifetimeSeconds, nbf: now, iat: now, jti: UUID().uuidString, access: access
        )
        return try signer.sign(claims)
    }

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// The JSON a token server answers with; nil fields are left out.
struct TokenResponseBody: Encodable {
    let token: String?
    let access_token: String?
    let expires_in: Int?
    let issued_at: String?
    let refresh_token: String?
}

/// Reading `Authorization: Basic …`.
enum BasicAuthorization {
    static func parse(_ header: String?) -> BasicCredentials? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return BasicCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
}
