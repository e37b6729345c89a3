import Testing
@testable import RegistryCredentials

/// The kubelet's keyring rules (kubernetes pkg/credentialprovider/keyring.go), case by case.
struct KubeletMatchingTests {
    /// One Secret whose entries are named after their keys (the user name is the key), so a lookup's answer
    /// reads as the list of keys that matched, in order.
    static func secret(_ keys: [String], name: String = "s") -> PullSecret.Secret {
        PullSecret.Secret(name: name, namespace: nil, type: PullSecret.dockerConfigJSONType,
                          entries: keys.map { DockerAuthEntry(key: $0, credential: .basic(username: $0, password: "p")) })
    }

    static func matched(_ keys: [String], _ image: String) -> [String] {
        PullSecret(path: "t", secrets: [secret(keys)]).matches(forImage: image).map(\.entry.key)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var keys: [String]
        var image: String
        var expected: [String]
        var testDescription: String { "\(keys) ∋ \(image)" }
    }

    @Test(arguments: [
        // Globs, one DNS label at a time; the label count must agree.
        Case(keys: ["*.docker.io"], image: "blah.docker.io/x", expected: ["*.docker.io"]),
        Case(keys: ["*.docker.io"], image: "not.right.io/x", expected: []),
        Case(keys: ["*.docker.io"], image: "a.b.docker.io/x", expected: []),
        Case(keys: ["*.*.io"], image: "a.b.io/x", expected: ["*.*.io"]),
        Case(keys: ["*-good.example.com"], image: "very-good.example.com/x", expected: ["*-good.example.com"]),
        // `?` starts a URL query, so the kubelet reads this key as host `registry-`: it never matches.
        Case(keys: ["registry-?.example.com"], image: "registry-1.example.com/x", expected: []),
        Case(keys: ["registry-[0-9].example.com"], image: "registry-1.example.com/x", expected: ["registry-[0-9].example.com"]),
        Case(keys: ["registry-[0-9].example.com"], image: "registry-a.example.com/x", expected: []),
        Case(keys: ["*"], image: "localhost/x", expected: ["*"]),
        Case(keys: ["*"], image: "ghcr.io/x", expected: []),
        // Ports must be equal (both absent, or the same).
        Case(keys: ["registry.example.com:5000"], image: "registry.example.com:5000/a", expected: ["registry.example.com:5000"]),
        Case(keys: ["registry.example.com:5000"], image: "registry.example.com/a", expected: []),
        Case(keys: ["registry.example.com:5000"], image: "registry.example.com:5001/a", expected: []),
        Case(keys: ["registry.example.com"], image: "registry.example.com:5000/a", expected: []),
        Case(keys: ["*.example.com:5000"], image: "r.example.com:5000/a", expected: ["*.example.com:5000"]),
        Case(keys: ["127.0.0.1:5000"], image: "127.0.0.1:5000/team/app", expected: ["127.0.0.1:5000"]),
        Case(keys: ["[::1]:5000"], image: "[::1]:5000/x", expected: ["[::1]:5000"]),
        // The key's path is a plain string prefix of the image path.
        Case(keys: ["quay.io/coreos"], image: "quay.io/coreos/etcd", expected: ["quay.io/coreos"]),
        Case(keys: ["quay.io/coreos"], image: "quay.io/coreosx/etcd", expected: ["quay.io/coreos"]),
        Case(keys: ["quay.io/coreos"], image: "quay.io/other/etcd", expected: []),
        Case(keys: ["quay.io/coreos"], image: "quay.io", expected: []),
        // Most specific first: reverse byte order of the index keys; all matches are returned.
        Case(keys: ["quay.io", "quay.io/coreos"], image: "quay.io/coreos/etcd", expected: ["quay.io/coreos", "quay.io"]),
        Case(keys: ["*.example.com", "registry.example.com"], image: "registry.example.com/x", expected: ["registry.example.com", "*.example.com"]),
        Case(keys: ["quay.io/a", "quay.io/a/b", "quay.io"], image: "quay.io/a/b/c", expected: ["quay.io/a/b", "quay.io/a", "quay.io"]),
        // Schemes and /v1/ or /v2/ prefixes are dropped.
        Case(keys: ["https://ghcr.io/v2/"], image: "ghcr.io/o/r", expected: ["https://ghcr.io/v2/"]),
        Case(keys: ["http://ghcr.io"], image: "ghcr.io/o/r", expected: ["http://ghcr.io"]),
        Case(keys: ["https://ghcr.io/v1/org"], image: "ghcr.io/org/r", expected: ["https://ghcr.io/v1/org"]),
        Case(keys: ["ghcr.io/"], image: "ghcr.io/o/r", expected: ["ghcr.io/"]),
        // Docker Hub: index.docker.io is used only when nothing else matched.
        Case(keys: ["https://index.docker.io/v1/"], image: "docker.io/library/nginx", expected: ["https://index.docker.io/v1/"]),
        Case(keys: ["index.docker.io"], image: "docker.io/library/nginx", expected: ["index.docker.io"]),
        Case(keys: ["docker.io"], image: "docker.io/library/nginx", expected: ["docker.io"]),
        Case(keys: ["docker.io", "https://index.docker.io/v1/"], image: "docker.io/library/nginx", expected: ["docker.io"]),
        Case(keys: ["https://index.docker.io/v1/"], image: "ghcr.io/library/nginx", expected: []),
        Case(keys: ["registry-1.docker.io"], image: "docker.io/library/nginx", expected: []),
        // Case matters, as in Go's filepath.Match.
        Case(keys: ["GHCR.io"], image: "ghcr.io/x", expected: []),
        // Keys Go's URL parser refuses are ignored.
        Case(keys: ["bad host", "ghcr.io"], image: "ghcr.io/x", expected: ["ghcr.io"]),
        Case(keys: ["ghcr.io:port"], image: "ghcr.io/x", expected: []),
    ])
    func matching(_ test: Case) {
        #expect(Self.matched(test.keys, test.image) == test.expected)
    }

