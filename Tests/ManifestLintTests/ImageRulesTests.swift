import Testing
@testable import ManifestLint

struct ImageRulesTests {
    static func pod(_ containers: String, extra: String = "") -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n\(extra)  containers:\n\(containers)"
    }

    static let digest = "@sha256:" + String(repeating: "d", count: 64)

    struct Case: Sendable, CustomStringConvertible {
        let id: String
        let yaml: String
        let matches: Bool
        var description: String { "\(id) \(matches)" }
    }

    static let cases: [Case] = [
        Case(id: "ImageWithoutDigest", yaml: pod("  - {name: a, image: nginx:1.25}\n"), matches: true),
        Case(id: "ImageWithoutDigest", yaml: pod("  - {name: a, image: \"nginx\(digest)\"}\n"), matches: false),
        Case(id: "ImageLatestTag", yaml: pod("  - {name: a, image: nginx}\n"), matches: true),
        Case(id: "ImageLatestTag", yaml: pod("  - {name: a, image: \"nginx:latest\"}\n"), matches: true),
        Case(id: "ImageLatestTag", yaml: pod("  - {name: a, image: \"nginx:1.25\"}\n"), matches: false),
        Case(id: "ImageLatestTag", yaml: pod("  - {name: a, image: \"nginx\(digest)\"}\n"), matches: false),
        Case(id: "ImageRegistryNotAllowed", yaml: pod("  - {name: a, image: \"docker.io/libraryevil/x:1\"}\n"), matches: true),
        Case(id: "ImageRegistryNotAllowed", yaml: pod("  - {name: a, image: \"myregistry.io.evil.com/x:1\"}\n"), matches: true),
        Case(id: "ImageRegistryNotAllowed", yaml: pod("  - {name: a, image: \"nginx:1\"}\n  - {name: b, image: \"myregistry.io/x:1\"}\n"), matches: false),
        Case(id: "ImagePullSecretsMissing", yaml: pod("  - {name: a, image: \"myregistry.io/x:1\"}\n"), matches: true),
        Case(id: "ImagePullSecretsMissing", yaml: pod("  - {name: a, image: \"myregistry.io/x:1\"}\n", extra: "  imagePullSecrets: [{name: s}]\n"), matches: false),
        Case(id: "ImagePullSecretsMissing", yaml: pod("  - {name: a, image: \"ghcr.io/o/x:1\"}\n"), matches: false),
        Case(id: "ImagePullPolicyNotAlways", yaml: pod("  - {name: a, image: \"nginx:1\"}\n"), matches: true),
        Case(id: "ImagePullPolicyNotAlways", yaml: pod("  - {name: a, image: \"nginx:1\", imagePullPolicy: Always}\n"), matches: false),
        Case(id: "ImagePullPolicyNotAlways", yaml: pod("  - {name: a, image: nginx}\n"), matches: false),
        Case(id: "ImagePullPolicyNotAlways", yaml: pod("  - {name: a, image: nginx, imagePullPolicy: IfNotPresent}\n"), matches: true),
        Case(id: "ImagePullPolicyNotAlways", yaml: pod("  - {name: a, image: \"nginx\(digest)\", imagePullPolicy: Never}\n"), matches: false),
    ]

    static func options(_ ids: [String]) -> KubesecScanOptions {
        KubesecScanOptions(ruleIDs: ids, includeImageChecks: true,
                           imagePolicy: ImageRuleSettings(allowedRegistries: ["docker.io/library", "myregistry.io"]))
    }

    @Test(arguments: cases)
    func imageRule(_ test: Case) throws {
        let rule = try #require(ImageRules.rules(policy: ImageRuleSettings()).first { $0.id == test.id })
        let result = try Fixture.single(test.yaml, options: Self.options([test.id]))
        #expect(result.score == (test.matches ? rule.points : 0))
        #expect(Fixture.ids(result.scoring.critical) == (test.matches ? [test.id] : []))
    }

    @Test func imageRulesAreOffByDefault() throws {
        let yaml = Self.pod("  - {name: a, image: nginx}\n")
        let plain = try Fixture.single(yaml)
        #expect(plain.scoring.critical.isEmpty)
        #expect(throws: ManifestInputError.invalidRuleIDs(["ImageLatestTag"])) {
            try Fixture.scan(yaml, options: KubesecScanOptions(ruleIDs: ["ImageLatestTag"]))
        }
        let withImages = try Fixture.single(yaml, options: KubesecScanOptions(includeImageChecks: true))
        #expect(Fixture.ids(withImages.scoring.critical) == ["ImageLatestTag", "ImageWithoutDigest"])
        #expect(withImages.score == -4)
    }

    @Test func registryRuleNeedsAnAllowList() throws {
        let yaml = Self.pod("  - {name: a, image: \"evil.com/x:1\"}\n")
        let result = try Fixture.single(yaml, options: KubesecScanOptions(ruleIDs: ["ImageRegistryNotAllowed"], includeImageChecks: true))
        #expect(result.score == 0)
    }

    @Test func cronJobImagesAreChecked() throws {
        let yaml = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: a, image: \"nginx:latest\"}]\n"
        let result = try Fixture.single(yaml, options: Self.options(["ImageLatestTag"]))
        #expect(result.score == -3)
    }
}
