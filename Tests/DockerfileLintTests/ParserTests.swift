import Foundation
import Testing
@testable import DockerfileLint

@Suite struct ParserTests {
    @Test func continuationWithBackslashJoinsLinesAndKeepsRange() throws {
        let file = try parse("FROM alpine:3.20\nRUN apk add \\\n    curl \\\n    jq\nUSER app\n")
        let run = try #require(file.instructions.first { $0.keyword == "RUN" })
        #expect(run.startLine == 2)
        #expect(run.endLine == 4)
        #expect(run.arguments.text.contains("curl"))
        #expect(run.arguments.text.contains("jq"))
        #expect(file.instructions.last?.startLine == 5)
    }

    @Test func escapeDirectiveBacktickMakesBackslashLiteral() throws {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n    && echo hi\n"
        let file = try parse(text)
        #expect(file.escapeCharacter == "`")
        #expect(file.directives["escape"] == "`")
        let copy = try #require(file.instructions.first { $0.keyword == "COPY" })
        #expect(copy.startLine == 3 && copy.endLine == 3)
        let run = try #require(file.instructions.first { $0.keyword == "RUN" })
        #expect(run.startLine == 4 && run.endLine == 5)
        #expect(run.arguments.text.contains("&& echo hi"))
    }

    @Test func syntaxDirectiveIsRecordedOnlyAtTop() throws {
        let file = try parse("# syntax=docker/dockerfile:1.7\n# escape=\\\nFROM alpine:3.20\n# syntax=ignored\n")
        #expect(file.syntax == "docker/dockerfile:1.7")
        #expect(file.comments.map(\.text) == ["syntax=ignored"])
    }