    @Test func entriesUnderOneKeyKeepTheirOrderAcrossSecrets() throws {
        let first = PullSecret.Secret(name: "first", namespace: nil, type: PullSecret.dockerConfigJSONType,
                                      entries: [DockerAuthEntry(key: "ghcr.io", credential: .basic(username: "one", password: "1"))])
        let second = PullSecret.Secret(name: "second", namespace: nil, type: PullSecret.dockerConfigJSONType,
                                       entries: [DockerAuthEntry(key: "https://ghcr.io", credential: .basic(username: "two", password: "2")),
                                                 DockerAuthEntry(key: "ghcr.io/org", credential: .basic(username: "three", password: "3"))])
        let pullSecret = PullSecret(path: "t", secrets: [first, second])
        #expect(pullSecret.matches(forImage: "ghcr.io/org/app").map(\.secret.name) == ["second", "first", "second"])
        #expect(try pullSecret.credentials(forRegistry: "ghcr.io", repository: "org/app").compactMap(\.username) == ["three", "one", "two"])
        #expect(try pullSecret.credential(forRegistry: "ghcr.io")?.username == "one")
    }

    @Test func hostLookupsUseDockerHubSpellings() throws {
        let pullSecret = PullSecret(path: "t", secrets: [Self.secret(["https://index.docker.io/v1/"])])
        #expect(try pullSecret.credential(forRegistry: "docker.io")?.username == "https://index.docker.io/v1/")
        #expect(try pullSecret.credential(forRegistry: "index.docker.io")?.username == "https://index.docker.io/v1/")
        #expect(try pullSecret.credentials(forRegistry: "docker.io", repository: "library/nginx").count == 1)
    }

    @Test func ignoredKeysAreReported() {
        let pullSecret = PullSecret(path: "t", secrets: [Self.secret(["bad host", "ghcr.io", "x:y:z/%zz"])])
        #expect(pullSecret.ignoredKeys == ["bad host", "x:y:z/%zz"])
    }

    @Test func indexKeys() {
        #expect(KubeletKeyring<Int>.indexKey(for: "https://index.docker.io/v1/") == "index.docker.io")
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io/v2/org") == "ghcr.io/org")
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io/v1") == "ghcr.io/v1")
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io/a%20b") == "ghcr.io/a b")
        #expect(KubeletKeyring<Int>.indexKey(for: "user:pw@ghcr.io") == "ghcr.io")
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io?x=1#frag") == "ghcr.io")
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io/%zz") == nil)
        #expect(KubeletKeyring<Int>.indexKey(for: "ghcr.io:abc") == nil)
        #expect(KubeletKeyring<Int>.indexKey(for: "gh{cr}.io") == nil)
    }

    @Test func splitHostPortLikeGo() {
        #expect(GoURL.splitHostPort("ghcr.io:5000") == ("ghcr.io", "5000"))
        #expect(GoURL.splitHostPort("ghcr.io") == ("ghcr.io", ""))
        #expect(GoURL.splitHostPort("[::1]:5000") == ("::1", "5000"))
        #expect(GoURL.splitHostPort("a:b:c") == ("a:b:c", ""))
        #expect(GoURL.splitHostPort("ghcr.io:") == ("ghcr.io", ""))
    }

    // MARK: Go's filepath.Match (cases from Go's match_test.go)

    @Test(arguments: [
        ("abc", "abc", true), ("*", "abc", true), ("*c", "abc", true), ("a*", "a", true), ("a*", "abc", true),
        ("a*", "ab/c", false), ("a*/b", "abc/b", true), ("a*/b", "a/c/b", false),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", true), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true), ("a*b?c*x", "abxbbxdbxebxczzy", false),
        ("ab[c]", "abc", true), ("ab[b-d]", "abc", true), ("ab[e-g]", "abc", false), ("ab[^c]", "abc", false),
        ("ab[^b-d]", "abc", false), ("ab[^e-g]", "abc", true), ("a\\*b", "a*b", true), ("a\\*b", "ab", false),
        ("a?b", "a☺b", true), ("a[^a]b", "a☺b", true), ("a???b", "a☺b", false), ("a[^a][^a][^a]b", "a☺b", false),
        ("[a-ζ]*", "α", true), ("*[a-ζ]", "A", false), ("a?b", "a/b", false), ("a*b", "a/b", false),
        ("[\\]a]", "]", true), ("[\\-]", "-", true), ("[x\\-]", "x", true), ("[x\\-]", "-", true), ("[x\\-]", "z", false),
        ("[\\-x]", "x", true), ("[\\-x]", "-", true), ("[\\-x]", "a", false), ("*x", "xxx", true),
    ])
    func globMatches(pattern: String, name: String, expected: Bool) throws {
        #expect(try GoGlob.match(pattern, name) == expected)
    }

    @Test(arguments: [
        ("[]a]", "]"), ("[-]", "-"), ("[x-]", "x"), ("[x-]", "z"), ("[-x]", "x"), ("\\", "a"), ("[a-b-c]", "a"),
        ("[", "a"), ("[^", "a"), ("[^bc", "a"), ("a[", "a"), ("a[", "ab"), ("a[", "x"), ("a/b[", "x"),
    ])
    func malformedGlobsThrow(pattern: String, name: String) {
        #expect(throws: GoGlob.BadPattern.self) { try GoGlob.match(pattern, name) }
    }

    @Test func malformedGlobKeyMatchesNothing() {
        #expect(Self.matched(["[.example.com"], "a.example.com/x").isEmpty)
    }
}
