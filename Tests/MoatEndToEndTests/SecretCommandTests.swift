import Foundation
import MoatTesting
import Testing

/// `moat secret docker-registry` against the real `kubectl` on PATH, byte for byte, and `moat secret check`.
///
/// Documented differences between kubectl releases are accepted when the kubectl found is older (Debian's 1.20):
/// Go before 1.22 escaped `\b`/`\f` as `\u0008`/`\u000c` inside `.dockerconfigjson` (see docs/registry-credentials.md).
struct SecretCommandTests {
    static let kubectl: String? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    struct Output: Equatable {
        var status: Int32
        var stdout: [UInt8]
    }

    static func runKubectl(_ arguments: [String]) throws -> Output {
        let binary = try #require(kubectl, "kubectl is not on PATH")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["create", "secret", "docker-registry"] + arguments + ["--dry-run=client"]
        // An empty kubeconfig: the output must not depend on the user's current context.
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = directory + "/kubeconfig"
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.runWithDefaultSignals()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: Array(data))
    }

    static func runMoat(_ arguments: [String]) async throws -> (output: Output, stderr: String) {
        let run = try await MoatCLI.run(["secret", "docker-registry"] + arguments)
        return (Output(status: run.status, stdout: Array(run.stdout.utf8)), run.stderr)
    }

    /// kubectl built with Go < 1.22 escapes \b and \f differently inside .dockerconfigjson; rewrite its output to the
    /// current form so that only that documented difference is forgiven.
    static func modernised(_ output: Output) -> Output {
        var text = String(decoding: output.stdout, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var rewritten: [String] = []
        for line in lines {
            guard let range = line.range(of: ".dockerconfigjson\": \"") ?? line.range(of: ".dockerconfigjson: ") else {
                rewritten.append(line)
                continue
            }
            let prefix = String(line[..<range.upperBound])
            var value = String(line[range.upperBound...])
            let quoted = value.hasSuffix("\"")
            if quoted { value.removeLast() }
            guard let decoded = Data(base64Encoded: value) else {
                rewritten.append(line)
                continue
            }
            let json = String(decoding: decoded, as: UTF8.self)
                .replacingOccurrences(of: "\\u0008", with: "\\b").replacingOccurrences(of: "\\u000c", with: "\\f")
            rewritten.append(prefix + Data(json.utf8).base64EncodedString() + (quoted ? "\"" : ""))
        }
        text = rewritten.joined(separator: "\n")
        return Output(status: output.status, stdout: Array(text.utf8))
    }

    static func expectSameAsKubectl(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for format in ["yaml", "json"] {
            let expected = try runKubectl(arguments + ["-o", format])
            let (actual, stderr) = try await runMoat(arguments + ["-o", format])
            #expect(expected.status == 0, "kubectl failed for \(arguments)", sourceLocation: sourceLocation)
            let same = actual == expected || actual == modernised(expected)
            #expect(same, """
                moat differs from kubectl for \(arguments) -o \(format)
                kubectl:
                \(String(decoding: expected.stdout, as: UTF8.self))
                moat (status \(actual.status)):
                \(String(decoding: actual.stdout, as: UTF8.self))\(stderr)
                """, sourceLocation: sourceLocation)
        }
    }

    // MARK: - docker-registry, byte for byte

    @Test(.enabled(if: kubectl != nil, "kubectl is not on PATH"), arguments: [
        ["regcred", "--docker-username=alice", "--docker-password=s3cret"],
        ["regcred", "--docker-server=ghcr.io", "--docker-username=alice", "--docker-password=s3cret", "--docker-email=alice@example.com"],
        ["regcred", "--docker-server=127.0.0.1:5000", "--docker-username=u", "--docker-password=p", "-n", "prod"],
        ["regcred", "--docker-server=https://registry.example.com/v2/", "--docker-username=u", "--docker-password=p", "--namespace=team-a"],
        ["regcred", "--docker-server=a<b>&c", "--docker-username=<admin>", "--docker-password=p<>&\"'\\ é€😀", "--docker-email=a&b@<x>"],
        ["regcred", "--docker-username=ünïcødé", "--docker-password=пароль密码🔑", "--docker-email=é@x"],
        ["regcred", "--docker-username=u", "--docker-password=tab\there\nnew\rline\u{1}\u{7F}\u{2028}\u{2029}"],
        ["regcred", "--docker-username=u", "--docker-password=\u{8}\u{C}"],
        ["regcred", "--docker-username=" + String(repeating: "user", count: 100), "--docker-password=" + String(repeating: "0123456789", count: 500)],
        ["regcred", "--docker-username=u", "--docker-password=-starts-with-dash", "--docker-server=" + String(repeating: "r", count: 300) + ".example"],
        // pflag's syntax: separate values (even starting with '-'), empty values after '=', glued shorthands.
        ["--docker-username", "u", "regcred", "--docker-password", "-dash", "--docker-email="],
        ["regcred", "-nprod", "--docker-username=u", "--docker-password=p", "--docker-server", "ghcr.io"],
        ["regcred", "-n=prod", "--docker-username=u", "--docker-password=p", "--dry-run"],
    ])
    func dockerRegistryMatchesKubectl(_ arguments: [String]) async throws {
        try await Self.expectSameAsKubectl(arguments)
    }

    @Test(.enabled(if: kubectl != nil, "kubectl is not on PATH"), arguments: [
        "true", "yes", "1234", "1e3", "0x1F", "2001-01-01", "a: b", "#hash", "x #y", " lead", "trail ", "it's", "q\"q", "[x",
        "*x", "é", "a😀b", "tab\tname", "multi\nline\n", "two\n\n", String(repeating: "word ", count: 30) + "end",
        String(repeating: "it's ", count: 30), "a\u{2028}b", "a\u{85}b", "\u{FEFF}bom",
    ])
    func namesAndNamespacesAreQuotedLikeKubectl(_ name: String) async throws {
        try await Self.expectSameAsKubectl([name, "--docker-username=u", "--docker-password=p"])
        try await Self.expectSameAsKubectl(["regcred", "-n", name, "--docker-username=u", "--docker-password=p"])
    }

    @Test(.enabled(if: kubectl != nil, "kubectl is not on PATH"))
    func fromFileMatchesKubectl() async throws {
        let directory = try temporaryDirectory()
        let config = directory + "/config.json"
        try Data(#"{"auths":{"ghcr.io":{"auth":"YTpi"}},"credsStore":"desktop"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: config))
        let binary = directory + "/blob"
        try Data(pseudoRandomBytes(3000, seed: 3)).write(to: URL(fileURLWithPath: binary))
        try await Self.expectSameAsKubectl(["regcred", "--from-file=.dockerconfigjson=" + config])
        try await Self.expectSameAsKubectl(["regcred", "--from-file=b10=\(binary)", "--from-file=b9=\(config),B1=\(config)", "--from-file=_x=\(config)",
                                      "--from-file=1a=\(config)", "--from-file=true=\(config)", "--from-file=" + String(repeating: "k", count: 130) + "=" + config])

        // --from-docker-config FILE is kubectl's --from-file=.dockerconfigjson=FILE.
        for format in ["yaml", "json"] {
            let expected = try Self.runKubectl(["regcred", "--from-file=.dockerconfigjson=" + config, "-n", "prod", "-o", format])
            let (actual, _) = try await Self.runMoat(["regcred", "--from-docker-config", config, "-n", "prod", "-o", format])
            #expect(actual == expected)
        }
    }

    @Test(.enabled(if: kubectl != nil, "kubectl is not on PATH"), arguments: [
        [String](),
        ["a", "b", "--docker-username=u", "--docker-password=p"],
        ["s", "--docker-password=p"],
        ["s", "--docker-username=u"],
        ["s", "--docker-username=u", "--docker-password=p", "--docker-server="],
        ["s", "--from-file=/nonexistent/config.json"],
        ["s", "--from-file==config.json"],
        ["s", "--from-file=a=b=c"],
        ["s", "--from-file=bad key=/etc/hostname"],
        ["s", "--from-file=k=/etc/hostname", "--from-file=k=/etc/hostname"],
        ["s", "--from-file=k=/etc"],
        ["s", "--", "t", "--docker-username=u", "--docker-password=p"],
        ["s", "--docker-username=u", "--docker-password=p", "--no-such-flag"],
        ["s", "--docker-username=u", "--docker-password"],
    ])
    func invalidInputFailsLikeKubectl(_ arguments: [String]) async throws {
        let expected = try Self.runKubectl(arguments + ["-o", "yaml"])
        let (actual, stderr) = try await Self.runMoat(arguments + ["-o", "yaml"])
        #expect(expected.status != 0 && expected.stdout.isEmpty)
        #expect(actual.status != 0 && actual.stdout.isEmpty, "moat accepted \(arguments)")
        #expect(stderr.hasPrefix("moat: "), "\(stderr)")
    }

    @Test func kubectlMessagesForMissingFlags() async throws {
        let missing = try await Self.runMoat(["s", "--docker-password=p"])
        #expect(missing.output.status != 0)
        #expect(missing.stderr.contains("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required"))
        let noName = try await Self.runMoat(["--docker-username=u", "--docker-password=p"])
        #expect(noName.stderr.contains("exactly one NAME is required, got 0"))
        let output = try await Self.runMoat(["s", "--docker-username=u", "--docker-password=p", "-o", "wide"])
        #expect(output.output.status != 0 && output.stderr.contains("allowed formats are: json,yaml"))
    }

    // MARK: - check

    static let password = "Sup3r-S3cret-<&>"

    @Test func checkWithoutProbeListsUsersButNeverSecrets() async throws {
        let directory = try temporaryDirectory()
        let secretFile = directory + "/secret.yaml"
        let generated = try await Self.runMoat(["regcred", "--docker-server=ghcr.io", "--docker-username=alice", "--docker-password=" + Self.password, "-n", "prod"])
        #expect(generated.output.status == 0)
        try Data(generated.output.stdout).write(to: URL(fileURLWithPath: secretFile))

        let auth = Data("alice:\(Self.password)".utf8).base64EncodedString()
        for format in ["text", "json"] {
            let run = try await MoatCLI.run(["secret", "check", "--no-probe", "--format", format, secretFile])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("alice"))
            #expect(run.stdout.contains("ghcr.io"))
            #expect(run.stdout.contains("prod/regcred"))
            for secret in [Self.password, auth, Data(Self.password.utf8).base64EncodedString(), "S3cret"] {
                #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
            }
        }
        let text = try await MoatCLI.run(["secret", "check", "--no-probe", secretFile])
        #expect(text.stdout.contains("not-checked: --no-probe"))
        #expect(text.stdout.contains("(--no-probe)"))
    }

    @Test func checkSaysWhenNoProbeIsAvailable() async throws {
        let config = try temporaryFile(Array(#"{"auths":{"https://index.docker.io/v1/":{"auth":"\#(Data("bob:\(Self.password)".utf8).base64EncodedString())"}}}"#.utf8), suffix: ".json")
        let run = try await MoatCLI.run(["secret", "check", config])
        #expect(!run.stdout.contains(Self.password))
        #expect(run.stdout.contains("bob"))
        #expect(run.stdout.contains("docker.io"))
        // Either a probe tried the credential (the registry client is built in), or the output says none exists.
        #expect(run.stdout.contains("no registry probe") || [0, 2, 3].contains(run.status), "\(run.stdout)")
    }

    @Test func checkFailsWithStatusOneOnUnreadableInput() async throws {
        let missing = try await MoatCLI.run(["secret", "check", "--no-probe", "/nonexistent/secret.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/secret.yaml"))
        let bad = try temporaryFile(Array("kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: '!!!'\n".utf8), suffix: ".yaml")
        let malformed = try await MoatCLI.run(["secret", "check", "--no-probe", bad])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains(#"data[".dockerconfigjson"]: not valid base64"#))
    }
}
