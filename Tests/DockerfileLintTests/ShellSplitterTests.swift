import Testing
@testable import DockerfileLint

@Suite struct ShellSplitterTests {
    @Test func splitsOnOperatorsOutsideQuotes() {
        let commands = ShellSplitter.commands(in: "apt-get update && apt-get install -y curl; echo 'a && b' | tee x || true")
        #expect(commands.map(\.name) == ["apt-get", "apt-get", "echo", "tee", "true"])
        #expect(commands[2].arguments == ["a && b"])
        #expect(commands[2].followedBy == "|")
    }

    @Test func removesAssignmentsWrappersAndPaths() {
        let commands = ShellSplitter.commands(in: "DEBIAN_FRONTEND=noninteractive sudo -u root /usr/bin/apt-get install -y x")
        #expect(commands.count == 1)
        #expect(commands[0].name == "apt-get")
        #expect(commands[0].wrappers == ["sudo"])
        #expect(commands[0].arguments == ["install", "-y", "x"])
    }

    @Test func redirectionsAreNotArguments() {
        let commands = ShellSplitter.commands(in: "apt-get install -y curl > /dev/null 2>&1")
        #expect(commands[0].arguments == ["install", "-y", "curl"])
    }

    @Test func pythonDashMPipBecomesPip() {
        #expect(ShellSplitter.commands(in: "python3 -m pip install flask").first?.name == "pip")
    }

    @Test func optionClusters() {
        let command = ShellSplitter.commands(in: "apt-get -qy install x")[0]
        #expect(command.hasOption(short: ["y"]))
        #expect(!command.hasOption(long: ["--no-install-recommends"]))
    }

    @Test func commandSubstitutionAndComments() {
        let commands = ShellSplitter.commands(in: "echo $(curl -s x) # wget here\nls")
        #expect(commands.map(\.name) == ["echo", "curl", "ls"])
    }

    @Test func doublePipeIsNotAPipe() {
        #expect(!ShellSplitter.hasPipe("a || b"))
        #expect(ShellSplitter.hasPipe("a | b"))
        #expect(!ShellSplitter.hasPipe("echo 'a | b'"))
    }
}
