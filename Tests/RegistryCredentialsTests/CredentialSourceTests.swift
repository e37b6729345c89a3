import Foundation
import OCIModel
import Testing
@testable import RegistryCredentials

struct CredentialSourceTests {
    static func pullSecret(_ keys: [String: String]) -> PullSecret {
        PullSecret(path: "s.yaml", secrets: [PullSecret.Secret(name: "regcred", namespace: "prod", type: PullSecret.dockerConfigJSONType,
                                                               entries: keys.sorted { $0.key < $1.key }.map {
                                                                   DockerAuthEntry(key: $0.key, credential: .basic(username: $0.value, password: "p"))
                                                               })])
    }

    @Test func staticCredentialsForOneOrAllRegistries() throws {
        let any = StaticCredentials(username: "u", password: "p")
        #expect(try any.credential(forRegistry: "ghcr.io") == .basic(username: "u", password: "p"))
        #expect(try any.credential(forRegistry: "docker.io") != nil)
        let hub = StaticCredentials(.identityToken("t"), registry: "https://index.docker.io/v1/")
        #expect(try hub.credential(forRegistry: "docker.io") == .identityToken("t"))
        #expect(try hub.credential(forRegistry: "registry-1.docker.io") == .identityToken("t"))
        #expect(try hub.credential(forRegistry: "ghcr.io") == nil)
        #expect(hub.description == "--username/--password-stdin (for docker.io)")
        #expect(!hub.description.contains("t)"))
    }

    @Test(arguments: [
        ("secret\n", "secret"), ("secret\r\n", "secret"), ("secret", "secret"), ("secret\n\n", "secret\n"),
        (" spaced \n", " spaced "), ("\n", ""), ("a\rb\n", "a\rb"), ("é€\n", "é€"),
    ])
    func passwordFromStandardInputTrimsOneLineEnd(input: String, expected: String) {
        #expect(StaticCredentials.password(fromStandardInput: Data(input.utf8)) == expected)
    }

    @Test func chainTriesSourcesInOrder() throws {
        let flags = StaticCredentials(username: "flag-user", password: "p", registry: "ghcr.io")
        let secret = Self.pullSecret(["ghcr.io": "secret-user", "quay.io": "quay-user"])
        let config = DockerConfig(path: "/h/.docker/config.json", auths: [
            DockerAuthEntry(key: "https://index.docker.io/v1/", credential: .basic(username: "hub-user", password: "p")),
            DockerAuthEntry(key: "quay.io", credential: .basic(username: "config-quay", password: "p")),
        ])
        let chain = CredentialChain([flags, secret, config])
        #expect(try chain.credential(forRegistry: "ghcr.io")?.username == "flag-user")
        #expect(try chain.credential(forRegistry: "quay.io")?.username == "quay-user")
        #expect(try chain.credential(forRegistry: "docker.io")?.username == "hub-user")
        #expect(try chain.credential(forRegistry: "127.0.0.1:5000") == nil)
        #expect(try chain.source(forRegistry: "quay.io")?.description == "pull secret prod/regcred (s.yaml)")
        #expect(chain.description == "--username/--password-stdin (for ghcr.io), then pull secret prod/regcred (s.yaml), then /h/.docker/config.json")
        let image = try ImageReference(parsing: "quay.io/org/app:1")
        #expect(try chain.credentials(for: image).compactMap(\.username) == ["quay-user"])
    }

    @Test func chainStopsAtABrokenSource() throws {
        let broken = DockerConfig(path: "c.json", auths: [], credentialsStore: "nosuchhelper",
                                  helperRunner: CredentialHelperRunner(searchPath: "/nonexistent"))
        let chain = CredentialChain([Self.pullSecret(["ghcr.io": "s"]), broken])
        #expect(try chain.credential(forRegistry: "ghcr.io")?.username == "s")
        #expect(throws: CredentialError(.helperNotFound, "")) { try chain.credential(forRegistry: "quay.io") }
    }

    @Test func imageReferenceLookupUsesThePath() throws {
        let secret = Self.pullSecret(["ghcr.io/team-a": "a", "ghcr.io": "any"])
        #expect(try secret.credentials(for: ImageReference(parsing: "ghcr.io/team-a/app")).compactMap(\.username) == ["a", "any"])
        #expect(try secret.credentials(for: ImageReference(parsing: "ghcr.io/team-b/app")).compactMap(\.username) == ["any"])
        let hub = Self.pullSecret(["https://index.docker.io/v1/": "hub"])
        #expect(try hub.credentials(for: ImageReference(parsing: "nginx")).compactMap(\.username) == ["hub"])
        #expect(hub.matches(for: try ImageReference(parsing: "index.docker.io/library/nginx")).count == 1)
    }

    @Test func noCredentialsMessageCanNameTheSource() throws {
        let config = DockerConfig(path: "/home/u/.docker/config.json", auths: [])
        let host = "127.0.0.1:5000"
        if try config.credential(forRegistry: host) == nil {
            #expect("no credentials for \(host) in \(config)" == "no credentials for 127.0.0.1:5000 in /home/u/.docker/config.json")
        } else {
            Issue.record("an empty configuration answered")
        }
    }
}
