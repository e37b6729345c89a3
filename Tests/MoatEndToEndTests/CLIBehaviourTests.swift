import Foundation
import ImageAnalysis
import MoatTesting
import Testing

@Suite("moat command line: exit codes, output file, formats, ignore file, errors")
struct CLIBehaviourTests {
    @Test("--exit-code 3 --fail-on high exits 3 on bloated and 0 on scratch")
    func exitCode() async throws {
        let images = try MoatCLI.images()
        let bloated = try await MoatCLI.run(["image", "--input", images + "/bloated.docker.tar", "--exit-code", "3", "--fail-on", "high", "--format", "json", "--scanners", "footprint,secret"])
        #expect(bloated.status == 3, "\(bloated.stderr)")
        #expect(!bloated.stdout.isEmpty, "the report is still printed when the policy fails")
        let scratch = try await MoatCLI.run(["image", "--input", images + "/scratch.docker.tar", "--exit-code", "3", "--fail-on", "high"])
        #expect(scratch.status == 0, "\(scratch.stderr)")
        #expect(scratch.stdout.contains("Verdict"))
    }

    @Test("without --exit-code a failing image still exits 0")
    func defaultExitCode() async throws {
        let run = try await MoatCLI.cached(["image", "--input", try MoatCLI.images() + "/bloated.docker.tar", "--format", "json", "--scanners", "footprint,secret"])
        #expect(run.status == 0)
    }

    @Test("--output writes the report to the file and nothing to stdout")
    func outputFile() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/report.json"
        let run = try await MoatCLI.run(["image", "--input", try MoatCLI.images() + "/scratch.oci.tar", "--format", "json", "--scanners", "footprint,secret", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let report = try JSONDecoder().decode(FootprintReport.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(report.schemaVersion == 1)
        #expect(report.verdict.minimal)
    }

    @Test("--output to a FIFO writes through it and leaves it a FIFO (an atomic rename would replace it, as it once replaced /dev/null)")
    func outputToSpecialFile() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/report.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.runWithDefaultSignals()
        let run = try await MoatCLI.run(["image", "--input", try MoatCLI.images() + "/scratch.oci.tar", "--format", "json", "--scanners", "footprint,secret", "--output", fifo])
        let received = pipe.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(FootprintReport.self, from: received)
        #expect(report.verdict.minimal)
        let type = try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType
        #expect(type != nil && type != .typeRegular)
    }

    @Test("--format sarif is valid SARIF 2.1.0 listing every rule")
    func sarif() async throws {
        let run = try await MoatCLI.cached(["image", "--input", try MoatCLI.images() + "/bloated.docker.tar", "--format", "sarif"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        let runObject = try #require((document["runs"] as? [[String: Any]])?.first)
        let driver = try #require((runObject["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == RuleCatalog.all.map(\.id))
        let results = try #require(runObject["results"] as? [[String: Any]])
        #expect(results.count > 10)
        #expect(results.allSatisfy { $0["ruleId"] is String && $0["level"] is String && $0["partialFingerprints"] != nil })
        #expect(results.contains { $0["ruleId"] as? String == "MOAT-S001" && $0["level"] as? String == "error" })
    }

    @Test("--ignore-file suppresses MOAT-C001 and counts it")
    func ignoreFile() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/moatignore"
        try "# root is accepted in this test\nMOAT-C001\n".write(toFile: path, atomically: true, encoding: .utf8)
        let images = try MoatCLI.images()
        let baseline = try await MoatCLI.report(input: images + "/bloated.docker.tar")
        let report = try await MoatCLI.report(input: images + "/bloated.docker.tar", extra: ["--ignore-file", path])
        #expect(baseline.findings(RuleCatalog.runsAsRoot).count == 1)
        #expect(report.findings(RuleCatalog.runsAsRoot).isEmpty)
        #expect(report.ignoredFindings == 1)
        #expect(report.findings.count == baseline.findings.count - 1)
    }

    @Test("a malformed ignore file is an error naming file and line")
    func badIgnoreFile() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/moatignore"
        try "MOAT-C001\nMOAT-F001 someday\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try await MoatCLI.run(["image", "--input", try MoatCLI.images() + "/scratch.oci.tar", "--ignore-file", path])
        #expect(run.status == 1)
        #expect(run.stderr.contains(path + ":2"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("a missing file exits 1 naming it")
    func missingFile() async throws {
        let path = NSTemporaryDirectory() + "moat-does-not-exist-\(UUID().uuidString).tar"
        let run = try await MoatCLI.run(["image", "--input", path])
        #expect(run.status == 1)
        #expect(run.stderr.contains(path), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!run.stderr.contains("Usage:"), "a runtime error is one line, not a usage text: \(run.stderr)")
    }

    @Test("a file that is not an image exits 1 naming it", arguments: ["text", "tar"])
    func notAnImage(kind: String) async throws {
        var tar = TarBuilder()
        tar.file("hello.txt", "hello\n")
        let path = try temporaryFile(kind == "tar" ? tar.finished() : Array("just some text\n".utf8), suffix: kind == "tar" ? ".tar" : ".txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await MoatCLI.run(["image", "--input", path])
        #expect(run.status == 1)
        #expect(run.stderr.contains(path), "\(run.stderr)")
        #expect(run.stderr.contains("not an image") || run.stderr.contains("not a"), "\(run.stderr)")
        if kind == "text" { #expect(!run.stderr.contains("is a tar archive"), "\(run.stderr)") }
    }

    @Test("a bad --platform value exits 1 naming the value")
    func badPlatform() async throws {
        let run = try await MoatCLI.run(["image", "--input", try MoatCLI.images() + "/scratch.oci.tar", "--platform", "bad"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\"bad\""), "\(run.stderr)")
        #expect(run.stderr.contains("platform"))
    }

    @Test("no image given exits 1 and says what to give")
    func noImage() async throws {
        let run = try await MoatCLI.run(["image"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("--input"), "\(run.stderr)")
    }

    @Test("--help and --version exit 0", arguments: [["--help"], ["--version"], ["image", "--help"], ["help", "image"]])
    func helpAndVersion(arguments: [String]) async throws {
        let run = try await MoatCLI.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        if arguments == ["--version"] {
            #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        } else {
            #expect(run.stdout.contains("USAGE"), "\(run.stdout)")
        }
        #expect(run.stderr.isEmpty)
    }

    @Test("moat rules lists every rule id with its severity")
    func rules() async throws {
        let run = try await MoatCLI.run(["rules"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        for rule in RuleCatalog.all {
            #expect(lines.contains { $0.hasPrefix(rule.id + "  " + rule.severity.rawValue.uppercased()) }, "\(rule.id) missing")
        }
    }
}
