import Foundation
import MoatTesting
import Testing
@testable import RegistryCredentials

/// Files built to hurt: each fails fast with a clear error naming the file, and nothing crashes.
struct HostileInputTests {
    static let billionLaughs: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        lines.append("kind: Secret")
        lines.append("type: kubernetes.io/dockerconfigjson")
        lines.append("stringData: {.dockerconfigjson: '{}'}")
        lines.append("metadata: {labels: *a9}")
        return lines.joined(separator: "\n")
    }()

    @Test func yamlAliasBombIsCapped() throws {
        let clock = ContinuousClock()
        var caught: CredentialError?
        let elapsed = clock.measure {
            do { _ = try PullSecret(bytes: Array(Self.billionLaughs.utf8), path: "bomb.yaml") } catch let error as CredentialError { caught = error } catch {}
        }
        #expect(caught?.code == .limitExceeded)
        #expect(caught?.message.hasPrefix("bomb.yaml: expands to more than") == true)
        #expect(elapsed < .seconds(20))
    }

    @Test func aliasAsMappingKeyIsRefusedBeforeParsing() throws {
        let yaml = "a: &k {x: [1, 2]}\nb:\n  *k : v\nkind: Secret\n"
        let error = #expect(throws: CredentialError.self) { try PullSecret(bytes: Array(yaml.utf8), path: "k.yaml") }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message == "k.yaml: aliases and complex values are not supported as mapping keys")
    }

    @Test func modestAliasUseIsFine() throws {
        let yaml = """
        x: &cfg '{"auths":{"ghcr.io":{"auth":"\(Fixture.base64("a:b"))"}}}'
        kind: Secret
        type: kubernetes.io/dockerconfigjson
        stringData: {.dockerconfigjson: *cfg}
        """
        #expect(try PullSecret(bytes: Array(yaml.utf8), path: "ok.yaml").credential(forRegistry: "ghcr.io")?.username == "a")
    }

    @Test func deepYAMLNestingIsRefusedBeforeParsing() throws {
        let yaml = "kind: Secret\nx: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let error = #expect(throws: CredentialError.self) { try PullSecret(bytes: Array(yaml.utf8), path: "deep.yaml") }
        #expect(error?.message == "deep.yaml: nested deeper than 64 levels")
        var block = "kind: Secret\n"
        for level in 0..<200 { block += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect(throws: CredentialError(.limitExceeded, "")) { try PullSecret(bytes: Array(block.utf8), path: "deep.yaml") }
    }

    @Test func deepJSONNestingIsRefused() throws {
        let json = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: CredentialError.self) { try DockerConfig(bytes: Array(json.utf8), path: "deep.json") }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("nested deeper than 64 levels") == true)
        #expect(throws: CredentialError(.limitExceeded, "")) { try PullSecret(bytes: Array(json.utf8), path: "deep.json") }
    }

    @Test func manyValuesAreRefused() throws {
        var limits = CredentialLimits()
        limits.maxNodes = 1000
        let json = "{\"auths\":{" + (0..<2000).map { "\"r\($0).io\":{}" }.joined(separator: ",") + "}}"
        #expect(throws: CredentialError(.limitExceeded, "")) { try DockerConfig(bytes: Array(json.utf8), path: "many.json", limits: limits) }
    }

    @Test func hugeFilesAreRefused() throws {
        var limits = CredentialLimits()
        limits.maxFileBytes = 4096
        let path = try temporaryFile(Array(repeating: UInt8(ascii: " "), count: 10_000), suffix: ".json")
        let error = #expect(throws: CredentialError.self) { try DockerConfig(contentsOf: path, limits: limits) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message == path + ": larger than the limit of 4096 bytes")
        #expect(throws: CredentialError(.unreadableFile, "")) { try PullSecret(contentsOf: path, limits: limits) }
    }

    @Test func endlessDeviceIsCappedNotReadForever() throws {
        var limits = CredentialLimits()
        limits.maxFileBytes = 1 << 16
        #expect(throws: CredentialError(.unreadableFile, "")) { try PullSecret(contentsOf: "/dev/zero", limits: limits) }
    }

    @Test func directoryIsNotAFile() throws {
        let directory = try temporaryDirectory()
        let error = #expect(throws: CredentialError.self) { try PullSecret(contentsOf: directory) }
        #expect(error?.message == directory + ": is a directory")
    }

    @Test func binaryGarbageIsMalformed() throws {
        let garbage = pseudoRandomBytes(4096, seed: 7)
        #expect(throws: CredentialError.self) { try PullSecret(bytes: garbage, path: "g") }
        #expect(throws: CredentialError(.malformedFile, "")) { try DockerConfig(bytes: garbage, path: "g") }
        #expect(throws: CredentialError.self) { try PullSecret(bytes: [0xFF, 0xFE, 0x00, 0x41], path: "g") }
    }

    @Test func wrongTypesEverywhere() throws {
        let cases: [(String, String)] = [
            (#"{"auths":{"ghcr.io":{"auth":["x"]}}}"#, #"g.json: auths["ghcr.io"].auth: expected a string, found a list"#),
            (#"{"auths":{"ghcr.io":{"identitytoken":{"a":1}}}}"#, #"g.json: auths["ghcr.io"].identitytoken: expected a string, found a mapping"#),
            (#"{"auths":{"ghcr.io":{"registrytoken":false}}}"#, #"g.json: auths["ghcr.io"].registrytoken: expected a string, found a boolean"#),
            (#"{"auths":"ghcr.io"}"#, "g.json: auths: expected a mapping of registries, found a string"),
            (#""auths""#, "g.json: expected a JSON object, found a string"),
        ]
        for (json, expected) in cases {
            let error = #expect(throws: CredentialError.self) { try DockerConfig(bytes: Array(json.utf8), path: "g.json") }
            #expect(error?.message == expected)
        }
    }

    @Test func hostileKeysAreEscapedInMessages() throws {
        let json = #"{"auths":{"evil\u001b[31m\n":{"auth":"@"}}}"#
        let error = #expect(throws: CredentialError.self) { try DockerConfig(bytes: Array(json.utf8), path: "g.json") }
        #expect(error?.message == #"g.json: auths["evil\u{1b}[31m\n"].auth: not valid base64"#)
    }

    @Test func invalidJSONEscapesAndSurrogates() throws {
        #expect(throws: CredentialError(.malformedFile, "")) { try DockerConfig(bytes: Array(#"{"auths":{"\x":{}}}"#.utf8), path: "g") }
        #expect(throws: CredentialError(.malformedFile, "")) { try DockerConfig(bytes: Array(#"{"auths":{"a":{}},}"#.utf8), path: "g") }
        // A lone surrogate decodes to U+FFFD, as in Go.
        let config = try DockerConfig(bytes: Array(#"{"auths":{"\ud800x":{"username":"u","password":"p"}}}"#.utf8), path: "g")
        #expect(config.auths.first?.key == "\u{FFFD}x")
    }
}
