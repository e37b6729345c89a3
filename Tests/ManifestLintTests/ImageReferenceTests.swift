import OCIModel
import Testing
@testable import ManifestLint

struct ImageReferenceTests {
    @Test(arguments: [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.25", "docker.io/library/nginx:1.25"),
        ("library/nginx", "docker.io/library/nginx:latest"),
        ("docker.io/nginx", "docker.io/library/nginx:latest"),
        ("index.docker.io/library/nginx:1", "docker.io/library/nginx:1"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("localhost/app", "localhost/app:latest"),
        ("localhost:5000/app:dev", "localhost:5000/app:dev"),
        ("myregistry.io/team/app:1.0", "myregistry.io/team/app:1.0"),
        ("registry:5000/app", "registry:5000/app:latest"),
        ("Registry.Example.COM/app", "registry.example.com/app:latest"),
        ("ghcr.io/org/app@sha256:" + String(repeating: "a", count: 64), "ghcr.io/org/app@sha256:" + String(repeating: "a", count: 64)),
        ("nginx:1.25@sha256:" + String(repeating: "b", count: 64), "docker.io/library/nginx:1.25@sha256:" + String(repeating: "b", count: 64)),
        ("a/b/c/d:e", "docker.io/a/b/c/d:e"),
    ])
    func normalisation(_ input: String, _ expected: String) throws {
        #expect(try ImageReference(parsing: input).description == expected)
    }

    @Test(arguments: ["", "Nginx", "docker.io/Library/nginx", "nginx:", "nginx@sha256:abc", "a//b", "-a/b", "nginx:-bad", "host:port/x"])
    func invalidReferences(_ input: String) {
        #expect(throws: ImageReference.ParseError.self) { try ImageReference(parsing: input) }
    }

    @Test func tagAndDigestFlags() throws {
        let untagged = try ImageReference(parsing: "nginx")
        #expect(untagged.tag == nil && untagged.usesLatestTag && !untagged.isPinned)
        let pinned = try ImageReference(parsing: "nginx@sha256:" + String(repeating: "c", count: 64))
        #expect(pinned.effectiveTag == nil && pinned.isPinned && !pinned.usesLatestTag)
        let portOnly = try ImageReference(parsing: "localhost:5000/app")
        #expect(portOnly.domain == "localhost:5000" && portOnly.tag == nil)
    }

    @Test(arguments: [
        // (allow-list entry, image, admitted)
        ("docker.io/library", "nginx", true),
        ("docker.io/library", "docker.io/library/nginx:1", true),
        ("docker.io/library", "docker.io/libraryevil/x", false),
        ("docker.io/library", "libraryevil/x", false),
        ("docker.io/library", "evil/library", false),
        ("myregistry.io", "myregistry.io/team/app", true),
        ("myregistry.io", "myregistry.io.evil.com/x", false),
        ("myregistry.io", "myregistry.io:5000/x", false),
        ("myregistry.io", "evil.com/myregistry.io/x", false),
        ("myregistry.io/team", "myregistry.io/team/app", true),
        ("myregistry.io/team", "myregistry.io/teamevil/app", false),
        ("myregistry.io/team", "myregistry.io/team", false),
        ("MyRegistry.IO", "myregistry.io/x", true),
        ("index.docker.io", "nginx", true),
        ("bitnami", "bitnami/redis", true),
        ("bitnami", "bitnamievil/redis", false),
        ("localhost:5000", "localhost:5000/app", true),
        ("localhost:5000", "localhost:50000/app", false),
        ("docker.io", "quay.io/x", false),
    ])
    func allowList(_ entry: String, _ image: String, _ admitted: Bool) throws {
        let pattern = try #require(RegistryPattern(entry))
        #expect(pattern.admits(try ImageReference(parsing: image)) == admitted)
    }
}
