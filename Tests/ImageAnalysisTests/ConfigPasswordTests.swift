import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("Passwords in configuration files (MOAT-S005)")
struct ConfigPasswordTests {
    @Test("literal passwords in .env, .ini and .yml files are found, masked, with their line")
    func literalPasswords() async throws {
        let report = try await analyze(singleLayerImage { tar in
            tar.file("app/.env", "# settings\nDB_HOST=db\nDB_PASSWORD=hunter2-prod\n")
            tar.file("app/config.ini", "[db]\nuser = app\npassword = \"s3cr3t-value\"\n")
            tar.file("app/settings.yml", "api:\n  client_secret: abcdefgh12345\n")
        })
        let findings = report.findings(RuleCatalog.configPassword)
        #expect(Set(findings.compactMap(\.path)) == ["/app/.env", "/app/config.ini", "/app/settings.yml"])
        let env = try #require(report.finding(RuleCatalog.configPassword, path: "/app/.env"))
        #expect(env.details?["line"] == "3")
        let json = try encodedJSON(report)
        for secret in ["hunter2-prod", "s3cr3t-value", "abcdefgh12345"] { #expect(!json.contains(secret)) }
    }

    @Test("placeholders, references, comments and nsswitch's passwd database are not passwords")
    func noFalsePositives() async throws {
        let report = try await analyze(singleLayerImage { tar in
            tar.file("app/.env", "DB_PASSWORD=${DB_PASSWORD}\n# PASSWORD=commented-out\nTOKEN=<set-me>\nSECRET=\n")
            tar.file("etc/nsswitch.conf", "passwd:         files\ngroup:          files\n")
            tar.file("app/app.conf", "password_file = /run/secrets/db\n")
            tar.file("usr/share/doc/example/example.conf", "password = example-password\n")
        })
        #expect(report.findings(RuleCatalog.configPassword).isEmpty, "\(report.findings(RuleCatalog.configPassword).map(\.message))")
    }

    @Test("test sources with throwaway keys (Go _test.go) are not scanned")
    func testSourcesSkipped() async throws {
        let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIDummyKeyMaterialForTests\n-----END EC PRIVATE KEY-----\n"
        let report = try await analyze(singleLayerImage { tar in
            tar.file("usr/lib/go/src/crypto/tls/example_test.go", "const key = `\(key)`\n")
            tar.file("app/key.pem", key)
        })
        #expect(report.findings(RuleCatalog.privateKey).compactMap(\.path) == ["/app/key.pem"])
    }
}

@Suite("Entrypoint resolution through PATH")
struct EntrypointPathTests {
    @Test("a bare entrypoint found in /usr/local/bin downgrades its interpreter finding to info")
    func pathLookup() async throws {
        var config = ContainerConfig(entrypoint: ["python3"], cmd: ["app.py"])
        config.env = ["PATH=/usr/local/bin:/usr/bin"]
        let report = try await analyze(singleLayerImage(config: config) { tar in
            tar.executable("usr/local/bin/python3")
        })
        let python = try #require(report.finding(RuleCatalog.interpreter, path: "/usr/local/bin/python3"))
        #expect(python.severity == .info)
        #expect(python.message.contains("entrypoint"))
    }
}
