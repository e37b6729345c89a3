import ArgumentParser

/// `moat secret`: image pull secrets for private registries.
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Write and check Kubernetes image pull secrets (kubernetes.io/dockerconfigjson).",
        subcommands: [SecretDockerRegistryCommand.self, SecretCheckCommand.self]
    )
}
