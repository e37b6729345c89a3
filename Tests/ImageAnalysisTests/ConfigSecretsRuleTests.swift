import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("ConfigSecretsRule: secrets in Env, Labels and build history")
struct ConfigSecretsRuleTests {
    func image(env: [String]? = nil, labels: [String: String]? = nil, history: [String] = []) -> TestImage {
        var image = singleLayerImage(config: ContainerConfig(env: env, labels: labels)) { tar in tar.directory("app") }
        image.extraHistory = history.map { History(createdBy: $0, emptyLayer: true) }
        return image
    }

    @Test("a secret-named Env variable is reported with its value masked; public names are not")
    func envSecrets() async throws {
        let env = [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
            "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
            "PYTHON_VERSION=3.12.1",
            "DB_PASSWORD=hunter2-correct-horse",
            "EMPTY_TOKEN=",
        ]
        let report = try await analyze(image(env: env))
        let secrets = report.findings(RuleCatalog.configSecret)
        #expect(secrets.map { $0.details?["name"] } == ["DB_PASSWORD"], "\(secrets.map(\.message))")
        let password = try #require(secrets.first)
        #expect(password.details?["location"] == "Env")
        #expect(password.details?["masked"] == "************ (21 chars)")
        #expect(password.origin == .config)
        #expect(password.path == nil)
        #expect(password.layer == nil)
        #expect(password.severity == .high)
        #expect(!(try encodedJSON(report)).contains("hunter2"))
    }

    @Test("a token-shaped value is reported whatever the variable is called")
    func tokenValueUnderInnocentName() async throws {
        let report = try await analyze(image(env: ["DEPLOY_CONFIG=\(githubToken)"]))
        let secret = try #require(report.findings(RuleCatalog.configSecret).first)
        #expect(secret.details?["name"] == "DEPLOY_CONFIG")
        #expect(secret.details?["masked"] == "ghp_" + String(repeating: "*", count: 16))
        #expect(!(try encodedJSON(report)).contains(String(githubToken)))
    }

    @Test("secret labels are reported; ordinary OCI labels are not")
    func labelSecrets() async throws {
        let labels = ["org.opencontainers.image.version": "1.2.3", "deploy.api-token": "tok-4815162342", "maintainer": "ops@example.com"]
        let report = try await analyze(image(labels: labels))
        let secrets = report.findings(RuleCatalog.configSecret)
        #expect(secrets.count == 1)
        #expect(secrets.first?.details?["name"] == "deploy.api-token")
        #expect(secrets.first?.details?["location"] == "label")
        #expect(!(try encodedJSON(report)).contains("4815162342"))
    }

    @Test("ENV and ARG in history are read in classic-builder and BuildKit spellings", arguments: [
        ("/bin/sh -c #(nop)  ENV API_KEY=classic-env-secret", "API_KEY", "classic-env-secret"),
        ("/bin/sh -c #(nop)  ARG NPM_TOKEN=classic-arg-secret", "NPM_TOKEN", "classic-arg-secret"),
        ("ENV API_KEY=buildkit-env-secret", "API_KEY", "buildkit-env-secret"),
        ("ARG NPM_TOKEN=buildkit-arg-secret", "NPM_TOKEN", "buildkit-arg-secret"),
        ("|1 SECRET_TOKEN=classic-run-arg /bin/sh -c make", "SECRET_TOKEN", "classic-run-arg"),
        ("RUN |1 SECRET_TOKEN=buildkit-run-arg /bin/sh -c make # buildkit", "SECRET_TOKEN", "buildkit-run-arg"),
    ])
    func historySecrets(createdBy: String, name: String, value: String) async throws {
        let report = try await analyze(image(history: [createdBy]))
        let secrets = report.findings(RuleCatalog.configSecret)
        #expect(secrets.count == 1, "\(createdBy) → \(secrets.map(\.message))")
        let secret = try #require(secrets.first)
        #expect(secret.details?["name"] == name)
        #expect(secret.details?["location"] == "history entry 2")
        #expect(!(try encodedJSON(report)).contains(value))
    }

    @Test("package pins, version variables, GPG keys and the RUN command itself are not secrets", arguments: [
        "/bin/sh -c apk add --no-cache libcrypto3=3.1.4-r1 libssl3=3.1.4-r1",
        "RUN /bin/sh -c apk add libcrypto3=3.1.4-r1 # buildkit",
        "/bin/sh -c #(nop)  ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305",
        "ENV PYTHON_VERSION=3.12.1",
        "ARG PYTHON_SHA256=24887b92e2afd4a2ac602419ad4b596372f67ac9b077190f459aba390faf5550",
        "|1 PYTHON_VERSION=3.12.1 /bin/sh -c export DB_PASSWORD=$DB_PASSWORD && ./configure",
        "RUN |1 PYTHON_VERSION=3.12.1 /bin/sh -c make PASSWORD=none # buildkit",
        "/bin/sh -c #(nop)  CMD [\"python3\"]",
    ])
    func historyFalsePositives(createdBy: String) async throws {
        let report = try await analyze(image(history: [createdBy]))
        #expect(report.findings(RuleCatalog.configSecret).isEmpty, "\(report.findings(RuleCatalog.configSecret).map(\.message))")
    }

    @Test("the same secret in Env and in the ENV history entry is one finding (one fingerprint), located in Env")
    func envAndHistory() async throws {
        let report = try await analyze(image(env: ["AWS_SECRET_ACCESS_KEY=abcDEF123/xyz"],
                                             history: ["ENV AWS_SECRET_ACCESS_KEY=abcDEF123/xyz"]))
        let places = report.findings(RuleCatalog.configSecret).compactMap { $0.details?["location"] }
        #expect(places == ["Env"])
    }
}

@Suite("Redacting secrets from an echoed image config")
struct ConfigRedactionTests {
    @Test("Env, labels and history lose their secret values; everything else is kept")
    func redaction() {
        let token = "ghp_" + String(repeating: "A1b2", count: 9)
        var config = ImageConfig(config: ContainerConfig(env: ["PATH=/usr/bin", "DB_PASSWORD=hunter2-prod"], labels: ["api_token": "s3cr3t-label", "version": "1.0"]))
        config.history = [History(createdBy: "ENV DB_PASSWORD=hunter2-prod"), History(createdBy: "RUN curl -H 'Authorization: token \(token)' https://x")]
        let redacted = config.redactingSecrets
        let text = "\(redacted)"
        for secret in ["hunter2-prod", "s3cr3t-label", token] { #expect(!text.contains(secret), "\(secret) survived") }
        #expect(redacted.config?.env?.contains("PATH=/usr/bin") == true)
        #expect(redacted.config?.labels?["version"] == "1.0")
        #expect(redacted.history?.last?.createdBy?.contains("ghp_********") == true)
    }
}
