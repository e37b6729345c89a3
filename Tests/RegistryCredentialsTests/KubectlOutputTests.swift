import Foundation
import Testing
@testable import RegistryCredentials

/// `DockerRegistrySecret` against output captured from `kubectl create secret docker-registry … --dry-run=client`
/// (kubectl 1.32.4; the end-to-end tests compare with the kubectl on PATH as well).
struct KubectlOutputTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func yamlWithEmailNamespaceAndSpecialCharacters() throws {
        var secret = DockerRegistrySecret(name: "regcred", namespace: "prod")
        secret.setDockerConfigJSON(server: "ghcr.io", username: "alice", password: "p<>&\"'é€", email: "a@example.com")
        #expect(Self.text(try secret.yaml()) == """
        apiVersion: v1
        data:
          .dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7InVzZXJuYW1lIjoiYWxpY2UiLCJwYXNzd29yZCI6InBcdTAwM2NcdTAwM2VcdTAwMjZcIifDqeKCrCIsImVtYWlsIjoiYUBleGFtcGxlLmNvbSIsImF1dGgiOiJZV3hwWTJVNmNEdytKaUludzZuaWdxdz0ifX19
        kind: Secret
        metadata:
          creationTimestamp: null
          name: regcred
          namespace: prod
        type: kubernetes.io/dockerconfigjson

        """)
    }

    @Test func longNamesFoldAndTypedLookingNamesAreQuoted() throws {
        var secret = DockerRegistrySecret(name: (0..<30).map { _ in "word" }.joined(separator: " ") + " end", namespace: "yes")
        secret.setDockerConfigJSON(server: RegistryHost.dockerHubServerURL, username: "u", password: "p")
        #expect(Self.text(try secret.yaml()) == """
        apiVersion: v1
        data:
          .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19
        kind: Secret
        metadata:
          creationTimestamp: null
          name: word word word word word word word word word word word word word word word
            word word word word word word word word word word word word word word word end
          namespace: "yes"
        type: kubernetes.io/dockerconfigjson

