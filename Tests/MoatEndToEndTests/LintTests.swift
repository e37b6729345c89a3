import Foundation
import MoatTesting
import Testing

@Suite("moat lint")
struct LintTests {
    @Test("a bloated Dockerfile fails with hadolint-mapped ids; a clean multi-stage one passes; parse errors exit 1 naming the line")
    func lint() async throws {
        let bad = try temporaryFile(Array("FROM python:3.12\nRUN apt-get update && apt-get install curl\nENV DB_PASSWORD=hunter2\nCMD python app.py\n".utf8), suffix: ".Dockerfile")
        let good = try temporaryFile(Array("""
        FROM golang:1.22@sha256:\(String(repeating: "a", count: 64)) AS build
        RUN go build -o /out/app ./...
        FROM gcr.io/distroless/static-debian12:nonroot@sha256:\(String(repeating: "b", count: 64))
        COPY --from=build /out/app /app
        USER 65532:65532
        ENTRYPOINT ["/app"]

        """.utf8), suffix: ".Dockerfile")
        let broken = try temporaryFile(Array("FROM alpine:3.19\nRUN echo \\\n".utf8), suffix: ".Dockerfile")
        defer { for path in [bad, good, broken] { try? FileManager.default.removeItem(atPath: path) } }
        let failed = try await MoatCLI.run(["lint", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("MOAT-D020 info: apt-get install without --no-install-recommends (hadolint: DL3015)"))
        #expect(failed.stdout.contains("DB_PASSWORD") && !failed.stdout.contains("hunter2"), "secret values are never printed")
        let json = try await MoatCLI.run(["lint", "--format", "json", bad])
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(findings.contains { $0["code"] as? String == "MOAT-D040" && $0["hadolint"] as? String == "DL3025" && $0["line"] as? Int == 4 })
        let passed = try await MoatCLI.run(["lint", "--failure-threshold", "warning", good])
        #expect(passed.status == 0, "\(passed.stdout)")
        let error = try await MoatCLI.run(["lint", broken])
        #expect(error.status == 1)
        #expect(error.stderr.contains(broken + ":2"), "\(error.stderr)")
    }
}