    @Test func invalidEscapeDirectiveIsAnError() {
        #expect(throws: DockerfileParseError.invalidDirective(path: "Dockerfile", line: 1, message: "invalid escape directive 'x': it must be \\ or `")) {
            try parse("# escape=x\nFROM alpine\n")
        }
    }

    @Test func commentsAndBlankLinesInsideContinuationAreSkipped() throws {
        let file = try parse("FROM debian:12\nRUN apt-get update \\\n# a comment\n\n    && apt-get install -y tini\nCMD [\"tini\"]\n")
        let run = try #require(file.instructions.first { $0.keyword == "RUN" })
        #expect(run.endLine == 5)
        #expect(!run.arguments.text.contains("comment"))
        #expect(file.comments.contains { $0.line == 3 && $0.text == "a comment" })
        #expect(file.instructions.last?.keyword == "CMD")
    }

    @Test func heredocBodiesAndQuotedDelimiters() throws {
        let text = """
            FROM alpine:3.20
            RUN <<EOF
            apk add --no-cache curl
            echo done
            EOF
            COPY <<-"END" /etc/motd
            \thello $USER
            \tEND
            USER 1000

            """
        let file = try parse(text)
        let run = try #require(file.instructions.first { $0.keyword == "RUN" })
        #expect(run.heredocs.count == 1)
        #expect(run.heredocs[0].delimiter == "EOF")
        #expect(run.heredocs[0].body == "apk add --no-cache curl\necho done\n")
        #expect(run.startLine == 2 && run.endLine == 5)
        let copy = try #require(file.instructions.first { $0.keyword == "COPY" })
        #expect(copy.heredocs.first?.quoted == true)
        #expect(copy.heredocs.first?.stripsTabs == true)
        #expect(copy.heredocs.first?.body == "hello $USER\n")
        #expect(copy.endLine == 8)
        #expect(file.instructions.last?.startLine == 9)
    }

    @Test func twoHeredocsOnOneInstruction() throws {
        let file = try parse("FROM alpine:3.20\nCOPY <<A <<B /dst/\na\nA\nb\nB\n")
        let copy = try #require(file.instructions.last)
        #expect(copy.heredocs.map(\.delimiter) == ["A", "B"])
        #expect(copy.heredocs.map(\.body) == ["a\n", "b\n"])
    }

    @Test func hereStringIsNotAHeredoc() throws {
        let file = try parse("FROM alpine:3.20\nRUN cat <<< \"x\"\nUSER 1\n")
        #expect(file.instructions[1].heredocs.isEmpty)
        #expect(file.instructions.count == 3)
    }

    @Test func unterminatedHeredocNamesFileAndLine() {
        #expect(throws: DockerfileParseError.unterminatedHeredoc(path: "x/Dockerfile", line: 2, delimiter: "EOF")) {
            try parse("FROM alpine\nRUN <<EOF\necho hi\n", path: "x/Dockerfile")
        }
    }

    @Test func jsonFormVersusShellForm() throws {
        let file = try parse("FROM alpine:3.20\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT nginx -g daemon\nRUN [not json\n")
        #expect(file.instructions[1].arguments == .json(["nginx", "-g", "daemon off;"]))
        #expect(file.instructions[2].arguments == .shell("nginx -g daemon"))
        #expect(file.instructions[3].arguments == .shell("[not json"))
    }

    @Test func flagsAreParsed() throws {
        let text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache --network=none go build\nFROM scratch\nCOPY --from=build --chmod=0755 /out/app /app\n"
        let file = try parse(text)
        #expect(file.stages[0].platform == "$BUILDPLATFORM")
        let run = file.instructions[1]
        #expect(run.flag("mount") == "type=cache,target=/root/.cache")
        #expect(run.flag("network") == "none")
        #expect(run.arguments.text == "go build")
        let copy = file.instructions[3]
        #expect(copy.flag("from") == "build")
        #expect(copy.flag("chmod") == "0755")
        #expect(copy.flag("chown") == nil)
    }

    @Test func argBeforeFromIsSubstitutedIntoFrom() throws {
        let text = "ARG TAG=3.12\nARG BASE=python\nARG REG\nFROM ${BASE}:${TAG}-slim AS app\nFROM ${REG:-docker.io}/library/node:${NODE:-20}\nFROM $UNSET\n"
        let file = try parse(text)
        #expect(file.globalArgs.map(\.name) == ["TAG", "BASE", "REG"])
        #expect(file.stages[0].resolvedBaseImage == "python:3.12-slim")
        #expect(file.stages[0].baseImage == "${BASE}:${TAG}-slim")
        #expect(file.stages[1].resolvedBaseImage == "docker.io/library/node:20")
        #expect(file.stages[2].resolvedBaseImage == nil)
    }

    @Test func buildArgsOverrideDefaults() throws {
        let file = try DockerfileParser.parse("ARG TAG=1\nFROM alpine:$TAG\n", path: "D", buildArgs: ["TAG": "3.20"])
        #expect(file.stages[0].resolvedBaseImage == "alpine:3.20")
    }

    @Test func argAfterFromBelongsToTheStage() throws {
        let file = try parse("ARG V=1\nFROM alpine:3.20\nARG V\nARG OTHER=x\n")
        #expect(file.globalArgs.count == 1)
        #expect(file.stages[0].args.map(\.name) == ["V", "OTHER"])
        #expect(file.stages[0].args[1].defaultValue == "x")
    }

    @Test func expansionModifiers() {
        let vars = ["SET": "v", "EMPTY": ""]
        #expect(DockerfileParser.expand("${SET:+alt}", variables: vars).value == "alt")
        #expect(DockerfileParser.expand("${EMPTY:-d}", variables: vars).value == "d")
        #expect(DockerfileParser.expand("${EMPTY-d}", variables: vars).value == "")
        #expect(DockerfileParser.expand("${NOPE+a}", variables: vars).value == "")
        #expect(DockerfileParser.expand("\\$SET", variables: vars).value == "$SET")
        #expect(DockerfileParser.expand("$NOPE", variables: vars).complete == false)
    }

    @Test func stageNamesAndBaseStageReferences() throws {
        let file = try parse("FROM golang:1.22 AS Build\nFROM build AS test\nFROM gcr.io/distroless/static:nonroot\n")
        #expect(file.stages.map(\.name) == ["build", "test", nil])
        #expect(file.stages[1].baseStageIndex == 0)
        #expect(file.stages[2].baseStageIndex == nil)
        #expect(file.stage(named: "BUILD")?.index == 0)
        #expect(file.stage(named: "2")?.index == 2)
    }

    @Test func instructionBeforeFromIsAnError() {
        #expect(throws: DockerfileParseError.instructionBeforeFrom(path: "Dockerfile", line: 2, keyword: "RUN")) {
            try parse("# c\nRUN echo\nFROM alpine\n")
        }
    }

    @Test func unknownInstructionIsAnError() {
        #expect(throws: DockerfileParseError.unknownInstruction(path: "Dockerfile", line: 2, keyword: "RUNN")) {
            try parse("FROM alpine\nRUNN echo\n")
        }
    }

    @Test func crlfLineEndings() throws {
        let file = try parse("FROM alpine:3.20\r\nRUN echo a \\\r\n  b\r\nUSER 1\r\n")
        #expect(file.instructions.count == 3)
        #expect(file.instructions[1].endLine == 3)
    }
}
