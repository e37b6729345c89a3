import Foundation
import OCIModel
import Testing

private func reference(_ text: String) throws -> ImageReference { try ImageReference(parsing: text) }

private func admits(_ pattern: String, _ image: String) throws -> Bool {
    try ImagePattern(parsing: pattern).matches(reference(image))
}

private let hex = String(repeating: "ab", count: 32)

@Suite("ImagePattern")
struct ImagePatternTests {
    // The prefix bypasses of Gatekeeper's K8sAllowedRepos (wire-formats §7), exactly as the brief lists them.
    @Test func libraryWildcardDoesNotAdmitLibraryEvil() throws {
        #expect(try !admits("docker.io/library/*", "docker.io/libraryevil/x"))
        #expect(try admits("docker.io/library/*", "docker.io/library/x"))
    }

    @Test func registryDoesNotAdmitLookalikeHost() throws {
        #expect(try !admits("myregistry.io/**", "myregistry.io.evil.com/x"))
        #expect(try admits("myregistry.io/**", "myregistry.io/x"))
    }

    @Test func shortNameDoesNotAdmitLongerName() throws {
        #expect(try !admits("ubuntu", "ubuntu-evil"))
        #expect(try admits("ubuntu", "ubuntu:24.04"))
    }

    @Test func hubNameAdmitsShortAndDigestForms() throws {
        #expect(try admits("docker.io/library/nginx", "nginx:1.27"))
        #expect(try admits("docker.io/library/nginx", "docker.io/nginx@sha256:\(hex)"))
        #expect(try admits("nginx", "index.docker.io/library/nginx:1.27@sha256:\(hex)"))
        #expect(try !admits("docker.io/library/nginx", "docker.io/acme/nginx:1.27"))
    }

    @Test func doubleStarAdmitsDeepPaths() throws {
        #expect(try admits("ghcr.io/acme/**", "ghcr.io/acme/a/b/c:1"))
        #expect(try admits("ghcr.io/acme/**", "ghcr.io/acme/app"))
        #expect(try !admits("ghcr.io/acme/**", "ghcr.io/acme-evil/app"))
        #expect(try !admits("ghcr.io/acme/**", "ghcr.io/other/acme/app"))
    }

    @Test func portIsPartOfTheHost() throws {
        #expect(try !admits("localhost:5000/**", "localhost:5001/x"))
        #expect(try !admits("localhost:5000/**", "localhost/x"))
        #expect(try admits("localhost:5000/**", "localhost:5000/x"))
        #expect(try !admits("localhost/**", "localhost:5000/x"))
    }

    @Test func singleStarIsExactlyOneSegment() throws {
        #expect(try admits("ghcr.io/acme/*", "ghcr.io/acme/app"))
        #expect(try !admits("ghcr.io/acme/*", "ghcr.io/acme/team/app"))
        #expect(try !admits("ghcr.io/acme/*", "ghcr.io/acme"))
    }

    @Test func starWithinSegment() throws {
        #expect(try admits("registry.example.com/team-*/**", "registry.example.com/team-a/app:1"))
        #expect(try !admits("registry.example.com/team-*/**", "registry.example.com/team/app"))
        #expect(try !admits("registry.example.com/team-*/**", "registry.example.com/teamx/app"))
        #expect(try admits("ghcr.io/acme/*-api", "ghcr.io/acme/billing-api"))
        #expect(try !admits("ghcr.io/acme/*-api", "ghcr.io/acme/billing-api-evil"))
    }

    @Test func doubleStarInTheMiddle() throws {
        #expect(try admits("ghcr.io/**/app", "ghcr.io/app"))
        #expect(try admits("ghcr.io/**/app", "ghcr.io/a/b/c/app"))
        #expect(try !admits("ghcr.io/**/app", "ghcr.io/a/app-x"))
        #expect(try !admits("ghcr.io/**/app", "ghcr.io/a/app/x"))
    }

    @Test func hostWildcardMatchesOneLabel() throws {
        #expect(try admits("*.example.com/**", "a.example.com/x"))
        #expect(try !admits("*.example.com/**", "example.com/x"))
        #expect(try !admits("*.example.com/**", "a.example.com.evil.com/x"))
        #expect(try !admits("*.example.com/**", "a.b.example.com/x"))
        #expect(try !admits("*.example.com/**", "evilexample.com/x"))
        #expect(try !admits("*.example.com/**", "a.example.com:5000/x"))
        #expect(try admits("*.example.com:5000/**", "a.example.com:5000/x"))
        #expect(try admits("reg-*.example.com/**", "reg-eu.example.com/x"))
        #expect(try !admits("reg-*.example.com/**", "eu.example.com/x"))
    }

