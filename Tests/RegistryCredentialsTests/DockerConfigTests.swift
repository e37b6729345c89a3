import Foundation
import MoatTesting
import Testing
@testable import RegistryCredentials

struct DockerConfigTests {
    static func config(_ json: String, runner: CredentialHelperRunner = CredentialHelperRunner(searchPath: "/nonexistent")) throws -> DockerConfig {
        try DockerConfig(bytes: Array(json.utf8), path: "/home/u/.docker/config.json", helperRunner: runner)
    }

    // MARK: Normalisation

    @Test(arguments: [
        ("https://index.docker.io/v1/", "docker.io"),
        ("index.docker.io", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("docker.io", "docker.io"),
        ("HTTPS://Index.Docker.IO/v1/", "docker.io"),
        ("http://registry-1.docker.io/v2/", "docker.io"),
        ("https://ghcr.io/v2/", "ghcr.io"),
        ("ghcr.io/org/team", "ghcr.io"),
        ("127.0.0.1:5000", "127.0.0.1:5000"),
        ("http://localhost:5000/", "localhost:5000"),
        ("  quay.io  ", "quay.io"),
        ("registry.example.com:443/path", "registry.example.com:443"),
    ])
    func normalisesLikeDocker(key: String, expected: String) {
        #expect(RegistryHost.normalize(key) == expected)
    }

    @Test func helperServerURLs() {
        #expect(RegistryHost.helperServerURL(for: "docker.io") == "https://index.docker.io/v1/")
        #expect(RegistryHost.helperServerURL(for: "index.docker.io") == "https://index.docker.io/v1/")
        #expect(RegistryHost.helperServerURL(for: "ghcr.io") == "ghcr.io")
        #expect(RegistryHost.helperServerURL(for: "127.0.0.1:5000") == "127.0.0.1:5000")
    }

    // MARK: auths variants

    @Test func authFieldDecodesUserAndPassword() throws {
        let config = try Self.config(#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("alice:pa:ss"))"}}}"#)
        #expect(try config.credential(forRegistry: "ghcr.io") == .basic(username: "alice", password: "pa:ss"))
        #expect(try config.credential(forRegistry: "quay.io") == nil)
    }

    @Test func usernameAndPasswordFields() throws {
        let config = try Self.config(#"{"auths":{"https://index.docker.io/v1/":{"username":"bob","password":"pw","email":"b@x"}}}"#)
        #expect(try config.credential(forRegistry: "docker.io") == .basic(username: "bob", password: "pw"))
        #expect(try config.credential(forRegistry: "index.docker.io") == .basic(username: "bob", password: "pw"))
        #expect(config.auths.first?.email == "b@x")
    }

    @Test func authWinsOverUsernameAndPassword() throws {
        let config = try Self.config(#"{"auths":{"ghcr.io":{"username":"x","password":"y","auth":"\#(Fixture.base64("real:secret"))"}}}"#)
        #expect(try config.credential(forRegistry: "ghcr.io") == .basic(username: "real", password: "secret"))
    }

    @Test func unpaddedAuthIsAccepted() throws {
        let unpadded = Fixture.base64("ab:c").replacingOccurrences(of: "=", with: "")
        let config = try Self.config(#"{"auths":{"ghcr.io":{"auth":"\#(unpadded)"}}}"#)
        #expect(try config.credential(forRegistry: "ghcr.io") == .basic(username: "ab", password: "c"))
    }

    @Test func tokens() throws {
        let config = try Self.config("""
        {"auths":{
          "a.example":{"identitytoken":"refresh-1"},
          "b.example":{"registrytoken":"bearer-1","identitytoken":"refresh-2"},
          "c.example":{"auth":"\(Fixture.base64("u:p"))","identitytoken":"refresh-3"},
          "d.example":{}
        }}
        """)
        #expect(try config.credential(forRegistry: "a.example") == .identityToken("refresh-1"))
        #expect(try config.credential(forRegistry: "b.example") == .registryToken("bearer-1"))
        #expect(try config.credential(forRegistry: "c.example") == .identityToken("refresh-3"))
        #expect(try config.credential(forRegistry: "d.example") == nil)
    }

    @Test func fieldNamesAreCaseInsensitiveLikeGo() throws {
        let config = try Self.config(#"{"auths":{"ghcr.io":{"Username":"u","Password":"p"}}}"#)
        #expect(try config.credential(forRegistry: "ghcr.io") == .basic(username: "u", password: "p"))
    }

    @Test func exactKeyWinsOverNormalisedKeys() throws {
        let config = try Self.config("""
        {"auths":{
          "registry-1.docker.io":{"username":"first","password":"1"},
          "https://index.docker.io/v1/":{"username":"exact","password":"2"},
          "https://ghcr.io/v2/":{"username":"schemed","password":"3"},
          "ghcr.io":{"username":"bare","password":"4"},
          "http://quay.io":{"username":"q1","password":"5"},
          "quay.io/org":{"username":"q2","password":"6"}
        }}
        """)
        #expect(try config.credential(forRegistry: "docker.io")?.username == "exact")
        #expect(try config.credential(forRegistry: "ghcr.io")?.username == "bare")
        // No exact key: the first in file order that normalises to the host.
        #expect(try config.credential(forRegistry: "quay.io")?.username == "q1")
    }

    @Test func portsAreKept() throws {
        let config = try Self.config(#"{"auths":{"127.0.0.1:5000":{"username":"local","password":"p"}}}"#)
        #expect(try config.credential(forRegistry: "127.0.0.1:5000")?.username == "local")
        #expect(try config.credential(forRegistry: "127.0.0.1") == nil)
        #expect(try config.credential(forRegistry: "127.0.0.1:5001") == nil)
    }

    @Test func emptyFileAndEmptyObject() throws {
        #expect(try Self.config("").auths.isEmpty)
        #expect(try Self.config("  \n").auths.isEmpty)
        #expect(try Self.config("{}").credential(forRegistry: "docker.io") == nil)
        #expect(try Self.config(#"{"auths":null,"credsStore":""}"#).credentialsStore == nil)
    }

    @Test func otherFieldsAreIgnored() throws {
        let config = try Self.config(#"{"auths":{"x.io":{"auth":"\#(Fixture.base64("a:b"))"}},"HttpHeaders":{"User-Agent":"x"},"proxies":{"default":{}},"currentContext":"desktop-linux"}"#)
        #expect(config.auths.count == 1)
    }

    // MARK: Errors

    @Test(arguments: [
        (#"{"auths":{"ghcr.io":{"auth":"***"}}}"#, #"auths["ghcr.io"].auth: not valid base64"#),
        (#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("nocolon"))"}}}"#, #"auths["ghcr.io"].auth: does not decode to user:password"#),
        (#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64(":pw"))"}}}"#, #"auths["ghcr.io"].auth: decodes to an empty user name"#),
        (#"{"auths":{"ghcr.io":{"username":42}}}"#, #"auths["ghcr.io"].username: expected a string, found a number"#),
        (#"{"auths":{"ghcr.io":"alice:pw"}}"#, #"auths["ghcr.io"]: expected a mapping, found a string"#),
        (#"{"auths":["ghcr.io"]}"#, "auths: expected a mapping of registries, found a list"),
        (#"{"credsStore":true}"#, "credsStore: expected a string, found a boolean"),
        (#"{"credHelpers":{"gcr.io":1}}"#, #"credHelpers["gcr.io"]: expected a helper name, found a number"#),
        (#"["auths"]"#, "expected a JSON object, found a list"),
        (#"{"auths":{"#, "invalid JSON at line 1, column 11: expected a string key"),
        (#"{"auths":{}"#, "invalid JSON at line 1, column 12: unexpected end of input in an object"),
        ("auths: {}", "invalid JSON at line 1, column 1: unexpected character"),
    ])
    func malformedConfigsNameFileAndField(json: String, expected: String) throws {
        let error = try #require(throws: CredentialError.self) { try Self.config(json) }
        #expect(error.message == "/home/u/.docker/config.json: " + expected)
    }

    @Test func missingFileIsAnErrorUnlessAllowed() throws {
        let path = try temporaryDirectory() + "/config.json"
        let error = try #require(throws: CredentialError.self) { try DockerConfig(contentsOf: path) }
        #expect(error.code == .unreadableFile)
        #expect(error.message == path + ": no such file")
        let empty = try DockerConfig(contentsOf: path, missingIsEmpty: true)
        #expect(!empty.exists && empty.auths.isEmpty)
    }

    // MARK: Locating the file

    @Test func defaultPathFollowsDockerConfigThenHome() {
        #expect(DockerConfig.defaultPath(environment: ["DOCKER_CONFIG": "/etc/dc", "HOME": "/home/u"]) == "/etc/dc/config.json")
        #expect(DockerConfig.defaultPath(environment: ["DOCKER_CONFIG": "/etc/dc/", "HOME": "/home/u"]) == "/etc/dc/config.json")
        #expect(DockerConfig.defaultPath(environment: ["DOCKER_CONFIG": "", "HOME": "/home/u"]) == "/home/u/.docker/config.json")
        #expect(DockerConfig.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.docker/config.json")
    }

    @Test func loadReadsDockerConfigDirectoryAndDescribesWithTilde() throws {
        let home = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("h:1"))"}}}"#.utf8).write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        let fromHome = try DockerConfig.load(environment: ["HOME": home, "PATH": "/nonexistent"])
        #expect(try fromHome.credential(forRegistry: "ghcr.io")?.username == "h")
        #expect(fromHome.description == "~/.docker/config.json")

        let elsewhere = try temporaryDirectory()
        try Data(#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("d:2"))"}}}"#.utf8).write(to: URL(fileURLWithPath: elsewhere + "/config.json"))
        let fromVariable = try DockerConfig.load(environment: ["HOME": home, "DOCKER_CONFIG": elsewhere, "PATH": "/nonexistent"])
        #expect(try fromVariable.credential(forRegistry: "ghcr.io")?.username == "d")
        #expect(fromVariable.description == elsewhere + "/config.json")

        let nowhere = try DockerConfig.load(environment: ["HOME": try temporaryDirectory(), "PATH": "/nonexistent"])
        #expect(!nowhere.exists)
        #expect(try nowhere.credential(forRegistry: "ghcr.io") == nil)
        #expect(nowhere.description == "~/.docker/config.json")
    }

    // MARK: Helper selection

    @Test func credHelpersThenCredsStoreThenAuths() throws {
        let config = try Self.config("""
        {"auths":{"ghcr.io":{"auth":"\(Fixture.base64("inline:1"))"}},
         "credsStore":"desktop",
         "credHelpers":{"gcr.io":"gcloud","https://index.docker.io/v1/":"hub","quay.io":""}}
        """)
        #expect(config.helper(forRegistry: "gcr.io") == "gcloud")
        #expect(config.helper(forRegistry: "docker.io") == "hub")
        #expect(config.helper(forRegistry: "ghcr.io") == "desktop")
        // An empty helper name is ignored, so credsStore applies.
        #expect(config.helper(forRegistry: "quay.io") == "desktop")
        let noStore = try Self.config(#"{"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("inline:1"))"}},"credHelpers":{"gcr.io":"gcloud"}}"#)
        #expect(noStore.helper(forRegistry: "ghcr.io") == nil)
        #expect(try noStore.credential(forRegistry: "ghcr.io")?.username == "inline")
    }

    @Test func missingHelperIsAClearError() throws {
        let config = try Self.config(#"{"credsStore":"nosuchhelper"}"#)
        let error = try #require(throws: CredentialError.self) { try config.credential(forRegistry: "ghcr.io") }
        #expect(error.code == .helperNotFound)
        #expect(error.message.hasPrefix("credential helper docker-credential-nosuchhelper not found in PATH"))
    }
}
