import Foundation
import Testing
@testable import RegistryCredentials

struct CredentialCheckReportTests {
    static let file = CredentialFile.pullSecret(PullSecret(path: "s.yaml", secrets: [
        PullSecret.Secret(name: "regcred", namespace: "prod", type: PullSecret.dockerConfigJSONType, entries: [
            DockerAuthEntry(key: "ghcr.io", credential: .basic(username: "alice", password: "pw-a")),
            DockerAuthEntry(key: "https://index.docker.io/v1/", credential: .identityToken("id-secret-1")),
            DockerAuthEntry(key: "*.example.com", credential: .basic(username: "w", password: "pw-w")),
            DockerAuthEntry(key: "empty.example", credential: nil),
            DockerAuthEntry(key: "bad host", credential: .basic(username: "b", password: "pw-b")),
        ]),
    ]))

    @Test func probeResultsAndExitCodes() async {
        let allWork = await CredentialCheckReport.build(for: Self.file, probe: FakeProbe(answers: ["ghcr.io": .works, "docker.io": .works]), mode: .probed)
        #expect(allWork.exitCode == 0)
        #expect(allWork.items.map(\.status) == [
            .works, .works, .notChecked("wildcard key: no single registry to try"), .notChecked("no credential in this entry"),
            .notChecked("the kubelet ignores this key (not a valid URL)"),
        ])
        #expect(allWork.items.map(\.registry) == ["ghcr.io", "docker.io", nil, "empty.example", nil])

        let rejected = await CredentialCheckReport.build(for: Self.file, probe: FakeProbe(answers: ["ghcr.io": .rejected(reason: "401"), "docker.io": .unreachable(reason: "timeout")]), mode: .probed)
        #expect(rejected.exitCode == 2)
        let unreachable = await CredentialCheckReport.build(for: Self.file, probe: FakeProbe(answers: ["ghcr.io": .works]), mode: .probed)
        #expect(unreachable.exitCode == 3)
        #expect(unreachable.items[1].status == .unreachable("no such host"))
    }

    @Test func withoutAProbeNothingIsTriedAndTheReportSaysWhy() async {
        let unavailable = await CredentialCheckReport.build(for: Self.file, probe: nil, mode: .probed)
        #expect(unavailable.probeMode == .unavailable)
        #expect(unavailable.exitCode == 0)
        #expect(unavailable.items[0].status == .notChecked("no registry probe in this build"))
        #expect(unavailable.text().contains("this build of moat has no registry probe"))

        let disabled = await CredentialCheckReport.build(for: Self.file, probe: nil, mode: .disabled)
        #expect(disabled.items[0].status == .notChecked("--no-probe"))
        #expect(disabled.text().hasSuffix("Credentials were not tried against the registries (--no-probe).\n"))
    }

    @Test func textTable() async {
        let report = await CredentialCheckReport.build(for: Self.file, probe: FakeProbe(answers: ["ghcr.io": .works, "docker.io": .rejected(reason: "401 Unauthorized")]), mode: .probed)
        let lines = report.text().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "s.yaml: pull secret, 5 entries for 3 registries")
        #expect(lines[1].hasPrefix("SOURCE        KEY"))
        #expect(lines[2].hasPrefix("prod/regcred  ghcr.io ") && lines[2].hasSuffix("alice    works"))
        #expect(lines[3].contains("docker.io") && lines[3].contains("<token>") && lines[3].hasSuffix("rejected: 401 Unauthorized"))
        for secret in ["pw-a", "id-secret-1", "pw-w", "pw-b"] { #expect(!report.text().contains(secret) && !report.json().contains(secret)) }
    }

    @Test func jsonReport() async throws {
        let report = await CredentialCheckReport.build(for: Self.file, probe: nil, mode: .disabled)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["probe"] as? String == "disabled")
        #expect(object["exitCode"] as? Int == 0)
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.count == 5)
        #expect(entries[0]["username"] as? String == "alice")
        #expect(entries[0]["credential"] as? String == "basic")
        #expect(entries[0]["check"] as? String == "not-checked")
        #expect(entries[1]["registry"] as? String == "docker.io")
    }

    @Test func hostileTextIsEscaped() async {
        let file = CredentialFile.pullSecret(PullSecret(path: "s\n.yaml", secrets: [
            PullSecret.Secret(name: "x\u{1B}[2J", namespace: nil, type: PullSecret.dockerConfigJSONType, entries: [
                DockerAuthEntry(key: "ghcr.io", credential: .basic(username: "evil\r\nforged line", password: "p")),
            ]),
        ]))
        let text = await CredentialCheckReport.build(for: file, probe: nil, mode: .disabled).text()
        #expect(!text.contains("\u{1B}") && !text.contains("\r"))
        #expect(text.contains("x\\u{1b}[2J") && text.contains("evil\\u{d}\\u{a}forged line"))
        #expect(text.split(separator: "\n").count == 4)
    }

    @Test func dockerConfigWithHelpers() async throws {
        let (runner, _) = try Fixture.storeHelper(server: "ghcr.io", username: "stored", secret: "pw")
        let config = try DockerConfig(bytes: Array("""
        {"auths":{"quay.io":{"auth":"\(Fixture.base64("q:pw"))"},"ghcr.io":{}},"credsStore":"moattest","credHelpers":{"gcr.io":"absent"}}
        """.utf8), path: "c.json", helperRunner: runner)
        let report = await CredentialCheckReport.build(for: .dockerConfig(config), probe: FakeProbe(answers: ["ghcr.io": .works]), mode: .probed)
        #expect(report.fileKind == "docker config")
        #expect(report.items.map(\.registry) == ["quay.io", "ghcr.io", "gcr.io"])
        // credsStore answers for quay.io too (Docker ignores the inline auth then): the helper has nothing for it.
        #expect(report.items[0].status == .notChecked("no credential for this registry"))
        #expect(report.items[1].username == "stored" && report.items[1].status == .works)
        if case .error(let message) = report.items[2].status {
            #expect(message.contains("docker-credential-absent not found"))
        } else {
            Issue.record("missing helper not reported: \(report.items[2].status)")
        }
        #expect(report.exitCode == 1)
    }
}
