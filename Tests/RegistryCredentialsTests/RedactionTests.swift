import Foundation
import Testing
@testable import RegistryCredentials

/// Secrets never show up in descriptions, dumps, error messages or reports.
struct RedactionTests {
    static let password = "hunter2-S3CRET"
    static let credentials: [RegistryCredential] = [
        .basic(username: "alice", password: password),
        .identityToken(password),
        .registryToken(password),
    ]

    @Test func descriptionShowsUserButNotPassword() {
        let credential = RegistryCredential.basic(username: "alice", password: Self.password)
        #expect(credential.description == "basic(user: alice, password: <redacted>)")
        #expect("\(credential)" == "basic(user: alice, password: <redacted>)")
        #expect(RegistryCredential.identityToken(Self.password).description == "identityToken(<redacted>)")
        #expect(RegistryCredential.registryToken(Self.password).description == "registryToken(<redacted>)")
    }

    @Test(arguments: credentials)
    func everyRenderingIsRedacted(_ credential: RegistryCredential) {
        var dumped = ""
        dump(credential, to: &dumped)
        var dumpedArray = ""
        dump([credential], to: &dumpedArray)
        let renderings = [
            credential.description, credential.debugDescription, String(describing: credential), String(reflecting: credential),
            "\(credential)", dumped, dumpedArray, String(describing: Optional(credential)), "\([credential])",
            DockerAuthEntry(key: "ghcr.io", credential: credential).description,
        ]
        for text in renderings {
            #expect(!text.contains(Self.password), "leaked in: \(text.replacingOccurrences(of: Self.password, with: "<LEAK>"))")
        }
        #expect(dumped.contains("<redacted>"))
    }

    @Test func usernameAndKindForReports() {
        #expect(RegistryCredential.basic(username: "bob", password: "x").username == "bob")
        #expect(RegistryCredential.identityToken("x").username == "<token>")
        #expect(RegistryCredential.registryToken("x").username == nil)
        #expect(RegistryCredential.registryToken("x").kind == "registryToken")
    }

    @Test func malformedConfigErrorDoesNotQuoteTheFile() throws {
        // A syntax error right after the password: the message gives a position, not the text around it.
        let text = "{\"auths\":{\"ghcr.io\":{\"username\":\"a\",\"password\":\"\(Self.password)\" oops}}}"
        let path = try Fixture.file(text, suffix: ".json")
        let error = try #require(throws: CredentialError.self) { try DockerConfig(contentsOf: path) }
        #expect(error.code == .malformedFile)
        #expect(error.message.hasPrefix(path + ": invalid JSON at line 1, column"))
        #expect(!error.message.contains(Self.password))
    }

    @Test func malformedYAMLErrorDoesNotQuoteTheFile() throws {
        let text = "apiVersion: v1\nkind: Secret\nstringData:\n  .dockerconfigjson: \"\(Self.password)\n  broken: [\n"
        let error = try #require(throws: CredentialError.self) { try PullSecret(bytes: Array(text.utf8), path: "s.yaml") }
        #expect(error.code == .malformedFile)
        #expect(error.message.hasPrefix("s.yaml: invalid YAML"))
        #expect(!error.message.contains(Self.password))
    }

    @Test func badAuthFieldErrorNamesTheFieldOnly() throws {
        let auth = "!!" + Self.password
        let text = "{\"auths\":{\"ghcr.io\":{\"auth\":\"\(auth)\"}}}"
        let error = try #require(throws: CredentialError.self) { try DockerConfig(bytes: Array(text.utf8), path: "/c.json") }
        #expect(error.message == "/c.json: auths[\"ghcr.io\"].auth: not valid base64")
    }

    @Test func checkReportNeverShowsSecrets() async throws {
        let secret = """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"regcred"},"type":"kubernetes.io/dockerconfigjson",
         "stringData":{".dockerconfigjson":"{\\"auths\\":{\\"ghcr.io\\":{\\"username\\":\\"alice\\",\\"password\\":\\"\(Self.password)\\"},\\"quay.io\\":{\\"identitytoken\\":\\"\(Self.password)\\"},\\"r.example\\":{\\"registrytoken\\":\\"\(Self.password)\\"}}}"}}
        """
        let file = CredentialFile.pullSecret(try PullSecret(bytes: Array(secret.utf8), path: "s.json"))
        let probe = FakeProbe(answers: ["ghcr.io": .works, "quay.io": .rejected(reason: "401 Unauthorized"), "r.example": .works])
        for report in [await CredentialCheckReport.build(for: file, probe: probe, mode: .probed),
                       await CredentialCheckReport.build(for: file, probe: nil, mode: .disabled)] {
            for output in [report.text(), report.json()] {
                #expect(!output.contains(Self.password))
                #expect(!output.contains(Fixture.base64(Self.password)))
                #expect(output.contains("alice"))
            }
        }
    }
}
