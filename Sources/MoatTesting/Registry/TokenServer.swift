import Crypto
import Foundation

/// A Docker/OCI token server on 127.0.0.1 that distribution 2.8 trusts (`auth: token`).
///
/// `GET /token?service=…&scope=repository:NAME:pull,push` with optional HTTP Basic credentials
/// (the Docker token flow), and `POST /token` with an OAuth2 form, `grant_type=password` or
/// `grant_type=refresh_token` (the identity-token flow). Answers carry an ES256 JWT; see
/// ``TokenServerConfiguration`` for the knobs and ``statistics`` / ``requests`` for assertions.
///
/// ```swift
/// let tokens = try await TokenServer.start(.init(users: ["alice": "s3cret"], tokenLifetime: .seconds(2)))
/// let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
/// // … run the client …
/// #expect(tokens.statistics.getRequests == 1)
/// await registry.stop(); await tokens.stop()
/// ```
///
/// The realm is plain HTTP (the harness has no TLS for Hummingbird); distribution and skopeo do
/// not mind, and a client under test must not either.
public final class TokenServer: Sendable {
    public let configuration: TokenServerConfiguration
    /// `http://127.0.0.1:PORT/token`, the `realm` of the registry's challenge.
    public let realm: URL
    public let port: Int
    /// The PEM the registry's `auth.token.rootcertbundle` must hold to trust this server's tokens.
    public let rootCertificateBundlePEM: String
    public var service: String { configuration.service }
    public var issuer: String { configuration.issuer }

    private let listener: LoopbackHTTPListener
    private let endpoint: TokenEndpoint

    private init(configuration: TokenServerConfiguration, realm: URL, bundle: String, listener: LoopbackHTTPListener, endpoint: TokenEndpoint) {
        self.configuration = configuration
        self.realm = realm
        self.port = listener.port
        self.rootCertificateBundlePEM = bundle
        self.listener = listener
        self.endpoint = endpoint
    }

    /// Starts a token server with fresh keys on a port the kernel picks.
    public static func start(_ configuration: TokenServerConfiguration = .init()) async throws -> TokenServer {
        let authority = try TestCertificateAuthority(commonName: "moat test token CA")
        let signing = try authority.issueSigningCertificate()
        let signer: TokenSigner
        let bundle: String
        switch configuration.keyIdentification {
        case .certificateChain:
            signer = TokenSigner(
                privateKey: signing.privateKey,
                keyReference: .certificateChain([Data(try signing.derBytes()).base64EncodedString()])
            )
            bundle = try authority.certificatePEM()
        case .keyID:
            signer = TokenSigner(
                privateKey: signing.privateKey,
                keyReference: .keyID(TokenSigner.libtrustKeyID(signing.privateKey.publicKey))
            )
            // 2.8 trusts a `kid` only if it names the key of a certificate in the bundle itself.
            bundle = try signing.certificatePEM()
        }
        let endpoint = TokenEndpoint(configuration: configuration, signer: signer)
        let listener = try await LoopbackHTTPListener.start(endpoint.responder(), name: "token-server")
        guard let realm = URL(string: "http://127.0.0.1:\(listener.port)/token") else {
            await listener.stop()
            throw RegistryHarnessError(.network, "cannot form the token realm URL")
        }
        return TokenServer(configuration: configuration, realm: realm, bundle: bundle, listener: listener, endpoint: endpoint)
    }

    /// Counters since the start (or the last ``resetStatistics()``).
    public var statistics: TokenServerStatistics { endpoint.state.withLock { $0.statistics } }

    /// Every request since the start (or the last ``resetStatistics()``), oldest first.
    public var requests: [TokenRequestRecord] { endpoint.state.withLock { $0.records } }

    public func resetStatistics() {
        endpoint.state.withLock { state in
            state.statistics = .init()
            state.records = []
        }
    }

    /// A token signed like the served ones, for tests that need one without a request: for
    /// example one that expired (`issuedAt` in the past) or one for another audience.
    ///
    /// The claims are exactly as asked: `exp = issuedAt + lifetime` (default: the configured
    /// lifetime), with no leeway compensation, so remember that distribution 2.8.2 accepts it
    /// for 60 s more.
    public func issueToken(
        subject: String = "", access: [TokenAccess], issuedAt: Date = Date(),
        lifetime: Duration? = nil, audience: String? = nil
    ) throws -> String {
        try endpoint.makeToken(
            subject: subject, access: access, issuedAt: issuedAt,
            lifetimeSeconds: lifetime.map { Int($0.components.seconds) } ?? configuration.lifetimeSeconds,
            audience: audience ?? configuration.service
        )
    }

    public func stop() async {
        await listener.stop()
    }
}
