import AdmissionService
import ArgumentParser
import Foundation
import ImagePolicy
import Registry
import VulnDB

/// `moat policy check`: the admission decision for images or manifests, before deploying.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check images and manifests against an admission policy.",
        subcommands: [PolicyCheckCommand.self]
    )
}

struct PolicyCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide, as the admission webhooks would, whether images or the pods of manifests may run.",
        discussion: """
        Evaluates the policy (docs/policy.md) for each image given, or for every container, init container and \
        ephemeral container of the workloads in the manifests (-f, repeatable; Pods, Deployments, ReplicaSets, \
        StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers, PodTemplates, Lists), and prints the \
        decision per container with every reason. Rules that need facts resolve tags in the registry, verify \
        signatures and scan images, exactly as moat serve does.

        Exit status: 0 when everything is allowed (audit-mode violations are warnings), 1 when something is denied.

        Examples:
          moat policy check --policy policy.yaml registry.example.com/team/app:1.4
          moat policy check --policy policy.yaml -f deploy/app.yaml --output json
        """
    )

    @Option(help: ArgumentHelp("The policy file.", valueName: "file"))
    var policy: String

    @Argument(help: ArgumentHelp("Images to check.", valueName: "image"))
    var images: [String] = []

    @Option(name: [.customShort("f"), .long], parsing: .singleValue, help: ArgumentHelp("Kubernetes manifests to check (repeatable).", valueName: "file"))
    var filename: [String] = []

    @Option(help: ArgumentHelp("Namespace the images are checked for (with image arguments).", valueName: "name"))
    var namespace: String?

    @Option(help: ArgumentHelp("Output: text or json.", valueName: "format"))
    var output = "text"

    @Option(help: ArgumentHelp("Cache directory (vulnerability database, layer cache).", valueName: "dir"))
    var cacheDir: String?

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    func validate() throws {
        guard !images.isEmpty || !filename.isEmpty else { throw ValidationError("give images to check, or manifests with -f") }
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
    }

    func run() async throws {
        let loaded = try AdmissionFacts.loadPolicy(policy)
        var subjects: [ManifestSubjects.Named] = []
        if !images.isEmpty {
            subjects.append(ManifestSubjects.Named(object: "images", subject: PolicySubject(
                namespace: namespace, annotations: [:],
                images: images.map { SubjectImage(image: $0, container: nil, role: .container, location: nil) })))
        }
        for file in filename {
            guard let data = FileManager.default.contents(atPath: file) else { throw RuntimeError("\(file): cannot read the manifest") }
            do {
                subjects += try ManifestSubjects.subjects(from: data, file: file)
            } catch {
                throw RuntimeError("\(error)")
            }
        }
        let client = try registry.client(cacheDirectory: cacheDir)
        let facts = try AdmissionFacts.make(client: client, cacheDirectory: cacheDir, deadline: .seconds(600))
        let engine = PolicyEngine(policy: loaded)
        var decisions: [(String, PolicySubject, PolicyDecision)] = []
        for named in subjects {
            decisions.append((named.object, named.subject, await engine.evaluate(named.subject, facts: facts)))
        }
        await client.shutdown()
        print(output == "json" ? PolicyReport.json(decisions) : PolicyReport.text(decisions), terminator: "")
        if decisions.contains(where: { !$0.2.allowed }) { throw ExitCode(1) }
    }
}
