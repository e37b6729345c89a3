import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("RootUserRule: uid 0 in every spelling")
struct RootUserRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var user: String?
        var passwd: String?
        /// nil: no MOAT-C001 expected.
        var severity: Severity?
        var messageFragment: String = ""
        var testDescription: String { "USER \(user.map { "\"\($0)\"" } ?? "unset")\(passwd == nil ? "" : " with /etc/passwd")" }
    }

    static let passwd = """
        root:x:0:0:root:/root:/bin/sh
        toor:x:0:0:backdoor:/root:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        nonroot:x:65532:65532::/home/nonroot:/sbin/nologin

        """

    static let cases: [Case] = [
        Case(user: nil, severity: .high, messageFragment: "sets no USER"),
        Case(user: "", severity: .high, messageFragment: "sets no USER"),
        Case(user: "root", severity: .high, messageFragment: "uid 0"),
        Case(user: "0", severity: .high, messageFragment: "uid 0"),
        Case(user: "0:0", severity: .high, messageFragment: "uid 0"),
        Case(user: "root:root", severity: .high, messageFragment: "uid 0"),
        Case(user: "toor", passwd: passwd, severity: .high, messageFragment: "has uid 0 in /etc/passwd"),
        Case(user: "ghost", passwd: passwd, severity: .medium, messageFragment: "not in the image's /etc/passwd"),
        Case(user: "ghost", passwd: nil, severity: .medium, messageFragment: "not in the image's /etc/passwd"),
        Case(user: "65532:65532", passwd: nil, severity: nil),
        Case(user: "65532", passwd: passwd, severity: nil),
        Case(user: "nonroot", passwd: passwd, severity: nil),
        Case(user: "nobody:nogroup", passwd: passwd, severity: nil),
    ]

    @Test("USER decides whether the image runs as root", arguments: cases)
    func rootUser(_ testCase: Case) async throws {
        let image = singleLayerImage(config: ContainerConfig(user: testCase.user)) { tar in
            tar.directory("etc")
            if let passwd = testCase.passwd { tar.file("etc/passwd", passwd) }
        }
        let report = try await analyze(image)
        let findings = report.findings(RuleCatalog.runsAsRoot)
        guard let severity = testCase.severity else {
            #expect(findings.isEmpty, "\(findings.map(\.message))")
            return
        }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.severity == severity)
        #expect(finding.origin == .config)
        #expect(finding.message.contains(testCase.messageFragment), "\(finding.message)")
        #expect(finding.details?["user"] == (testCase.user ?? ""))
    }

    @Test("/etc/passwd is read as the container sees it: a later layer's rewrite wins")
    func passwdFromTopLayer() async throws {
        var base = TarBuilder()
        base.directory("etc")
        base.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
        var app = TarBuilder()
        app.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:0:0::/home/app:/bin/sh\n")
        var image = TestImage()
        image.containerConfig = ContainerConfig(user: "app")
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(app, createdBy: "RUN usermod -o -u 0 app")
        let report = try await analyze(image)
        let finding = try #require(report.findings(RuleCatalog.runsAsRoot).first)
        #expect(finding.message.contains("uid 0"))
    }
}
