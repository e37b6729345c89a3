import Crypto
import Foundation
import MoatTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Proves the registry test harness against real components: distribution's `docker-registry`,
/// `skopeo` and `curl`. Each test checks something that would fail if the harness were wrong.
@Suite(.timeLimit(.minutes(1))) struct HarnessTests {
    // MARK: - Plain registry

    @Test func plainRegistryServesBackTheDigestSkopeoPushed() async throws {
        let image = try ScratchImage.load()
        let registry = try await RegistryServer.start()
        try await Skopeo().push(ociLayout: image.layout, to: registry.endpoint, repository: "harness/scratch", tag: "v1")

        let served = try await Skopeo().manifestDigest(registry.endpoint, repository: "harness/scratch", reference: "v1")
        #expect(served == image.manifestDigest)
        let answer = try await PlainHTTP.get(
            registry.baseURL.appendingPathComponent("v2/harness/scratch/manifests/v1"),
            headers: ["Accept": "application/vnd.oci.image.manifest.v1+json"]
        )
        #expect(answer.status == 200)
        #expect(answer.headers["docker-content-digest"] == image.manifestDigest)
        #expect(sha256(answer.body) == image.manifestDigest)
        #expect(FileManager.default.fileExists(atPath: registry.storageDirectory + "/docker/registry/v2/repositories/harness/scratch"))

        let directory = registry.directory.path
        await registry.stop()
        #expect(!registry.isRunning)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func parallelRegistriesGetTheirOwnPortAndDirectory() async throws {
        async let first = RegistryServer.start()
        async let second = RegistryServer.start()
        async let third = RegistryServer.start()
        let registries = try await [first, second, third]
        #expect(Set(registries.map(\.port)).count == 3)
        #expect(Set(registries.map(\.directory)).count == 3)
        for registry in registries {
            #expect(try await PlainHTTP.get(registry.baseURL.appendingPathComponent("v2/")).status == 200)
            await registry.stop()
        }
    }

    @Test func killStopsTheRegistryAtOnce() async throws {
        let registry = try await RegistryServer.start()
        registry.kill()
        #expect(!registry.isRunning)
        let probe = try await curl(["-s", "-o", "/dev/null", "--max-time", "5", registry.baseURL.absoluteString + "/v2/"])
        #expect(probe.status == 7, "curl exit 7 is 'failed to connect'")
        await registry.stop()
        #expect(!FileManager.default.fileExists(atPath: registry.directory.path))
    }

    // MARK: - TLS and basic auth

    @Test func tlsBasicAuthChallengesAcceptsAndRejects() async throws {
        let image = try ScratchImage.load()
        let alice = BasicCredentials(username: "alice", password: "wonder land")
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: [alice.username: alice.password]))
        let caFile = try #require(registry.caFile)
        #expect(FileManager.default.fileExists(atPath: try #require(registry.certDirectory) + "/ca.crt"))

        let anonymous = try await curl(["-s", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}", "--cacert", caFile, "\(registry.baseURL)/v2/"])
        #expect(anonymous.standardOutputText.hasSuffix("401"))
        #expect(anonymous.standardOutputText.lowercased().contains("www-authenticate: basic realm="))
        let authorized = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile, "-u", alice.colonSeparated, "\(registry.baseURL)/v2/"])
        #expect(authorized.standardOutputText == "200")

        let skopeo = try Skopeo()
        try await skopeo.push(ociLayout: image.layout, to: registry.endpoint, repository: "private/scratch", credentials: alice)
        #expect(try await skopeo.manifestDigest(registry.endpoint, repository: "private/scratch", credentials: alice) == image.manifestDigest)

        let wrong = BasicCredentials(username: "alice", password: "not her password")
        let error = await #expect(throws: RegistryHarnessError.self) {
            try await skopeo.push(ociLayout: image.layout, to: registry.endpoint, repository: "private/other", credentials: wrong)
        }
        #expect(error?.code == .processFailed)
        #expect(error?.message.contains("not her password") == false, "credentials must not appear in errors")
        await registry.stop()
    }

    @Test func aCertificateFromAnotherAuthorityIsRejected() async throws {
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: [:]))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("moat-unknown-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stranger = try TestCertificateAuthority(commonName: "unrelated CA").writeServerFiles(to: scratch)

        let rejected = try await curl(["-s", "-o", "/dev/null", "--max-time", "5", "--cacert", stranger.caFile, "\(registry.baseURL)/v2/"])
        #expect(rejected.status == 60, "curl exit 60 is 'peer certificate cannot be authenticated with given CA certificates'")
        let trusted = try await curl(["-s", "-o", "/dev/null", "--max-time", "5", "--cacert", try #require(registry.caFile), "\(registry.baseURL)/v2/"])
        #expect(trusted.status == 0)
        let byName = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", try #require(registry.caFile), "https://localhost:\(registry.port)/v2/", "--resolve", "localhost:\(registry.port):127.0.0.1"])
        #expect(byName.standardOutputText == "401", "the certificate also names localhost")
        await registry.stop()
    }

    // MARK: - Token auth

    @Test func tokenRegistryChallengesAndAcceptsTheTokenServersTokens() async throws {
        let tokens = try await TokenServer.start(.init(users: ["alice": "secret"]))
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        let caFile = try #require(registry.caFile)

        let challenge = try await curl(["-s", "-o", "/dev/null", "-D", "-", "--cacert", caFile, "\(registry.baseURL)/v2/"])
        let header = try #require(challenge.standardOutputText.split(separator: "\r\n").first { $0.lowercased().hasPrefix("www-authenticate:") })
        #expect(header.contains(#"Bearer realm="\#(tokens.realm.absoluteString)""#))
        #expect(header.contains(#"service="moat-test-registry""#))

        let answer = try await fetchToken(tokens, scope: "registry:catalog:*", credentials: BasicCredentials(username: "alice", password: "secret"))
        #expect(answer.status == 200)
        let token = try #require(answer.json["token"] as? String)
        #expect(answer.json["access_token"] as? String == token)
        #expect(answer.json["expires_in"] as? Int == 300)
        #expect(answer.json["issued_at"] is String)
        let catalog = try await curl(["-s", "-w", "\n%{http_code}", "--cacert", caFile, "-H", "Authorization: Bearer \(token)", "\(registry.baseURL)/v2/_catalog"])
        #expect(catalog.standardOutputText.hasSuffix("\n200"))
        #expect(catalog.standardOutputText.contains(#""repositories""#))

        let wrong = try await fetchToken(tokens, scope: "registry:catalog:*", credentials: BasicCredentials(username: "alice", password: "guess"))
        #expect(wrong.status == 401)
        #expect(tokens.statistics.getRequests == 2)
        #expect(tokens.statistics.tokensIssued == 1)
        #expect(tokens.statistics.rejected == 1)
        await registry.stop()
        await tokens.stop()
    }

    @Test(arguments: [TokenServerConfiguration.KeyIdentification.certificateChain, .keyID])
    func distributionVerifiesTheSigningKeyBy(_ keyIdentification: TokenServerConfiguration.KeyIdentification) async throws {
        let tokens = try await TokenServer.start(.init(users: ["alice": "secret"], keyIdentification: keyIdentification))
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        let caFile = try #require(registry.caFile)

        let token = try tokens.issueToken(subject: "alice", access: [])
        let accepted = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile, "-H", "Authorization: Bearer \(token)", "\(registry.baseURL)/v2/"])
        #expect(accepted.standardOutputText == "200")

        // Same issuer and service, other keys: only the signature check can reject it.
        let impostor = try await TokenServer.start(.init(keyIdentification: keyIdentification))
        let forged = try impostor.issueToken(subject: "alice", access: [])
        let rejected = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile, "-H", "Authorization: Bearer \(forged)", "\(registry.baseURL)/v2/"])
        #expect(rejected.standardOutputText == "401")
        await impostor.stop()
        await registry.stop()
        await tokens.stop()
    }

    @Test func skopeoPushesThroughTheTokenFlow() async throws {
        let image = try ScratchImage.load()
        let alice = BasicCredentials(username: "alice", password: "secret")
        let tokens = try await TokenServer.start(.init(users: [alice.username: alice.password], anonymousPullRepositories: ["public/scratch"]))
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        let skopeo = try Skopeo()

        try await skopeo.push(ociLayout: image.layout, to: registry.endpoint, repository: "public/scratch", credentials: alice)
        #expect(tokens.requests.contains { $0.account == "alice" && $0.granted.contains { $0.actions.contains("push") } })
        #expect(try await skopeo.manifestDigest(registry.endpoint, repository: "public/scratch") == image.manifestDigest, "anonymous pull is allowed there")

        let error = await #expect(throws: RegistryHarnessError.self) {
            try await skopeo.push(ociLayout: image.layout, to: registry.endpoint, repository: "public/other", credentials: BasicCredentials(username: "alice", password: "nope"))
        }
        #expect(error?.code == .processFailed)
        #expect(tokens.statistics.rejected >= 1)
        await registry.stop()
        await tokens.stop()
    }

    @Test func expiredTokensAreRejected() async throws {
        let tokens = try await TokenServer.start(.init(users: ["alice": "secret"], tokenLifetime: .seconds(2), tokenField: .accessToken, includesIssuedAt: false))
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        let caFile = try #require(registry.caFile)
        func status(_ token: String) async throws -> String {
            try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile, "-H", "Authorization: Bearer \(token)", "\(registry.baseURL)/v2/"]).standardOutputText
        }

        // distribution 2.8.2 accepts a token for 60 s after its exp claim, and not a second more.
        let withinLeeway = try tokens.issueToken(subject: "alice", access: [], issuedAt: Date().addingTimeInterval(-90), lifetime: .seconds(60))
        #expect(try await status(withinLeeway) == "200")
        let stale = try tokens.issueToken(subject: "alice", access: [], issuedAt: Date().addingTimeInterval(-121), lifetime: .seconds(60))
        let staleAnswer = try await curl(["-s", "-o", "/dev/null", "-D", "-", "-w", "\n%{http_code}", "--cacert", caFile, "-H", "Authorization: Bearer \(stale)", "\(registry.baseURL)/v2/"])
        #expect(staleAnswer.standardOutputText.hasSuffix("\n401"))
        #expect(staleAnswer.standardOutputText.contains(#"error="invalid_token""#))

        // Served tokens compensate for that leeway: a 2-second token stops working after 2 seconds.
        let answer = try await fetchToken(tokens, scope: nil, credentials: BasicCredentials(username: "alice", password: "secret"))
        #expect(answer.json["token"] == nil)
        #expect(answer.json["issued_at"] == nil)
        #expect(answer.json["expires_in"] as? Int == 2)
        let token = try #require(answer.json["access_token"] as? String)
        #expect(try await status(token) == "200")
        try await Task.sleep(for: .milliseconds(3100))
        #expect(try await status(token) == "401")
        await registry.stop()
        await tokens.stop()
    }

    @Test func oauthPasswordAndRefreshGrantsAreCounted() async throws {
        let tokens = try await TokenServer.start(.init(users: ["alice": "secret"], pullOnlyUsers: ["alice"]))
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))

        let password = try await postToken(tokens, form: ["grant_type": "password", "username": "alice", "password": "secret", "service": tokens.service, "client_id": "moat-tests", "scope": "repository:a/b:pull,push"])
        #expect(password.status == 200)
        let refreshToken = try #require(password.json["refresh_token"] as? String)
        #expect(tokens.requests.last?.granted == [TokenAccess(name: "a/b", actions: ["pull"])], "pull-only users get pull only")

        let refreshed = try await postToken(tokens, form: ["grant_type": "refresh_token", "refresh_token": refreshToken, "service": tokens.service, "client_id": "moat-tests"])
        #expect(refreshed.status == 200)
        let token = try #require(refreshed.json["access_token"] as? String)
        let check = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", try #require(registry.caFile), "-H", "Authorization: Bearer \(token)", "\(registry.baseURL)/v2/"])
        #expect(check.standardOutputText == "200")

        let bogus = try await postToken(tokens, form: ["grant_type": "refresh_token", "refresh_token": "made-up", "service": tokens.service])
        #expect(bogus.status == 401)
        let badPassword = try await postToken(tokens, form: ["grant_type": "password", "username": "alice", "password": "guess", "service": tokens.service])
        #expect(badPassword.status == 401)

        let statistics = tokens.statistics
        #expect(statistics.passwordGrants == 2)
        #expect(statistics.refreshTokenGrants == 2)
        #expect(statistics.getRequests == 0)
        #expect(statistics.tokensIssued == 2)
        #expect(statistics.rejected == 2)
        await registry.stop()
        await tokens.stop()
    }

    // MARK: - Fault proxy

    @Test func proxyAnswers429WithRetryAfterThen5xxThenPassesThrough() async throws {
        let (registry, image) = try await plainRegistryWithScratch()
        let proxy = try await FaultProxy.start(in: registry)
        try proxy.inject(.tooManyRequests(retryAfter: 3, first: 2, method: "GET", path: .blobs))
        try proxy.inject(.serverError(503, first: 1, path: .manifests))
        let blob = proxy.baseURL.appendingPathComponent("v2/harness/scratch/blobs/\(image.layerDigest)")

        for _ in 0..<2 {
            let answer = try await PlainHTTP.get(blob)
            #expect(answer.status == 429)
            #expect(answer.headers["retry-after"] == "3")
        }
        let answer = try await PlainHTTP.get(blob)
        #expect(answer.status == 200)
        #expect(sha256(answer.body) == image.layerDigest)

        let manifest = proxy.baseURL.appendingPathComponent("v2/harness/scratch/manifests/latest")
        #expect(try await PlainHTTP.get(manifest, headers: ["Accept": image.manifestMediaType]).status == 503)
        #expect(try await PlainHTTP.get(manifest, headers: ["Accept": image.manifestMediaType]).status == 200)
        #expect(proxy.requests.map(\.status) == [429, 429, 200, 503, 200])
        #expect(proxy.requests.filter { $0.fault != nil }.count == 3)

        registry.kill()
        #expect(try await PlainHTTP.get(manifest).status == 502, "a dead upstream shows as 502")
        await proxy.stop()
        await registry.stop()
    }

    @Test func proxyCutsBlobBodiesShort() async throws {
        let (registry, image) = try await plainRegistryWithScratch()
        let proxy = try await FaultProxy.start(in: registry)
        try proxy.inject(FaultRule(.closeConnection(afterBodyBytes: 1000), method: "GET", path: .blobs, first: 1))
        try proxy.inject(FaultRule(.overstateContentLength(by: 100), method: "GET", path: .blobs, first: 1))
        let blob = "\(proxy.baseURL)/v2/harness/scratch/blobs/\(image.layerDigest)"

        let cut = try await curl(["-s", "-o", "/dev/null", "-w", "%{size_download}", "--max-time", "10", blob])
        #expect(cut.status == 18, "curl exit 18 is 'transfer closed with outstanding read data remaining'")
        #expect(cut.standardOutputText == "1000")
        let overstated = try await curl(["-s", "-o", "/dev/null", "-w", "%{size_download}", "--max-time", "10", blob])
        #expect(overstated.status == 18)
        #expect(overstated.standardOutputText == String(image.layerSize))
        let whole = try await curl(["-s", "-o", "/dev/null", "-w", "%{size_download}", "--max-time", "10", blob])
        #expect(whole.status == 0)
        #expect(whole.standardOutputText == String(image.layerSize))
        await proxy.stop()
        await registry.stop()
    }

    @Test func proxyServesAManifestThatDoesNotMatchItsDigest() async throws {
        let (registry, image) = try await plainRegistryWithScratch()
        let proxy = try await FaultProxy.start(in: registry)
        try proxy.inject(FaultRule(.corruptBody, method: "GET", path: .manifests))

        let answer = try await PlainHTTP.get(
            proxy.baseURL.appendingPathComponent("v2/harness/scratch/manifests/\(image.manifestDigest)"),
            headers: ["Accept": image.manifestMediaType]
        )
        #expect(answer.status == 200)
        #expect(answer.headers["docker-content-digest"] == image.manifestDigest)
        #expect(sha256(answer.body) != image.manifestDigest)
        #expect((try? JSONSerialization.jsonObject(with: answer.body)) != nil, "still valid JSON: only the digest gives it away")
        await proxy.stop()
        await registry.stop()
    }

    @Test func proxyRedirectsBlobsToAnotherHostAndRecordsAuthorization() async throws {
        let (registry, image) = try await plainRegistryWithScratch()
        let alice = BasicCredentials(username: "alice", password: "secret")
        let proxy = try await FaultProxy.start(in: registry, requiredCredentials: alice)
        try proxy.inject(FaultRule(.redirectToOtherHost, method: "GET", path: .blobs))
        #expect(!proxy.redirectHost.hasPrefix("127.0.0.1:"))
        let blob = "\(proxy.baseURL)/v2/harness/scratch/blobs/\(image.layerDigest)"
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("moat-redirect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }

        let unauthenticated = try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", blob])
        #expect(unauthenticated.standardOutputText == "401")

        // curl, like a correct registry client, drops credentials when a redirect changes host.
        let followed = try await curl(["-s", "-L", "-u", alice.colonSeparated, "-o", output.path, "-w", "%{http_code}", blob])
        #expect(followed.standardOutputText == "200")
        #expect(sha256(try Data(contentsOf: output)) == image.layerDigest)
        let trusted = try await curl(["-s", "--location-trusted", "-u", alice.colonSeparated, "-o", "/dev/null", "-w", "%{http_code}", blob])
        #expect(trusted.standardOutputText == "200")

        let log = proxy.requests
        #expect(log.map(\.status) == [401, 307, 200, 307, 200])
        #expect(log.map(\.listener) == [.proxy, .proxy, .redirectTarget, .proxy, .redirectTarget])
        #expect(log.map(\.hadAuthorization) == [false, true, false, true, true])
        await proxy.stop()
        await registry.stop()
    }
}

