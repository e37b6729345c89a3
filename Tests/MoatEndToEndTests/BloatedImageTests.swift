import Foundation
import ImageAnalysis
import MoatTesting
import Testing

/// `bloated`: minbase + apache2 curl wget vim-tiny python3, a layer adding /root/.ssh/id_rsa and a 2 MB config.ini,
/// a layer deleting the key and overwriting config.ini; secret in Env, ports 80 and 5432, runs as root.
@Suite("moat image on the bloated image")
struct BloatedImageTests {
    static let awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    func report() async throws -> FootprintReport {
        try await MoatCLI.report(input: try MoatCLI.images() + "/bloated.docker.tar")
    }

    @Test("the private key deleted in layer 4 is still reported in layer index 2, from the application")
    func deletedPrivateKey() async throws {
        let report = try await report()
        let key = try #require(report.finding(RuleCatalog.privateKey, path: "/root/.ssh/id_rsa"))
        #expect(key.layer == 2)
        #expect(key.origin == .application)
        #expect(key.severity == .critical)
        #expect(key.message.contains("deleted by layer 4"), "\(key.message)")
    }

    @Test("curl and wget come from the application layer")
    func networkTools() async throws {
        let report = try await report()
        for path in ["/usr/bin/curl", "/usr/bin/wget"] {
            let finding = try #require(report.finding(RuleCatalog.networkTool, path: path), "\(path) not reported")
            #expect(finding.origin == .application)
            #expect(finding.layer == 1)
            #expect(finding.severity == .high)
        }
    }

    @Test("the shell, apt and dpkg come from the base; the editor from the application")
    func baseAndApplicationContent() async throws {
        let report = try await report()
        let shells = report.findings(RuleCatalog.shell)
        #expect(!shells.isEmpty)
        #expect(shells.allSatisfy { $0.origin == .base && $0.layer == 0 })
        #expect(shells.contains { $0.path == "/usr/bin/dash" && ($0.details?["names"] ?? "").contains("sh") })
        let packageManagers = report.findings(RuleCatalog.osPackageManager)
        for path in ["/usr/bin/apt-get", "/usr/bin/dpkg"] {
            let finding = try #require(packageManagers.first { $0.path == path }, "\(path) not reported")
            #expect(finding.origin == .base)
        }
        let editor = try #require(report.findings(RuleCatalog.editor).first)
        #expect(editor.origin == .application)
        #expect(editor.details?["names"]?.contains("vi") == true, "\(editor.message)")
    }

    @Test("the secret in Env is reported as MOAT-S004")
    func envSecret() async throws {
        let secrets = try await report().findings(RuleCatalog.configSecret)
        let env = try #require(secrets.first { $0.details?["location"] == "Env" })
        #expect(env.details?["name"] == "AWS_SECRET_ACCESS_KEY")
        #expect(env.severity == .high)
    }

    /// The body lines of the private key, read from layer 3's blob with the system tar.
    static func privateKeyBody(images: String) throws -> [String] {
        let layout = images + "/bloated.oci"
        func json(_ path: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        }
        let manifests = try #require(try json(layout + "/index.json")["manifests"] as? [[String: Any]])
        let manifestDigest = try #require(manifests.first?["digest"] as? String)
        let layers = try #require(try json(layout + "/blobs/sha256/" + manifestDigest.dropFirst(7))["layers"] as? [[String: Any]])
        let layerDigest = try #require(layers.count == 4 ? layers[2]["digest"] as? String : nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-xzO", "--wildcards", "-f", layout + "/blobs/sha256/" + layerDigest.dropFirst(7), "*root/.ssh/id_rsa"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.runWithDefaultSignals()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
        try #require(lines.count > 10, "could not read the private key from bloated.oci layer 3")
        return lines
    }

    @Test("neither the Env secret nor the private key appears in any output format", arguments: ["table", "json", "sarif"])
    func noSecretsInOutput(format: String) async throws {
        let images = try MoatCLI.images()
        let keyLines = try Self.privateKeyBody(images: images)
        let run = try await MoatCLI.cached(["image", "--input", images + "/bloated.docker.tar", "--format", format])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("MOAT-S001"), "the key must be reported for the check to mean anything")
        #expect(run.stdout.contains("MOAT-S004"))
        for text in [run.stdout, run.stderr] {
            #expect(!text.contains(Self.awsSecret))
            #expect(!text.contains(Self.awsSecret.replacingOccurrences(of: "/", with: "\\/")))
            for line in keyLines { #expect(!text.contains(line), "private key material in \(format) output") }
        }
    }

    @Test("at least 2 MB is wasted, config.ini first among the paths")
    func waste() async throws {
        let report = try await report()
        #expect(report.waste.wastedBytes >= 2_000_000)
        let paths = report.waste.topPaths.map(\.path)
        #expect(paths.contains("/opt/app/config.ini"))
        #expect(paths.first == "/opt/app/config.ini")
        #expect(report.waste.efficiency < 1)
        #expect(report.findings(RuleCatalog.waste).count == 1)
    }

    @Test("two services, root, a full Debian base of one layer, not minimal")
    func configurationAndVerdict() async throws {
        let report = try await report()
        let services = try #require(report.findings(RuleCatalog.multipleServices).first)
        #expect(services.message.contains("80") && services.message.contains("5432"))
        #expect(report.findings(RuleCatalog.runsAsRoot).count == 1)
        #expect(report.findings(RuleCatalog.volume).contains { $0.message.contains("/var/lib/app") })
        #expect(!report.verdict.minimal)
        #expect(report.verdict.summary.hasPrefix("NOT MINIMAL"))
        #expect(report.base.kind == .full)
        #expect(report.base.layerCount == 1)
        #expect(report.layers.map(\.fromBase) == [true, false, false, false])
        #expect(report.os?.id == "debian")
        #expect(report.layers.count == 4)
    }
}