        """)
    }

    @Test func json() {
        var secret = DockerRegistrySecret(name: "regcred")
        secret.setDockerConfigJSON(server: RegistryHost.dockerHubServerURL, username: "u", password: "p")
        #expect(Self.text(secret.json()) == """
        {
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": {
                "name": "regcred",
                "creationTimestamp": null
            },
            "data": {
                ".dockerconfigjson": "eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19"
            },
            "type": "kubernetes.io/dockerconfigjson"
        }

        """)
    }

    @Test func dataKeysSortLikeGoYAMLAndGoJSON() throws {
        var secret = DockerRegistrySecret(name: "s")
        for key in ["b10", "b9", "B1", "_x", "1a", "true"] { try secret.add(key: key, contents: Array("{\"auths\":{}}\n".utf8)) }
        #expect(Self.text(try secret.yaml()) == """
        apiVersion: v1
        data:
          _x: eyJhdXRocyI6e319Cg==
          1a: eyJhdXRocyI6e319Cg==
          B1: eyJhdXRocyI6e319Cg==
          b9: eyJhdXRocyI6e319Cg==
          b10: eyJhdXRocyI6e319Cg==
          "true": eyJhdXRocyI6e319Cg==
        kind: Secret
        metadata:
          creationTimestamp: null
          name: s
        type: kubernetes.io/dockerconfigjson

        """)
        #expect(Self.text(secret.json()).contains("""
                "1a": "eyJhdXRocyI6e319Cg==",
                "B1": "eyJhdXRocyI6e319Cg==",
                "_x": "eyJhdXRocyI6e319Cg==",
                "b10": "eyJhdXRocyI6e319Cg==",
                "b9": "eyJhdXRocyI6e319Cg==",
                "true": "eyJhdXRocyI6e319Cg=="
            },
        """))
    }

    @Test func dockerConfigJSONIsGoJSON() {
        let json = DockerRegistrySecret.dockerConfigJSON(server: Array("a<b>&".utf8), username: Array("u".utf8),
                                                         password: Array("x\u{08}\u{0C}\u{01}\t\n\r\u{7F}\u{2028}é".utf8) + [0xFF])
        let expectedAuth = Data(Array("u:x\u{08}\u{0C}\u{01}\t\n\r\u{7F}\u{2028}é".utf8) + [0xFF]).base64EncodedString()
        #expect(Self.text(json) == "{\"auths\":{\"a\\u003cb\\u003e\\u0026\":{\"username\":\"u\",\"password\":\"x\\b\\f\\u0001\\t\\n\\r\u{7F}\\u2028é\\ufffd\",\"auth\":\"\(expectedAuth)\"}}}")
        let legacy = DockerRegistrySecret.dockerConfigJSON(server: Array("s".utf8), username: Array("u".utf8), password: Array("\u{08}\u{0C}".utf8), legacyEscaping: true)
        #expect(Self.text(legacy).contains("\"password\":\"\\u0008\\u000c\""))
        // Empty email is left out; a non-empty one sits between password and auth.
        #expect(!Self.text(DockerRegistrySecret.dockerConfigJSON(server: [0x73], username: [0x75], password: [0x70])).contains("email"))
        #expect(Self.text(DockerRegistrySecret.dockerConfigJSON(server: [0x73], username: [0x75], password: [0x70], email: [0x65]))
                == #"{"auths":{"s":{"username":"u","password":"p","email":"e","auth":"dTpw"}}}"#)
    }

    @Test(arguments: [
        ("regcred", "regcred"), ("yes", "\"yes\""), ("No", "\"No\""), ("on", "\"on\""), ("null", "\"null\""), ("~", "\"~\""),
        ("1234", "\"1234\""), ("0x1F", "\"0x1F\""), ("1e3", "\"1e3\""), ("1_000", "\"1_000\""), ("+1", "\"+1\""), (".5", "\".5\""),
        ("0o17", "\"0o17\""), ("0b101", "\"0b101\""), ("1:20", "\"1:20\""), ("2001-01-01", "\"2001-01-01\""),
        ("2001-1-2T3:4:5Z", "\"2001-1-2T3:4:5Z\""), ("2001-02-30", "2001-02-30"), ("1e400", "1e400"),
        ("0xFFFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFFFF"), (".inf", "\".inf\""), ("<<", "<<"),
        ("a: b", "'a: b'"), ("#x", "'#x'"), ("x #y", "'x #y'"), ("x#y", "x#y"), (" lead", "' lead'"), ("trail ", "'trail '"),
        ("it's", "it's"), ("[x", "'[x'"), ("a,b", "a,b"), ("*x", "'*x'"), ("?x", "?x"), ("? x", "'? x'"), ("x:", "'x:'"),
        ("---x", "'---x'"), ("-", "'-'"), ("é", "é"), ("a😀b", "\"a\\U0001F600b\""), ("\tx", "\"\\tx\""),
        ("a\u{2028}b", "'a\u{2028}    b'"), ("\u{FEFF}bom", "\"\\uFEFF\\x62\\x6F\\x6D\""),
    ])
    func namesAreQuotedLikeGoYAML(name: String, expected: String) throws {
        let secret = DockerRegistrySecret(name: name)
        let yaml = Self.text(try secret.yaml())
        #expect(yaml.contains("\n  name: \(expected)\n"), "\(yaml)")
    }

    @Test func multiLineNamesUseLiteralBlocks() throws {
        let yaml = Self.text(try DockerRegistrySecret(name: "a\n  b\n", namespace: "x\ny").yaml())
        #expect(yaml.contains("  name: |\n    a\n      b\n  namespace: |-\n    x\n    y\n"))
    }

    @Test func longKeysBecomeComplexKeys() throws {
        var secret = DockerRegistrySecret(name: "s")
        let key = String(repeating: "k", count: 130)
        try secret.add(key: key, contents: Array("😀".utf8))
        #expect(Self.text(try secret.yaml()).contains("data:\n  ? \(key)\n  : 8J+YgA==\nkind"))
    }

    @Test func yamlReaderQuirksOfSigsYAML() throws {
        #expect(throws: KubectlError("yaml: control characters are not allowed")) { try DockerRegistrySecret(name: "a\u{7F}b").yaml() }
        #expect(throws: KubectlError("yaml: control characters are not allowed")) { try DockerRegistrySecret(name: "a\u{9F}b").yaml() }
        // NEL is a line break to the YAML reader: folded to a space, two of them to a newline.
        #expect(Self.text(try DockerRegistrySecret(name: "a  \u{85}  b").yaml()).contains("  name: a b\n"))
        #expect(Self.text(try DockerRegistrySecret(name: "a\u{85}\u{85}b").yaml()).contains("  name: |-\n    a\n    b\n"))
        #expect(throws: KubectlError("yaml: line 2: found unexpected document indicator")) {
            try DockerRegistrySecret(name: "a\u{85}--- b").yaml()
        }
    }

    @Test func invalidUTF8IsSanitisedLikeGo() throws {
        // Each invalid byte becomes one U+FFFD (Swift's repair would merge the truncated sequence into one).
        let secret = DockerRegistrySecret(name: Array("a".utf8) + [0xE2, 0x80] + Array("b".utf8))
        #expect(Self.text(try secret.yaml()).contains("  name: a\u{FFFD}\u{FFFD}b\n"))
        #expect(Self.text(secret.json()).contains(#""name": "a\ufffd\ufffdb","#))
    }

    @Test func keyValidationMatchesKubectl() {
        var secret = DockerRegistrySecret(name: "s")
        let regexMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
        #expect(throws: KubectlError("\"bad key\" is not valid key name for a Secret " + regexMessage)) { try secret.add(key: "bad key", contents: []) }
        #expect(throws: KubectlError("\"..\" is not valid key name for a Secret must not be '..'")) { try secret.add(key: "..", contents: []) }
        #expect(throws: KubectlError("\"..x y\" is not valid key name for a Secret " + regexMessage + ";must not start with '..'")) {
            try secret.add(key: "..x y", contents: [])
        }
        #expect(throws: KubectlError("\"a\\tb\" is not valid key name for a Secret " + regexMessage)) { try secret.add(key: "a\tb", contents: []) }
        #expect(throws: Never.self) { try secret.add(key: "k", contents: []) }
        #expect(throws: KubectlError("cannot add key k, another key by that name already exists")) { try secret.add(key: "k", contents: []) }
    }

    @Test func goYAMLKeyOrder() {
        let keys = ["b10", "a", "B", "b9", "_", "1", "10", "2", "a01", "a1", "a001", "a010", ".x", "é"]
        let sorted = keys.sorted { GoYAML.keyLess(Array($0.utf8), Array($1.utf8)) }
        // As kubectl 1.32 orders them (é is a letter, after b10 by code point).
        #expect(sorted == [".x", "_", "1", "2", "10", "B", "a", "a1", "a01", "a001", "a010", "b9", "b10", "é"])
    }
}
