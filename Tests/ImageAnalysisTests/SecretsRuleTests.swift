import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

/// A PEM private key. Not a working key: its shape is what the scanner looks for.
let privateKeyBodyLines = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
]
let privateKeyPEM = "-----BEGIN RSA PRIVATE KEY-----\n" + privateKeyBodyLines.joined(separator: "\n") + "\n-----END RSA PRIVATE KEY-----\n"

/// AWS's documented example access key id, and a GitHub token of the right shape.
let awsKeyID = "AKIAIOSFODNN7EXAMPLE"
let githubToken = "ghp_" + "R2Vla3NGb3JHZWVrc0FuZFRlc3RzT25seTEyMzQ1".prefix(36)

@Suite("SecretsRule: private keys, tokens and credential files in layers")
struct SecretsRuleTests {
    /// Base layer, a layer adding the key, a layer deleting it.
    func deletedKeyImage() -> TestImage {
        var base = TarBuilder()
        base.directories("etc", "root")
        base.file("etc/hostname", "box\n")
        var add = TarBuilder()
        add.directory("root/.ssh", mode: 0o700)
        add.file("root/.ssh/id_rsa", privateKeyPEM, mode: 0o600)
        var delete = TarBuilder()
        delete.whiteout("root/.ssh/id_rsa")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(add, createdBy: "COPY id_rsa /root/.ssh/id_rsa")
        image.addLayer(delete, createdBy: "RUN rm /root/.ssh/id_rsa")
        return image
    }

    @Test("a private key deleted by a later layer is still reported, with where its bytes ship")
    func deletedPrivateKey() async throws {
        let report = try await analyze(deletedKeyImage())
        let keys = report.findings(RuleCatalog.privateKey)
        #expect(keys.count == 1)
        let key = try #require(keys.first)
        #expect(key.path == "/root/.ssh/id_rsa")
        #expect(key.layer == 1)
        #expect(key.origin == .application)
        #expect(key.severity == .critical)
        #expect(key.message.contains("deleted by layer 3"), "\(key.message)")
        #expect(key.details?["kind"] == "RSA PRIVATE KEY")
        #expect(key.details?["masked"] == "-----BEGIN RSA PRIVATE KEY-----…")
        #expect(key.layerDigest == report.layers[1].digest)
        let json = try encodedJSON(report)
        for line in privateKeyBodyLines { #expect(!json.contains(line), "key material leaked into the report") }
    }

    @Test("a private key overwritten by a later layer says so")
    func overwrittenPrivateKey() async throws {
        var base = TarBuilder()
        base.directory("srv")
        base.file("srv/tls.key", privateKeyPEM, mode: 0o600)
        var replace = TarBuilder()
        replace.file("srv/tls.key", "placeholder\n")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(replace, createdBy: "RUN echo placeholder > /srv/tls.key")
        let report = try await analyze(image)
        let key = try #require(report.finding(RuleCatalog.privateKey, path: "/srv/tls.key"))
        #expect(key.layer == 0)
        #expect(key.origin == .base)
        #expect(key.message.contains("overwritten by layer 2"), "\(key.message)")
    }

    @Test("certificates and public keys are not private keys; documentation and test fixtures are not scanned")
    func noFalsePositives() async throws {
        let image = singleLayerImage { tar in
            tar.directories("etc", "etc/ssl", "usr", "usr/share", "usr/share/doc", "usr/share/doc/openssl", "app", "app/tests")
            tar.file("etc/ssl/cert.pem", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n")
            tar.file("etc/ssl/key.pub", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYI\n-----END PUBLIC KEY-----\n")
            tar.file("usr/share/doc/openssl/example.pem", privateKeyPEM)
            tar.file("app/tests/fixture.key", privateKeyPEM)
        }
        let report = try await analyze(image)
        #expect(report.findings.filter { $0.category == .secret }.isEmpty, "\(report.findings.map(\.message))")
    }

    @Test("AWS key ids and GitHub tokens in a config file are reported masked and never appear in the JSON report")
    func tokensInConfigFile() async throws {
        let image = singleLayerImage { tar in
            tar.directory("app")
            tar.file("app/config.yml", "aws_access_key_id: \(awsKeyID)\ngithub:\n  token: \(githubToken)\n")
        }
        let report = try await analyze(image)
        let tokens = report.findings(RuleCatalog.token)
        #expect(tokens.count == 2)
        let aws = try #require(tokens.first { $0.details?["kind"] == "AWS access key ID" })
        #expect(aws.path == "/app/config.yml")
        #expect(aws.details?["line"] == "1")
        #expect(aws.details?["masked"] == "AKIA" + String(repeating: "*", count: 16))
        #expect(aws.severity == .critical)
        let github = try #require(tokens.first { $0.details?["kind"] == "GitHub personal access token" })
        #expect(github.details?["line"] == "3")
        #expect(github.details?["masked"] == "ghp_" + String(repeating: "*", count: 16))

        let json = try encodedJSON(report)
        #expect(!json.contains(awsKeyID))
        #expect(!json.contains(String(githubToken)))
        #expect(!json.contains(String(githubToken.dropFirst(4))))
    }

    @Test("a token-shaped run inside a longer word is not a token")
    func tokenBoundaries() async throws {
        let image = singleLayerImage { tar in
            tar.directory("app")
            tar.file("app/ids.txt", "X\(awsKeyID)\n\(awsKeyID)X\n\(githubToken)9\n")
        }
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.token).isEmpty, "\(report.findings.map(\.message))")
    }

    @Test("tool credential files are reported, even after a later layer deletes them")
    func credentialFiles() async throws {
        var base = TarBuilder()
        base.directories("root", "root/.docker", "home", "home/app", "home/app/.aws")
        base.file("root/.docker/config.json", #"{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}"#)
        base.file("home/app/.aws/credentials", "[default]\nregion = eu-west-1\n")
        var app = TarBuilder()
        app.whiteout("home/app/.aws/credentials")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(app, createdBy: "RUN rm ~/.aws/credentials")
        let report = try await analyze(image)
        let files = report.findings(RuleCatalog.credentialFile)
        #expect(Set(files.compactMap(\.path)) == ["/root/.docker/config.json", "/home/app/.aws/credentials"])
        let aws = try #require(report.finding(RuleCatalog.credentialFile, path: "/home/app/.aws/credentials"))
        #expect(aws.message.contains("deleted by layer 2"), "\(aws.message)")
        #expect(aws.severity == .high)
        #expect(aws.layer == 0)
    }
}