// MARK: - Helpers

/// `scratch.oci` and the digests inside it, read from the layout itself.
private struct ScratchImage {
    let layout: String
    let manifestDigest: String
    let manifestMediaType: String
    let layerDigest: String
    let layerSize: Int

    static func load() throws -> ScratchImage {
        let layout = try TestEnvironment.ociLayout("scratch")
        let index = try jsonObject(Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
        let descriptor = try #require((index["manifests"] as? [[String: Any]])?.first)
        let manifestDigest = try #require(descriptor["digest"] as? String)
        let manifest = try jsonObject(Data(contentsOf: URL(fileURLWithPath: layout + "/blobs/" + manifestDigest.replacingOccurrences(of: ":", with: "/"))))
        let layer = try #require((manifest["layers"] as? [[String: Any]])?.first)
        return ScratchImage(
            layout: layout,
            manifestDigest: manifestDigest,
            manifestMediaType: try #require(descriptor["mediaType"] as? String),
            layerDigest: try #require(layer["digest"] as? String),
            layerSize: try #require(layer["size"] as? Int)
        )
    }
}

private func plainRegistryWithScratch() async throws -> (RegistryServer, ScratchImage) {
    let image = try ScratchImage.load()
    let registry = try await RegistryServer.start()
    try await Skopeo().push(ociLayout: image.layout, to: registry.endpoint, repository: "harness/scratch")
    return (registry, image)
}

private func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func sha256(_ data: Data) -> String {
    "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

private func curl(_ arguments: [String]) async throws -> CommandResult {
    try await CommandRunner.run(try TestEnvironment.curl(), arguments, displayName: "curl", timeout: .seconds(30))
}

private struct TokenAnswer {
    let status: Int
    let json: [String: Any]
}

/// `GET realm?service=…&scope=…`, the Docker token flow, with curl (as a client other than moat's).
private func fetchToken(_ server: TokenServer, scope: String?, credentials: BasicCredentials?) async throws -> TokenAnswer {
    var arguments = ["-s", "-w", "\n%{http_code}", "--get", "--data-urlencode", "service=\(server.service)"]
    if let scope { arguments += ["--data-urlencode", "scope=\(scope)"] }
    if let credentials { arguments += ["-u", credentials.colonSeparated] }
    return try await tokenAnswer(curl(arguments + [server.realm.absoluteString]))
}

/// `POST realm` with an OAuth2 form.
private func postToken(_ server: TokenServer, form: [String: String]) async throws -> TokenAnswer {
    let fields = form.sorted { $0.key < $1.key }.flatMap { ["--data-urlencode", "\($0.key)=\($0.value)"] }
    return try await tokenAnswer(curl(["-s", "-w", "\n%{http_code}"] + fields + [server.realm.absoluteString]))
}

/// Splits curl's `BODY\nSTATUS` output.
private func tokenAnswer(_ result: CommandResult) throws -> TokenAnswer {
    let text = result.standardOutputText
    let newline = try #require(text.lastIndex(of: "\n"))
    let status = try #require(Int(text[text.index(after: newline)...]))
    let body = Data(text[..<newline].utf8)
    return TokenAnswer(status: status, json: (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:])
}
