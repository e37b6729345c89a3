import Foundation
import Testing
@testable import DockerfileLint

@Suite struct HostileInputTests {
    @Test func emptyAndCommentOnlyFiles() {
        for text in ["", "\n\n  \n", "# just a comment\n", "# syntax=docker/dockerfile:1\n"] {
            do {
                _ = try parse(text, path: "empty/Dockerfile")
                Issue.record("expected an error for \(text.debugDescription)")
            } catch let error as DockerfileParseError {
                #expect(error == .empty(path: "empty/Dockerfile"))
                #expect(error.description.contains("empty/Dockerfile"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func nulBytesNameTheLine() {
        #expect(throws: DockerfileParseError.binaryContent(path: "bin", line: 3)) {
            try DockerfileParser.parse(data: Data("FROM a\nRUN b\nx\u{0}y\n".utf8), path: "bin")
        }
        #expect(throws: DockerfileParseError.binaryContent(path: "bin", line: 1)) {
            try DockerfileParser.parse("\u{0}\u{1}\u{2}", path: "bin")
        }
    }

    @Test func invalidUTF8AndRandomBytes() {
        #expect(throws: DockerfileParseError.invalidEncoding(path: "g")) {
            try DockerfileParser.parse(data: Data([0x46, 0x52, 0xFF, 0xFE, 0x0A]), path: "g")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<256).map { _ in UInt8.random(in: 1...255, using: &generator) }
            // Must throw a DockerfileParseError or parse; never crash.
            do { _ = try DockerfileParser.parse(data: Data(bytes), path: "g") } catch { #expect(error is DockerfileParseError) }
        }
    }

    @Test func garbageTextNamesLine() {
        #expect(throws: DockerfileParseError.unknownInstruction(path: "g", line: 2, keyword: "%%%")) {
            try DockerfileParser.parse("FROM alpine\n%%% ???\n", path: "g")
        }
    }

    @Test func continuationAtEOF() {
        #expect(throws: DockerfileParseError.unterminatedContinuation(path: "c", line: 3)) {
            try DockerfileParser.parse("FROM alpine\nRUN echo a \\\n  b \\\n", path: "c")
        }
        #expect(throws: DockerfileParseError.unterminatedContinuation(path: "c", line: 2)) {
            try DockerfileParser.parse("FROM alpine\nRUN echo \\\n# only a comment\n\n", path: "c")
        }
    }

    @Test func tenMegabyteFileParsesAndLints() throws {
        let line = "RUN echo " + String(repeating: "x", count: 90) + "\n"
        let count = 10 * 1024 * 1024 / line.utf8.count
        let text = "FROM alpine:3.20\n" + String(repeating: line, count: count) + "USER 1\n"
        let file = try DockerfileParser.parse(text, path: "big")
        #expect(file.instructions.count == count + 2)
        let found = DockerfileLinter().lint(file)
        #expect(found.contains { $0.ruleID == "MOAT-D003" })
    }

    @Test func oversizeInputIsRefused() {
        #expect(throws: DockerfileParseError.tooLarge(path: "huge", bytes: 2048, limit: 1024)) {
            try DockerfileParser.parse(String(repeating: "#", count: 2048), path: "huge", maxBytes: 1024)
        }
    }

    @Test func hugeSingleContinuedInstructionIsBounded() {
        let text = "FROM alpine\nRUN " + String(repeating: "echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \\\n", count: 120_000) + "true\n"
        #expect(throws: DockerfileParseError.lineTooLong(path: "long", line: 2, limit: DockerfileParser.maxInstructionBytes)) {
            try DockerfileParser.parse(text, path: "long")
        }
    }

    @Test func readsFromFileURL() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("Dockerfile-\(UUID().uuidString)")
        try Data("FROM alpine:3.20\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try DockerfileParser.parse(contentsOf: url).path == url.path)
        #expect(throws: DockerfileParseError.self) { try DockerfileParser.parse(contentsOf: url, maxBytes: 4) }
    }
}
