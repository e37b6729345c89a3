import Testing
@testable import DockerfileLint

/// A good final stage so each test only sees the rule under test.
private let tail = "USER 10001\nCMD [\"/app\"]\n"

private func ids(_ text: String, _ config: LintConfig = LintConfig()) throws -> Set<String> { Set(try lintIDs(text, config: config)) }

@Suite struct BaseImageRuleTests {
    @Test func untaggedAndLatest() throws {
        #expect(try ids("FROM alpine\n" + tail).contains("MOAT-D001"))
        #expect(try ids("FROM alpine:latest\n" + tail).contains("MOAT-D002"))
        let pinned = try ids("FROM alpine:3.20\n" + tail)
        #expect(!pinned.contains("MOAT-D001") && !pinned.contains("MOAT-D002"))
        #expect(!(try ids("FROM alpine@sha256:" + String(repeating: "a", count: 64) + "\n" + tail)).contains("MOAT-D001"))
        #expect(!(try ids("FROM scratch\n" + tail)).contains("MOAT-D001"))
    }

    @Test func digest() throws {
        #expect(try ids("FROM alpine:3.20\n" + tail).contains("MOAT-D003"))
        #expect(!(try ids("FROM alpine:3.20@sha256:" + String(repeating: "b", count: 64) + "\n" + tail)).contains("MOAT-D003"))
    }

    @Test func trustedRegistries() throws {
        let config = LintConfig(trustedRegistries: ["docker.io", "*.corp.example"])
        #expect(try ids("FROM quay.io/org/app:1\n" + tail, config).contains("MOAT-D004"))
        #expect(!(try ids("FROM reg.corp.example/app:1\n" + tail, config)).contains("MOAT-D004"))
        #expect(!(try ids("FROM alpine:3.20\n" + tail, config)).contains("MOAT-D004"))
        #expect(!(try ids("FROM quay.io/org/app:1\n" + tail)).contains("MOAT-D004"), "off without a list")
        let copyFrom = try findings("FROM alpine:3.20\nCOPY --from=ghcr.io/x/y:1 /a /a\n" + tail, config: config)
        #expect(copyFrom.contains { $0.ruleID == "MOAT-D004" && $0.line == 2 })
    }

    @Test func publisher() throws {
        #expect(try ids("FROM someuser/app:1\n" + tail).contains("MOAT-D005"))
        #expect(!(try ids("FROM python:3.12-slim\n" + tail)).contains("MOAT-D005"))
        #expect(!(try ids("FROM gcr.io/distroless/static:nonroot\n" + tail)).contains("MOAT-D005"))
        #expect(!(try ids("FROM someuser/app:1\n" + tail, LintConfig(trustedPublishers: ["someuser/"]))).contains("MOAT-D005"))
    }

    @Test func minimalVariant() throws {
        let found = try findings("FROM python:3.12\n" + tail)
        let message = try #require(found.first { $0.ruleID == "MOAT-D006" }).message
        #expect(message.contains("python:3.12-slim"))
        #expect(try ids("FROM httpd\n" + tail).contains("MOAT-D006"))
        #expect(!(try ids("FROM python:3.12-slim\n" + tail)).contains("MOAT-D006"))
        #expect(!(try ids("FROM python:3.12 AS build\nFROM python:3.12-slim\n" + tail)).contains("MOAT-D006"), "only the final base")
    }

    @Test func argResolvedImageIsChecked() throws {
        #expect(try ids("ARG TAG=latest\nFROM alpine:${TAG}\n" + tail).contains("MOAT-D002"))
        #expect(!(try ids("FROM $UNKNOWN\n" + tail)).contains("MOAT-D001"))
    }
}

@Suite struct FinalStageRuleTests {
    @Test func packageManagerKept() throws {
        #expect(try ids("FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n" + tail).contains("MOAT-D010"))
        let split = "FROM debian:12 AS build\nRUN apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\nFROM gcr.io/distroless/base:nonroot\n" + tail
        #expect(!(try ids(split)).contains("MOAT-D010"))
    }

    @Test func downloaderKeptUnlessRemoved() throws {
        let install = "FROM alpine:3.20\nRUN apk add --no-cache curl\n" + tail
        #expect(try findings(install).contains { $0.ruleID == "MOAT-D011" && $0.line == 2 })
        let removed = "FROM alpine:3.20\nRUN apk add --no-cache curl && curl -o /x https://e/x && apk del curl\n" + tail
        #expect(!(try ids(removed)).contains("MOAT-D011"))
    }

    @Test func editorsAndDebugTools() throws {
        let text = "FROM alpine:3.20\nRUN apk add --no-cache vim strace\n" + tail
        let found = try ids(text)
        #expect(found.contains("MOAT-D012"))
        #expect(found.contains("MOAT-D014"))
        #expect(!(try ids("FROM alpine:3.20\nRUN apk add --no-cache tzdata\n" + tail)).contains("MOAT-D012"))
    }

