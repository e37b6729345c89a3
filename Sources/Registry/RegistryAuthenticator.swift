import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RegistryCredentials

/// Answers registries' challenges: Bearer tokens (anonymous, Basic-authenticated or from an identity token), cached per
/// registry and scope until shortly before they expire, or Basic credentials on every request.
actor RegistryAuthenticator {
    private let credentials: any CredentialSource
    private var basicHosts: [String: String] = [:]
    private var tokens: [TokenKey: CachedToken] = [:]

    private struct TokenKey: Hashable {
        var host: String
        var scope: String
    }

    private struct CachedToken {
        var value: String
        var expires: Date
    }

    init(credentials: any CredentialSource) {
        self.credentials = credentials
    }

    /// The `Authorization` header value already known for `host` and `scope`, if any.
    func authorization(host: String, scope: String?) -> String? {
        if let basic = basicHosts[host] { return basic }
        guard let token = tokens[TokenKey(host: host, scope: scope ?? "")], token.expires > Date() else { return nil }
        return "Bearer " + token.value
    }

    /// Learns how to authenticate from a 401's challenges and obtains what they ask for.
    func authenticate(host: String, scope: String?, challenges: [AuthChallenge], transport: RegistryTransport) async throws {
        let credential = try lookUp(host, scope: scope)
        if let bearer = challenges.first(where: { $0.scheme.lowercased() == "bearer" }) {
            guard let realm = bearer.realm else {
                throw RegistryError(.invalidResponse, "\(host) asked for a Bearer token without saying where to get one (no realm)")
            }
            var scopes = bearer.scopes
            for wanted in (scope ?? "").split(separator: " ").map(String.init) where !scopes.contains(wanted) { scopes.append(wanted) }
            let token = try await fetchToken(realm: realm, service: bearer.service, scopes: scopes, credential: credential,
                                             host: host, transport: transport)
            tokens[TokenKey(host: host, scope: scope ?? "")] = token
            return
        }
        if challenges.contains(where: { $0.scheme.lowercased() == "basic" }) {
            guard case .basic(let username, let password)? = credential else {
                throw RegistryError(.unauthorized, "\(host) requires a username and password and none were found in \(credentials.description); "
                    + "use --username with --password-stdin, docker login, or --pull-secret")
            }
            basicHosts[host] = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
            return
        }
        throw RegistryError(.unauthorized, "\(host) answered 401 without a challenge moat understands (Bearer or Basic)")
    }

    /// The best credential for the repository the scope names (pull secrets match paths, as the kubelet does).
    private func lookUp(_ host: String, scope: String?) throws -> RegistryCredential? {
        let registry = host == "registry-1.docker.io" ? "docker.io" : host
        do {
            if let repository = Self.repository(inScope: scope) {
                return try credentials.credentials(forRegistry: registry, repository: repository).first
            }
            return try credentials.credential(forRegistry: registry)
        } catch {
            throw RegistryError(.unauthorized, "cannot read credentials for \(registry): \(error)")
        }
    }

    private func fetchToken(realm: String, service: String?, scopes: [String], credential: RegistryCredential?,
                            host: String, transport: RegistryTransport) async throws -> CachedToken {
        guard var components = URLComponents(string: realm), components.scheme == "https" || components.scheme == "http" else {
            throw RegistryError(.invalidResponse, "\(host) named an unusable token realm \(realm.prefix(200))")
        }
        var query: [URLQueryItem] = components.queryItems ?? []
        if let service { query.append(URLQueryItem(name: "service", value: service)) }
        for scope in scopes { query.append(URLQueryItem(name: "scope", value: scope)) }

        var request: HTTPClientRequest
        switch credential {
        case .identityToken(let refresh)?:
            // An identity token is an OAuth2 refresh token: exchanged with a form POST to the realm.
            request = HTTPClientRequest(url: realm)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            var form = URLComponents()
            form.queryItems = [URLQueryItem(name: "grant_type", value: "refresh_token"), URLQueryItem(name: "refresh_token", value: refresh),
                               URLQueryItem(name: "client_id", value: "moat")]
                + (service.map { [URLQueryItem(name: "service", value: $0)] } ?? [])
                + scopes.map { URLQueryItem(name: "scope", value: $0) }
            let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            request.body = .bytes(ByteBuffer(string: body))
        case .registryToken(let token)?:
            return CachedToken(value: token, expires: .distantFuture)
        case .basic(let username, let password)?:
            components.queryItems = query
            request = HTTPClientRequest(url: components.url?.absoluteString ?? realm)
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(username):\(password)".utf8).base64EncodedString())
        case nil:
            components.queryItems = query
            request = HTTPClientRequest(url: components.url?.absoluteString ?? realm)
        }
        let response = try await transport.sendPlain(request)
        let status = response.status.code
        guard status == 200 else {
            let detail = await RegistryTransport.errorDetail(response)
            let explained = detail.isEmpty ? "" : " (\(detail))"
            if status == 401 || status == 403 {
                let who = credential == nil ? "anonymous access" : "the credentials from \(credentials.description)"
                throw RegistryError(.unauthorized, "the token service for \(host) refused \(who) for \(scopes.joined(separator: " "))\(explained): "
                    + (credential == nil ? "log in (docker login, --username/--password-stdin or --pull-secret)" : "check the username and password"))
            }
            throw RegistryError(.unauthorized, "the token service for \(host) answered HTTP \(status)\(explained)")
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        struct TokenAnswer: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
            var issued_at: String?
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView)),
              let value = answer.token ?? answer.access_token, !value.isEmpty else {
            throw RegistryError(.invalidResponse, "the token service for \(host) answered without a token")
        }
        // Refresh a little early so a token does not expire between being read and being used.
        let lifetime = Double(max(answer.expires_in ?? 60, 1))
        let issued = answer.issued_at.flatMap(Self.parseDate) ?? Date()
        let expires = min(issued, Date()).addingTimeInterval(lifetime * 0.9)
        return CachedToken(value: value, expires: expires)
    }

    /// `repository:team/app:pull,push` → `team/app` (the first scope's; names never contain `:` after the host).
    static func repository(inScope scope: String?) -> String? {
        guard let first = scope?.split(separator: " ").first, first.hasPrefix("repository:") else { return nil }
        let body = first.dropFirst("repository:".count)
        guard let colon = body.lastIndex(of: ":") else { return nil }
        return String(body[..<colon])
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
