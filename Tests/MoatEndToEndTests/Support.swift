import Foundation
import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

/// What one run of the `moat` binary produced.
struct MoatRun: Sendable {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var commandLine: String { "moat " + arguments.joined(separator: " ") }
}

/// Runs the built `moat` binary as a user would, in an empty working directory (so no stray `.moatignore` applies).
enum MoatCLI {
    static func binary() throws -> String {
        try #require(TestEnvironment.moatBinary, """
            the moat binary was not found beside the test bundle (or at MOAT_BINARY / .build/debug/moat); \
            build it with `swift build` before running the end-to-end tests
            """)
    }

    /// The real test images; fails the test with the documented message when they are absent.
    static func images() throws -> String {
        try #require(TestEnvironment.testImages, Comment(rawValue: TestEnvironment.missingImagesMessage))
    }

    /// The shared Alpine image; fails the test with the documented message when it is absent.
    static func alpine310() throws -> String {
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        let path = shared + "/images/alpine-3.10.docker.tar.gz"
        try #require(FileManager.default.fileExists(atPath: path), Comment(rawValue: TestEnvironment.missingSharedMessage + " (\(path))"))
        return path
    }

    /// Runs moat with the cache directory `cacheDirectory` (default: an empty one, so no user database leaks in).
    /// Waits without holding a thread: the tests run in parallel on the test process's few cooperative threads, and
    /// some serve registries, token servers and webhooks from those same threads while moat talks to them.
    static func run(_ arguments: [String], cacheDirectory: String? = nil, stdin: String? = nil,
                    environment extra: [String: String] = [:], deadline: Duration = .seconds(300)) async throws -> MoatRun {
        let binary = try binary()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/.stdout", errPath = directory + "/.stderr"
        try #require(FileManager.default.createFile(atPath: outPath, contents: nil))
        try #require(FileManager.default.createFile(atPath: errPath, contents: nil))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let stdin {
            let inPath = directory + "/.stdin"
            try #require(FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8)))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        var environment = ProcessInfo.processInfo.environment
        environment["MOAT_CACHE_DIR"] = cacheDirectory ?? directory + "/cache"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        // A moat that never ends fails its test with its stacks, instead of holding the whole run until CI gives up.
        let hang = Task { () -> String? in
            try await Task.sleep(for: deadline)
            guard process.isRunning else { return nil }
            let stacks = await ThreadDump.of(process.processIdentifier)
            kill(process.processIdentifier, SIGKILL)
            return stacks
        }
        defer { hang.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.runWithDefaultSignals()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        hang.cancel()
        if let stacks = try? await hang.value {
            Issue.record("moat \(arguments.joined(separator: " ")) did not finish within \(deadline); its threads were:\n\(stacks)")
        }
        try out.close()
        try err.close()
        return MoatRun(arguments: arguments, status: process.terminationStatus,
                       stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
                       stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self))
    }

    /// Runs once per argument list; several tests read the same report.
    static func cached(_ arguments: [String]) async throws -> MoatRun {
        try await cache.run(arguments)
    }

    private static let cache = RunCache()

    /// One run per argument list, shared by every test that asks while it runs or after.
    actor RunCache {
        private var runs: [[String]: Task<MoatRun, any Error>] = [:]

        func run(_ arguments: [String]) async throws -> MoatRun {
            if let running = runs[arguments] { return try await running.value }
            let started = Task { try await MoatCLI.run(arguments) }
            runs[arguments] = started
            return try await started.value
        }
    }

    /// `moat image --input PATH --format json`, checked for success and decoded.
    static func report(input path: String, extra: [String] = []) async throws -> FootprintReport {
        let run = try await cached(["image", "--input", path, "--format", "json", "--scanners", "footprint,secret"] + extra)
        try #require(run.status == 0, "\(run.commandLine) exited \(run.status): \(run.stderr)")
        return try JSONDecoder().decode(FootprintReport.self, from: Data(run.stdout.utf8))
    }
}

extension FootprintReport {
    func findings(_ rule: RuleDefinition) -> [Finding] { findings.filter { $0.ruleID == rule.id } }

    func finding(_ rule: RuleDefinition, path: String) -> Finding? {
        findings.first { $0.ruleID == rule.id && $0.path == path }
    }
}

extension MoatCLI {
    /// `moat copy SOURCE DESTINATION -q`: requires it to succeed and returns the manifest digest it prints.
    @discardableResult
    static func copy(_ source: String, _ destination: String, _ options: [String] = [], cacheDirectory: String? = nil) async throws -> String {
        let run = try await run(["copy", source, destination, "-q"] + options, cacheDirectory: cacheDirectory)
        try #require(run.status == 0, "moat copy \(source) \(destination): \(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A plain `docker-registry` on 127.0.0.1 with a scratch directory beside it, as most registry tests start: the
/// `--insecure-registry` flags moat needs for it, and one call that removes both.
struct RegistryWorkspace {
    let registry: RegistryServer
    let work: String

    var insecure: [String] { ["--insecure-registry", registry.host] }

    static func start() async throws -> RegistryWorkspace {
        let registry = try await RegistryServer.start(.plain)
        do {
            return RegistryWorkspace(registry: registry, work: try temporaryDirectory())
        } catch {
            await registry.stop()
            throw error
        }
    }

    func remove() {
        let registry = self.registry
        Task { await registry.stop() }
        try? FileManager.default.removeItem(atPath: work)
    }

    /// Pushes (with skopeo `--all`) an index of two images, linux/amd64 and linux/arm64, each one layer holding
    /// `app/arch` with its architecture; returns the index digest and the amd64 image.
    func pushTwoPlatformImage(repository: String, tag: String) async throws -> (indexDigest: String, amd64: TestImage) {
        var amd64 = TestImage()
        var arm64 = TestImage()
        arm64.platform = Platform(os: "linux", architecture: "arm64")
        for (architecture, image) in [("amd64", 0), ("arm64", 1)] {
            var tar = TarBuilder()
            tar.file("app/arch", architecture)
            if image == 0 { amd64.addLayer(tar) } else { arm64.addLayer(tar) }
        }
        let layout = work + "/\(repository.replacingOccurrences(of: "/", with: "-"))-multi"
        try ImageWriter.writeOCILayout([(nil, amd64), (nil, arm64)], to: layout, nestedIndex: true)
        try await Skopeo().copy(from: "oci:" + layout, to: registry.endpoint, repository: repository, tag: tag, allPlatforms: true)
        return (try await Skopeo().manifestDigest(registry.endpoint, repository: repository, reference: tag), amd64)
    }
}
