import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("Verdict: minimal only when nothing contradicts 'just the application'")
struct VerdictTests {
    func scratchStyle(user: String = "65532:65532", extra: (inout TarBuilder) -> Void = { _ in }) -> TestImage {
        singleLayerImage(config: ContainerConfig(user: user, entrypoint: ["/app/server"]), createdBy: "COPY server /app/server # buildkit") { tar in
            tar.directories("app", "etc")
            tar.executable("app/server", bytes: elfBytes + [UInt8](repeating: 0x90, count: 4096))
            tar.file("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")
            tar.file("etc/group", "root:x:0:\nnonroot:x:65532:\n")
            extra(&tar)
        }
    }

    @Test("a static binary on scratch running as a non-root user is minimal")
    func minimal() async throws {
        let report = try await analyze(scratchStyle())
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
        #expect(report.verdict.minimal)
        #expect(report.verdict.summary.hasPrefix("MINIMAL"))
        #expect(report.base.kind == .scratch)
        #expect(report.summary.values.allSatisfy { $0 == 0 })
        #expect(report.recommendations.isEmpty)
    }

    @Test("low and info findings that are not leftovers keep the verdict minimal")
    func minimalDespiteNotes() async throws {
        let report = try await analyze(scratchStyle { tar in
            tar.directory("usr/bin")
            tar.executable("usr/bin/perl")
        })
        #expect(report.findings(RuleCatalog.interpreter).count == 1)
        #expect(report.verdict.minimal)
    }

    @Test("a shell, a secret or root breaks minimality, and the summary says which", arguments: [
        ("shell", "shell in image"), ("secret", "private key in image"), ("leftover", "build caches or temporary files left behind"),
    ])
    func notMinimal(kind: String, title: String) async throws {
        let report = try await analyze(scratchStyle { tar in
            switch kind {
            case "shell": tar.directory("bin"); tar.executable("bin/sh")
            case "secret": tar.file("app/key.pem", privateKeyPEM)
            default: tar.directory("tmp"); tar.blob("tmp/build.log", size: 10)
            }
        })
        #expect(!report.verdict.minimal)
        #expect(report.verdict.summary.hasPrefix("NOT MINIMAL: "))
        #expect(report.verdict.summary.contains("1 × \(title)"), "\(report.verdict.summary)")
    }

    @Test("running as root alone does not make the content non-minimal, but is reported")
    func rootOnly() async throws {
        let report = try await analyze(scratchStyle(user: "0"))
        #expect(report.ruleIDs == [RuleCatalog.runsAsRoot.id])
        #expect(report.verdict.minimal)
    }
}
