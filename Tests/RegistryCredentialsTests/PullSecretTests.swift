import Foundation
import Testing
@testable import RegistryCredentials

struct PullSecretTests {
    static let dockerConfigJSON = #"{"auths":{"ghcr.io":{"username":"alice","password":"pw1","auth":"\#(Fixture.base64("alice:pw1"))"},"https://index.docker.io/v1/":{"auth":"\#(Fixture.base64("bob:pw2"))"}}}"#

    static func parse(_ text: String) throws -> PullSecret {
        try PullSecret(bytes: Array(text.utf8), path: "secret.yaml")
    }

    @Test func yamlWithData() throws {
        let secret = try Self.parse("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: regcred
          namespace: prod
        type: kubernetes.io/dockerconfigjson
        data:
          .dockerconfigjson: \(Fixture.base64(Self.dockerConfigJSON))
        """)
        #expect(secret.secrets.count == 1)
        #expect(secret.secrets.first?.displayName == "prod/regcred")
        #expect(secret.secrets.first?.entries.map(\.key) == ["ghcr.io", "https://index.docker.io/v1/"])
        #expect(try secret.credential(forRegistry: "ghcr.io") == .basic(username: "alice", password: "pw1"))
        #expect(try secret.credentials(forRegistry: "docker.io", repository: "library/nginx") == [.basic(username: "bob", password: "pw2")])
        #expect(secret.description == "pull secret prod/regcred (secret.yaml)")
    }

    @Test func base64WrappedOverLinesIsAccepted() throws {
        let encoded = Fixture.base64(Self.dockerConfigJSON)
        var wrapped = ""
        for (offset, character) in encoded.enumerated() {
            if offset > 0 && offset % 60 == 0 { wrapped += "\n    " }
            wrapped.append(character)
        }
        let secret = try Self.parse("kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: |-\n    \(wrapped)\n")
        #expect(try secret.credential(forRegistry: "ghcr.io")?.username == "alice")
    }

    @Test func stringDataWinsOverData() throws {
        let other = #"{"auths":{"ghcr.io":{"username":"carol","password":"pw3"}}}"#
        let secret = try Self.parse("""
        kind: Secret
        type: kubernetes.io/dockerconfigjson
        data:
          .dockerconfigjson: \(Fixture.base64(Self.dockerConfigJSON))
        stringData:
          .dockerconfigjson: '\(other)'
        """)
        #expect(try secret.credential(forRegistry: "ghcr.io")?.username == "carol")
    }

    @Test func jsonSecret() throws {
        let json = """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"j"},"type":"kubernetes.io/dockerconfigjson",
         "data":{".dockerconfigjson":"\(Fixture.base64(Self.dockerConfigJSON))"}}
        """
        let secret = try Self.parse(json)
        #expect(secret.secrets.first?.name == "j")
        #expect(try secret.credential(forRegistry: "index.docker.io")?.username == "bob")
    }

    @Test func legacyDockercfg() throws {
        let legacy = #"{"https://quay.io":{"auth":"\#(Fixture.base64("q:pw"))","email":"q@x"}}"#
        let secret = try Self.parse("""
        apiVersion: v1
        kind: Secret
        metadata: {name: old}
        type: kubernetes.io/dockercfg
        data:
          .dockercfg: \(Fixture.base64(legacy))
        """)
        #expect(secret.secrets.first?.type == "kubernetes.io/dockercfg")
        #expect(try secret.credentials(forRegistry: "quay.io", repository: "org/app") == [.basic(username: "q", password: "pw")])
        #expect(secret.secrets.first?.entries.first?.email == "q@x")
    }

    @Test func multiDocumentStreamSkipsOtherObjects() throws {
        let secret = try Self.parse("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cm}
        data: {a: b}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: opaque}
        type: Opaque
        data: {password: \(Fixture.base64("nope"))}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: one}
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths":{"ghcr.io":{"auth":"\(Fixture.base64("one:1"))"}}}'
        ---
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: two}
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths":{"ghcr.io":{"auth":"\(Fixture.base64("two:2"))"}}}'
        """)
        #expect(secret.secrets.map(\.name) == ["one", "two"])
        #expect(try secret.credentials(forRegistry: "ghcr.io", repository: "x").compactMap(\.username) == ["one", "two"])
        #expect(secret.description == "pull secrets in secret.yaml")
    }

    @Test func listOfSecrets() throws {
        let item = #"{"kind":"Secret","metadata":{"name":"in-list"},"type":"kubernetes.io/dockerconfigjson","stringData":{".dockerconfigjson":"{\"auths\":{\"ghcr.io\":{\"username\":\"l\",\"password\":\"p\"}}}"}}"#
        let secret = try Self.parse(#"{"apiVersion":"v1","kind":"List","items":[{"kind":"ConfigMap"},\#(item)]}"#)
        #expect(secret.secrets.map(\.name) == ["in-list"])
        let secretList = try Self.parse(#"{"apiVersion":"v1","kind":"SecretList","items":[\#(item)]}"#)
        #expect(try secretList.credential(forRegistry: "ghcr.io")?.username == "l")
    }

    @Test func identityAndRegistryTokensInPullSecrets() throws {
        let config = #"{"auths":{"a.example":{"identitytoken":"it"},"b.example":{"registrytoken":"rt"}}}"#
        let secret = try Self.parse("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '\(config)'\n")
        #expect(try secret.credential(forRegistry: "a.example") == .identityToken("it"))
        #expect(try secret.credential(forRegistry: "b.example") == .registryToken("rt"))
    }

    @Test func noPullSecretIsAClearError() throws {
        let error = try #require(throws: CredentialError.self) {
            try Self.parse("kind: Secret\nmetadata: {name: creds}\ntype: Opaque\n---\nkind: ConfigMap\n")
        }
        #expect(error.code == .noPullSecret)
        #expect(error.message == "secret.yaml: no Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg (found Secret creds of type Opaque, ConfigMap)")
        #expect(throws: CredentialError(.noPullSecret, "")) { try Self.parse("") }
    }

    @Test(arguments: [
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: '%%%'\n",
         #"secret.yaml: Secret "r": data[".dockerconfigjson"]: not valid base64"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: \(Fixture.base64("not json"))\n",
         #"secret.yaml: Secret "r": data[".dockerconfigjson"]: invalid JSON at line 1, column 1: invalid literal"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  other: eA==\n",
         #"secret.yaml: Secret "r": has no data[".dockerconfigjson"] (type kubernetes.io/dockerconfigjson)"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\ndata: [1]\n",
         #"secret.yaml: Secret "r": data: expected a mapping, found a list"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: [a]\n",
         #"secret.yaml: Secret "r": data[".dockerconfigjson"]: expected a string, found a list"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"ghcr.io\":{\"auth\":\"@@\"}}}'\n",
         #"secret.yaml: Secret "r": stringData[".dockerconfigjson"]: auths["ghcr.io"].auth: not valid base64"#),
        ("kind: Secret\nmetadata: {name: r}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '[]'\n",
         #"secret.yaml: Secret "r": stringData[".dockerconfigjson"]: expected a JSON object with auths, found a list"#),
        ("- 1\n- 2\n", "secret.yaml: document 1: expected a Kubernetes object, found a list"),
        ("kind: Secret\nmetadata: 5\ntype: kubernetes.io/dockerconfigjson\n", "secret.yaml: metadata: expected a mapping, found a number"),
    ])
    func malformedSecretsNameFileSecretAndField(yaml: String, expected: String) {
        let error = #expect(throws: CredentialError.self) { try Self.parse(yaml) }
        #expect(error?.message == expected)
    }

    @Test func readsFromDisk() throws {
        let path = try Fixture.file("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '\(Self.dockerConfigJSON)'\n")
        let secret = try PullSecret(contentsOf: path)
        #expect(secret.path == path)
        #expect(try secret.credential(forRegistry: "ghcr.io")?.username == "alice")
    }

    @Test func credentialFileTellsConfigFromSecret() throws {
        let config = try Fixture.file(Self.dockerConfigJSON, suffix: ".json")
        guard case .dockerConfig(let parsed) = try CredentialFile.load(path: config) else {
            Issue.record("config.json read as a pull secret")
            return
        }
        #expect(try parsed.credential(forRegistry: "ghcr.io")?.username == "alice")
        let secret = try Fixture.file("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '\(Self.dockerConfigJSON)'\n")
        guard case .pullSecret = try CredentialFile.load(path: secret) else {
            Issue.record("Secret read as a config.json")
            return
        }
    }
}