    @Test func hubNamespacesAndEverythingOnHub() throws {
        #expect(try admits("bitnami/*", "bitnami/redis:7"))
        #expect(try admits("bitnami/*", "docker.io/bitnami/redis"))
        #expect(try !admits("bitnami/*", "redis"))
        #expect(try admits("**", "bitnami/redis"))
        #expect(try admits("**", "redis"))
        #expect(try !admits("**", "ghcr.io/acme/app"))
        #expect(try admits("docker.io/*", "redis"))
        #expect(try !admits("docker.io/*", "bitnami/redis"))
    }

    @Test func ipv6Host() throws {
        #expect(try admits("[::1]:5000/**", "[::1]:5000/app"))
        #expect(try !admits("[::1]:5000/**", "[::1]:5001/app"))
    }

    @Test func normalisation() throws {
        let cases: [(String, String)] = [
            ("nginx", "docker.io/library/nginx"),
            ("docker.io/nginx", "docker.io/library/nginx"),
            ("index.docker.io/library/nginx", "docker.io/library/nginx"),
            ("docker.io/*", "docker.io/library/*"),
            ("*", "docker.io/library/*"),
            ("**", "docker.io/**"),
            ("docker.io/**", "docker.io/**"),
            ("bitnami/*", "docker.io/bitnami/*"),
            ("Registry.Example.COM/team/app", "registry.example.com/team/app"),
            ("ghcr.io/acme/**/**/x", "ghcr.io/acme/**/x"),
            ("localhost:5000/app", "localhost:5000/app"),
        ]
        for (text, expected) in cases {
            #expect(try ImagePattern(parsing: text).description == expected, "\(text)")
        }
        #expect(try ImagePattern(parsing: "nginx") == ImagePattern(parsing: "docker.io/library/nginx"))
    }

    @Test(arguments: [
        ("", "empty"),
        ("nginx:1.27", "not tags: remove \":1.27\""),
        ("ghcr.io/acme/app:v1", "not tags"),
        ("ghcr.io/acme/app@sha256:\(String(repeating: "ab", count: 32))", "not digests"),
        ("ghcr.io", "names a registry but no repository"),
        ("localhost", "names a registry but no repository"),
        ("localhost:5000", "write localhost:5000/** for every repository"),
        ("*.example.com", "names a registry but no repository"),
        ("docker.io/library/", "ends with \"/\"; write docker.io/library/* for the repositories directly under it"),
        ("/acme/app", "starts with \"/\""),
        ("ghcr.io//app", "empty segment"),
        ("ghcr.io/Acme/app", "lower-case"),
        ("ghcr.io/team-**/app", "`**` must be a whole segment"),
        ("ghcr.io/***", "`**` must be a whole segment"),
        ("*.com/**", "two labels written out"),
        ("*.*/**", "two labels written out"),
        ("example.*/**", "two labels written out"),
        ("*:5000/**", "two labels written out"),
        ("registry.example.com:*/**", "a port cannot be a wildcard"),
        ("**.example.com/x", "`**` is for path segments"),
        ("ghcr.io/a b", "contains a space"),
        ("ghcr.io/app\u{0}", "U+0"),
        ("ghcr.io/äpp", "U+E4"),
        ("ghcr.io/[ab]pp", "not a repository path segment"),
        ("ghcr.io/app?", "\"?\" is not pattern syntax"),
        ("ghcr.io/{a,b}", "is not pattern syntax"),
        ("ghcr.io/-app", "not a repository path segment"),
        ("ghcr.io/app-", "not a repository path segment"),
        ("ghcr.io/a..b", "not a repository path segment"),
        ("ghcr.io/a:5000/b", "a port belongs to the registry host"),
        ("evil_host.io/x", "not a registry host"),
        ("[::1*]:5000/x", "IPv6"),
    ])
    func rejects(pattern: String, reason: String) {
        #expect {
            _ = try ImagePattern(parsing: pattern)
        } throws: { error in
            guard let error = error as? ImagePattern.ParseError else { return false }
            return error.reason.contains(reason) && error.description.hasPrefix("invalid image pattern \"")
        }
    }

    @Test func rejectsOverlongPatterns() {
        let long = "ghcr.io/" + String(repeating: "a/", count: 300) + "b"
        #expect(throws: ImagePattern.ParseError.self) { try ImagePattern(parsing: long) }
    }

    /// Pathological wildcards stay linear-ish: no exponential backtracking on long names.
    @Test func pathologicalPatternsMatchQuickly() throws {
        let segmentGlob = try ImagePattern(parsing: "ghcr.io/" + String(repeating: "*a", count: 40) + "*b")
        let name = try reference("ghcr.io/" + String(repeating: "a", count: 200))
        let manyStars = try ImagePattern(parsing: "ghcr.io/" + Array(repeating: "**/a", count: 30).joined(separator: "/") + "/b")
        let deep = try reference("ghcr.io/" + Array(repeating: "a", count: 60).joined(separator: "/"))
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(!segmentGlob.matches(name))
            #expect(!manyStars.matches(deep))
        }
        #expect(elapsed < .seconds(1))
    }
}
