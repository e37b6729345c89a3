import Foundation
import MoatTesting
import Testing

/// `moat image REF`, `moat copy` and `moat cache` as a user runs them, against Debian's real registry.
@Suite(.serialized) struct RegistryCommandTests {
    @Test func scansAnImageByReferenceLikeTheSameLayout() async throws {
        let images = try MoatCLI.images()
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["erin": "3rin-pass"]))
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/minbase.oci", to: registry.endpoint, repository: "apps/minbase", tag: "1",
                                credentials: BasicCredentials(username: "erin", password: "3rin-pass"))
        let caFile = try #require(registry.caFile)
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: cache) }

        let fromLayout = try await MoatCLI.run(["image", "--layout", images + "/minbase.oci", "--format", "json", "--scanners", "footprint"])
        let pull = try await MoatCLI.run(["image", "\(registry.host)/apps/minbase:1", "--ca-file", caFile, "--username", "erin",
                                    "--password-stdin", "--format", "json", "--scanners", "footprint"],
                                   cacheDirectory: cache, stdin: "3rin-pass\n")
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(!pull.stdout.contains("3rin-pass") && !pull.stderr.contains("3rin-pass"))
        let layoutReport = try #require(try JSONSerialization.jsonObject(with: Data(fromLayout.stdout.utf8)) as? [String: Any])
        let pullReport = try #require(try JSONSerialization.jsonObject(with: Data(pull.stdout.utf8)) as? [String: Any])
        let layoutFindings = try JSONSerialization.data(withJSONObject: layoutReport["findings"] ?? [], options: .sortedKeys)
        let pullFindings = try JSONSerialization.data(withJSONObject: pullReport["findings"] ?? [], options: .sortedKeys)
        #expect(layoutFindings == pullFindings, "the same image gives the same findings from a registry as from disk")
        #expect(layoutFindings.count > 100)
        #expect(FileManager.default.fileExists(atPath: cache + "/blobs/sha256"), "layers went into the cache")

        let again = try await MoatCLI.run(["image", "\(registry.host)/apps/minbase:1", "--ca-file", caFile, "--username", "erin",
                                     "--password-stdin", "--format", "json", "--scanners", "footprint"],
                                    cacheDirectory: cache, stdin: "3rin-pass\n")
        #expect(again.status == 0, "\(again.stderr)")

        let denied = try await MoatCLI.run(["image", "\(registry.host)/apps/minbase:1", "--ca-file", caFile], cacheDirectory: cache)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("requires a username and password"), "\(denied.stderr)")

        let secret = try await MoatCLI.run(["secret", "docker-registry", "regcred", "--docker-server", registry.host,
                                      "--docker-username", "erin", "--docker-password", "3rin-pass"])
        let secretFile = cache + "/regcred.yaml"
        try Data(secret.stdout.utf8).write(to: URL(fileURLWithPath: secretFile))
        let withSecret = try await MoatCLI.run(["image", "\(registry.host)/apps/minbase:1", "--ca-file", caFile, "--pull-secret", secretFile,
                                          "--scanners", "footprint", "--format", "json", "--no-blob-cache"], cacheDirectory: cache)
        #expect(withSecret.status == 0, "a kubernetes.io/dockerconfigjson Secret supplies the credentials: \(withSecret.stderr)")

        let info = try await MoatCLI.run(["cache", "info"], cacheDirectory: cache)
        #expect(info.stdout.contains(cache + "/blobs"))
        let clean = try await MoatCLI.run(["cache", "clean"], cacheDirectory: cache)
        #expect(clean.status == 0)
        #expect(!FileManager.default.fileExists(atPath: cache + "/blobs/sha256"))
    }

    @Test func copyBetweenLayoutRegistryAndArchive() async throws {
        let images = try MoatCLI.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }

        let push = try await MoatCLI.run(["copy", "oci:\(images)/scratch.oci", "docker://\(registry.host)/copied/app:7",
                                    "--insecure-registry", registry.host, "--quiet"], cacheDirectory: work + "/cache")
        #expect(push.status == 0, "\(push.stderr)")
        let raw = try await Skopeo().rawManifest(registry.endpoint, repository: "copied/app", reference: "7")
        let skopeoDigest = "sha256:" + sha256Hex(raw)
        #expect(push.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == skopeoDigest)

        let pull = try await MoatCLI.run(["copy", "\(registry.host)/copied/app:7", "docker-archive:\(work)/app.tar:copied/app:7",
                                    "--insecure-registry", registry.host], cacheDirectory: work + "/cache")
        #expect(pull.status == 0, "\(pull.stderr)")
        let scan = try await MoatCLI.run(["image", "--input", work + "/app.tar", "--scanners", "footprint", "--format", "json"])
        #expect(scan.status == 0, "\(scan.stderr)")

        let insecureRefused = try await MoatCLI.run(["image", "\(registry.host)/copied/app:7"], cacheDirectory: work + "/cache2")
        #expect(insecureRefused.status == 1, "plain HTTP is never used without --insecure-registry")
        #expect(insecureRefused.stderr.contains("--insecure-registry"), "\(insecureRefused.stderr)")
    }

    /// Proxy variables in the environment (a CI machine's, say) leave a registry on this machine alone, as in docker:
    /// here they name a port nobody listens on, and the pull still works; a proxy setting moat cannot use is reported
    /// with the variable to fix.
    @Test func aRegistryOnThisMachineIsNotReachedThroughTheProxy() async throws {
        let images = try MoatCLI.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/scratch.oci", to: registry.endpoint, repository: "local/scratch")
        let unreachable = "http://127.0.0.1:9"
        let pull = try await MoatCLI.run(["image", "\(registry.host)/local/scratch:latest", "--insecure-registry", registry.host,
                                          "--scanners", "footprint", "--format", "json"],
                                         environment: ["https_proxy": unreachable, "http_proxy": unreachable, "all_proxy": unreachable])
        #expect(pull.status == 0, "\(pull.stderr)")

        let remote = try await MoatCLI.run(["image", "registry.example/team/app:1"],
                                           environment: ["https_proxy": "https://user:hunter22@proxy.corp:8443"])
        #expect(remote.status == 1)
        #expect(remote.stderr.contains("https_proxy") && remote.stderr.contains("http:// and socks5://"), "\(remote.stderr)")
        #expect(!remote.stderr.contains("hunter22"))
    }

    /// `moat copy --all` copies a multi-platform index whole, to a registry or an OCI layout: the index keeps its
    /// digest (as skopeo reads it), and each platform's image is there and reads as that platform; a single image
    /// copies as without `--all`. `--all` to a docker-archive is refused with what to do instead.
    @Test func copyAllKeepsAWholeIndex() async throws {
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let registry = workspace.registry, work = workspace.work
        let (indexDigest, amd64) = try await workspace.pushTwoPlatformImage(repository: "multi/app", tag: "1")
        let insecure = workspace.insecure

        let copy = try await MoatCLI.run(["copy", "--all", "-q", "\(registry.host)/multi/app:1", "docker://\(registry.host)/mirror/app:1"] + insecure)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == indexDigest)
        #expect(try await Skopeo().manifestDigest(registry.endpoint, repository: "mirror/app", reference: "1") == indexDigest,
                "the index is pushed byte for byte")
        for architecture in ["amd64", "arm64"] {
            let scan = try await MoatCLI.run(["image", "\(registry.host)/mirror/app:1", "--platform", "linux/\(architecture)",
                                              "--scanners", "footprint", "--format", "json"] + insecure)
            #expect(scan.status == 0, "linux/\(architecture) of the copy: \(scan.stderr)")
        }

        // A single image copies as without --all.
        try ImageWriter.writeOCILayout([(nil, amd64)], to: work + "/single")
        try await Skopeo().copy(from: "oci:" + work + "/single", to: registry.endpoint, repository: "single/app", tag: "1")
        let single = try await MoatCLI.run(["copy", "--all", "-q", "\(registry.host)/single/app:1", "docker://\(registry.host)/mirror/single:1"] + insecure)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(try await Skopeo().manifestDigest(registry.endpoint, repository: "mirror/single", reference: "1")
                == (try await Skopeo().manifestDigest(registry.endpoint, repository: "single/app", reference: "1")))

        // To an OCI layout: the index is the named entry, each platform reads from it, and skopeo copies it back whole
        // with the same digest.
        let toLayout = try await MoatCLI.run(["copy", "--all", "-q", "\(registry.host)/multi/app:1", "oci:" + work + "/out:1"] + insecure)
        #expect(toLayout.status == 0, "\(toLayout.stderr)")
        #expect(toLayout.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == indexDigest)
        let arm = try await MoatCLI.run(["image", "--layout", work + "/out", "--platform", "linux/arm64", "--scanners", "footprint",
                                         "--format", "json"])
        #expect(arm.status == 0, "\(arm.stderr)")
        try await Skopeo().copy(from: "oci:" + work + "/out:1", to: registry.endpoint, repository: "back/app", tag: "1", allPlatforms: true)
        #expect(try await Skopeo().manifestDigest(registry.endpoint, repository: "back/app", reference: "1") == indexDigest)

        let refused = try await MoatCLI.run(["copy", "--all", "\(registry.host)/multi/app:1", "docker-archive:" + work + "/app.tar"] + insecure)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot write a docker-archive"), "\(refused.stderr)")
    }

    @Test func concurrentPullsShareOneCache() async throws {
        let images = try MoatCLI.images()
        let registry = try await RegistryServer.start(.plain)
        defer { Task { await registry.stop() } }
        try await Skopeo().push(ociLayout: images + "/minbase.oci", to: registry.endpoint, repository: "shared/minbase")
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let arguments = ["image", "\(registry.host)/shared/minbase:latest", "--insecure-registry", registry.host,
                         "--scanners", "footprint", "--format", "json"]
        let runs = try await withThrowingTaskGroup(of: MoatRun.self) { group in
            for _ in 0..<3 { group.addTask { try await MoatCLI.run(arguments, cacheDirectory: cache) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map(\.stderr))")
        #expect(Set(runs.map(\.stdout)).count == 1, "three processes sharing the cache produce the same report")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: cache + "/blobs/tmp")) ?? []
        #expect(leftovers.isEmpty, "temporary files left in the shared cache: \(leftovers)")
        let layer = try #require(try RegistryFixtureDigests.layers(of: images + "/minbase.oci").first)
        #expect(FileManager.default.fileExists(atPath: cache + "/blobs/sha256/" + layer))
    }

    @Test func notAReferenceSaysWhatToDo() async throws {
        let run = try await MoatCLI.run(["image", "Not A Ref"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--input"), "\(run.stderr)")
    }
}

import OCIModel

private func sha256Hex(_ data: Data) -> String {
    Digest.sha256(of: data).hex
}

/// `moat secret check` trying each credential of a real pull secret against a real registry.
@Suite(.serialized) struct SecretCheckProbeTests {
    @Test func reportsWorkingAndRejectedCredentials() async throws {
        let registry = try await RegistryServer.start(.tlsBasicAuth(users: ["frank": "fr4nk-pass"]))
        defer { Task { await registry.stop() } }
        let caFile = try #require(registry.caFile)
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        for (name, password) in [("good", "fr4nk-pass"), ("bad", "not-the-pass")] {
            let secret = try await MoatCLI.run(["secret", "docker-registry", name, "--docker-server", registry.host,
                                          "--docker-username", "frank", "--docker-password", password])
            #expect(secret.status == 0, "\(secret.stderr)")
            try Data(secret.stdout.utf8).write(to: URL(fileURLWithPath: "\(work)/\(name).yaml"))
        }
        let good = try await MoatCLI.run(["secret", "check", work + "/good.yaml", "--ca-file", caFile])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("works"))
        #expect(!good.stdout.contains("fr4nk-pass"))

        let bad = try await MoatCLI.run(["secret", "check", work + "/bad.yaml", "--ca-file", caFile, "--format", "json"])
        #expect(bad.status == 2, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("rejected"))
        #expect(!bad.stdout.contains("not-the-pass") && !bad.stderr.contains("not-the-pass"))

        let untrusted = try await MoatCLI.run(["secret", "check", work + "/good.yaml"])
        #expect(untrusted.status == 3, "an unknown CA makes the registry unreachable, not the credential wrong: \(untrusted.stdout)")
    }
}

/// The layer digests (hex) of an OCI layout's only image.
enum RegistryFixtureDigests {
    static func layers(of layout: String) throws -> [String] {
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
        let manifestDigest = try #require(index.manifests.first?.digest)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(
            fileURLWithPath: "\(layout)/blobs/sha256/\(manifestDigest.hex)")))
        return manifest.layers.map(\.digest.hex)
    }
}