    @Test func buildToolsInFinalOfMultiStage() throws {
        let text = "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:12-slim\nRUN apt-get install -y --no-install-recommends gcc libssl-dev && rm -rf /var/lib/apt/lists/*\n" + tail
        let found = try findings(text)
        #expect(found.contains { $0.ruleID == "MOAT-D013" && $0.line == 4 && $0.message.contains("gcc") && $0.message.contains("libssl-dev") })
        #expect(!found.contains { $0.ruleID == "MOAT-D016" })
    }

    @Test func buildStageInheritedByFinalCounts() throws {
        let text = "FROM debian:12 AS base\nRUN apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*\nFROM base\n" + tail
        #expect(try ids(text).contains("MOAT-D013"))
    }

    @Test func noMultiStage() throws {
        #expect(try ids("FROM alpine:3.20\nRUN apk add --no-cache build-base\n" + tail).contains("MOAT-D016"))
        #expect(try ids("FROM golang:1.22\nRUN go build -o /app .\n" + tail).contains("MOAT-D016"))
        #expect(!(try ids("FROM alpine:3.20\nRUN apk add --no-cache tzdata\n" + tail)).contains("MOAT-D016"))
    }

    @Test func buildOnlyShell() throws {
        #expect(try ids("FROM alpine:3.20\nRUN apk add --no-cache bash\n" + tail).contains("MOAT-D015"))
        #expect(!(try ids("FROM alpine:3.20\nRUN apk add --no-cache bash\nUSER 1\nENTRYPOINT [\"bash\", \"-c\", \"x\"]\n")).contains("MOAT-D015"))
    }

    @Test func multipleServices() throws {
        #expect(try ids("FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends nginx postgresql && rm -rf /var/lib/apt/lists/*\n" + tail).contains("MOAT-D034"))
        #expect(try ids("FROM debian:12-slim\nUSER 1\nCMD [\"/usr/bin/supervisord\", \"-n\"]\n").contains("MOAT-D034"))
        #expect(try ids("FROM nginx:1.27\nRUN apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*\n" + tail).contains("MOAT-D034"))
        #expect(!(try ids("FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*\n" + tail)).contains("MOAT-D034"))
    }

    @Test func volume() throws {
        #expect(try findings("FROM alpine:3.20\nVOLUME /var/lib/data\n" + tail).contains { $0.ruleID == "MOAT-D035" && $0.message.contains("/var/lib/data") })
        #expect(!(try ids("FROM alpine:3.20\n" + tail)).contains("MOAT-D035"))
    }
}

@Suite struct PackageRuleTests {
    @Test func aptRecommendsAndYes() throws {
        let bad = try ids("FROM debian:12\nRUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*\n" + tail)
        #expect(bad.contains("MOAT-D020") && bad.contains("MOAT-D044"))
        let good = try ids("FROM debian:12\nRUN apt-get update && apt-get install -qy --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" + tail)
        #expect(!good.contains("MOAT-D020") && !good.contains("MOAT-D044"))
    }

    @Test func aptLists() throws {
        #expect(try ids("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends tini\n" + tail).contains("MOAT-D021"))
        #expect(!(try ids("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n" + tail)).contains("MOAT-D021"))
        #expect(!(try ids("FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends tini\n" + tail)).contains("MOAT-D021"))
        // An unused builder stage is not reported (as hadolint).
        #expect(!(try ids("FROM debian:12 AS unused\nRUN apt-get update\nFROM alpine:3.20\n" + tail)).contains("MOAT-D021"))
    }

    @Test func apkNoCache() throws {
        #expect(try ids("FROM alpine:3.20\nRUN apk add tini\n" + tail).contains("MOAT-D022"))
        #expect(!(try ids("FROM alpine:3.20\nRUN apk add --no-cache tini\n" + tail)).contains("MOAT-D022"))
        #expect(!(try ids("FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add tini\n" + tail)).contains("MOAT-D022"))
    }

    @Test func pipNoCacheDir() throws {
        #expect(try ids("FROM python:3.12-slim\nRUN pip install flask\n" + tail).contains("MOAT-D023"))
        #expect(try ids("FROM python:3.12-slim\nRUN python3 -m pip install flask\n" + tail).contains("MOAT-D023"))
        #expect(!(try ids("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n" + tail)).contains("MOAT-D023"))
        #expect(!(try ids("FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n" + tail)).contains("MOAT-D023"))
    }

    @Test func addRules() throws {
        let found = try findings("FROM alpine:3.20\nADD app.py /app/\nADD https://e.com/x.tgz /x\nADD vendor.tar.gz /v/\nADD --checksum=sha256:abc https://e.com/y /y\nCOPY a /a\n" + tail)
        #expect(found.contains { $0.ruleID == "MOAT-D024" && $0.line == 2 })
        #expect(found.contains { $0.ruleID == "MOAT-D025" && $0.line == 3 })
        #expect(found.contains { $0.ruleID == "MOAT-D026" && $0.line == 4 })
        #expect(!found.contains { $0.line == 5 || $0.line == 6 })
    }
}

@Suite struct SecretUserRuleTests {
    @Test func secretNamesWithoutValues() throws {
        let found = try findings("FROM alpine:3.20\nENV DB_PASSWORD=hunter2-very-secret\nARG GITHUB_TOKEN\nLABEL api_key=\"abc123\"\nENV PASSWORD_FILE=/run/secrets/pw HOME=/app\n" + tail)
        let lines = found.filter { $0.ruleID == "MOAT-D030" }.map(\.line)
        #expect(lines == [2, 3, 4])
        #expect(!found.contains { $0.message.contains("hunter2") || $0.message.contains("abc123") })
    }

    @Test func credentialShapedValue() throws {
        let key = "AKIA" + "ABCDEFGHIJKLMNOP"
        let found = try findings("FROM alpine:3.20\nENV SOME_SETTING=\(key)\n" + tail)
        let finding = try #require(found.first { $0.ruleID == "MOAT-D031" })
        #expect(finding.severity == .error)
        #expect(!finding.message.contains(key))
        #expect(!(try ids("FROM alpine:3.20\nENV GREETING=hello\n" + tail)).contains("MOAT-D031"))
    }

    @Test func noUserInFinalStage() throws {
        #expect(try findings("FROM alpine:3.20 AS b\nUSER 1\nFROM alpine:3.20\nCMD [\"x\"]\n").contains { $0.ruleID == "MOAT-D032" && $0.line == 3 })
        #expect(!(try ids("FROM alpine:3.20\n" + tail)).contains("MOAT-D032"))
        #expect(!(try ids("FROM gcr.io/distroless/static:nonroot\nCMD [\"x\"]\n")).contains("MOAT-D032"))
    }

    @Test func rootUser() throws {
        for user in ["root", "0", "root:root", "0:0"] {
            #expect(try ids("FROM alpine:3.20\nUSER \(user)\n").contains("MOAT-D033"), "USER \(user)")
        }
        #expect(!(try ids("FROM alpine:3.20\nUSER root\nRUN x\nUSER app\n")).contains("MOAT-D033"))
        #expect(!(try ids("FROM alpine:3.20\nUSER rooty\n")).contains("MOAT-D033"))
    }
}

@Suite struct MiscRuleTests {
    @Test func shellFormCommands() throws {
        #expect(try findings("FROM alpine:3.20\nUSER 1\nCMD python app.py\n").contains { $0.ruleID == "MOAT-D040" && $0.line == 3 })
        #expect(!(try ids("FROM alpine:3.20\n" + tail)).contains("MOAT-D040"))
    }

    @Test func sudoAndApt() throws {
        let found = try ids("FROM debian:12\nRUN sudo apt install -y x\n" + tail)
        #expect(found.contains("MOAT-D041") && found.contains("MOAT-D046"))
        #expect(!(try ids("FROM debian:12\nRUN echo sudo\n" + tail)).contains("MOAT-D041"))
    }

    @Test func duplicateStages() throws {
        #expect(try findings("FROM alpine:3.20 AS a\nFROM alpine:3.20 AS A\n" + tail).contains { $0.ruleID == "MOAT-D042" && $0.line == 2 })
        #expect(!(try ids("FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\n" + tail)).contains("MOAT-D042"))
    }

    @Test func curlAndWget() throws {
        #expect(try ids("FROM alpine:3.20\nRUN curl -o a x\nRUN wget -q y\n" + tail).contains("MOAT-D043"))
        #expect(!(try ids("FROM alpine:3.20\nRUN curl -o a x\n" + tail)).contains("MOAT-D043"))
    }

    @Test func pipefail() throws {
        #expect(try ids("FROM alpine:3.20\nRUN curl -s x | sh\n" + tail).contains("MOAT-D045"))
        #expect(!(try ids("FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -s x | sh\n" + tail)).contains("MOAT-D045"))
        #expect(!(try ids("FROM alpine:3.20\nRUN a || b\n" + tail)).contains("MOAT-D045"))
    }

    @Test func cleanDockerfileHasOnlyDigestAdvice() throws {
        let text = """
            # syntax=docker/dockerfile:1
            FROM golang:1.22-alpine AS build
            RUN go build -o /out/app ./cmd/app
            FROM gcr.io/distroless/static:nonroot
            COPY --from=build /out/app /app
            USER 65532
            ENTRYPOINT ["/app"]

            """
        #expect(try ids(text) == ["MOAT-D003"])
    }

    @Test func ruleTableIsConsistent() {
        let all = LintRule.all
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(all.allSatisfy { $0.id.hasPrefix("MOAT-D") && !$0.title.isEmpty && !$0.help.isEmpty })
        let hadolint = all.compactMap(\.hadolintID)
        #expect(Set(hadolint).count == hadolint.count)
        #expect(LintRule.markdownCatalogue().contains("hadolint: DL3007"))
    }

    @Test func outputFormats() throws {
        let found = try findings("FROM alpine\n" + tail)
        #expect(LintOutput.text(found).contains("Dockerfile:1 MOAT-D001 warning:"))
        #expect(LintOutput.text(found).contains("(hadolint: DL3006)"))
        let json = try LintOutput.json(found)
        #expect(json.contains("\"code\":\"MOAT-D001\""))
        #expect(json.contains("\"level\":\"warning\""))
    }
}
