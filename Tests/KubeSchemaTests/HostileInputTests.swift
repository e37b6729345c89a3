import Foundation
import Testing
@testable import KubeSchema

/// Inputs built to hurt: deep nesting and huge arrays must give an answer, not a crash or a hang.
struct HostileInputTests {
    @Test func deeplyNestedInstanceHitsTheDepthLimit() throws {
        let directory = try Documents.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Every member of a nest is a nest again: a recursive schema that descends as far as the instance does.
        let schema = ##"{"type":"object","properties":{"deep":{"$ref":"#/definitions/nest"}},"##
            + ##""definitions":{"nest":{"type":"object","additionalProperties":{"$ref":"#/definitions/nest"}}}}"##
        try Documents.write(schema, to: directory + "/nest-example-v1.json")
        let validator = try SchemaLocationTests.validator(directory: directory)
        var value = JSONValue.object([:])
        for _ in 0..<2_000 { value = .object(["a": value]) }
        let document = JSONValue.object([
            "apiVersion": .string("example.com/v1"), "kind": .string("Nest"), "deep": value,
        ])
        let outcomes = validator.validate(document)
        guard case .invalid(let message) = outcomes.first else {
            Issue.record("expected invalid, got \(outcomes)")
            return
        }
        #expect(message.hasSuffix("nested deeper than \(SchemaEvaluation.maxDepth) levels"))
    }

    @Test func deeplyNestedSchemaFileIsRejectedByTheParser() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func hugeArraysAreValidatedInOnePass() throws {
        let container = JSONValue.object(["name": .string("a"), "image": .string("nginx")])
        var containers = [JSONValue](repeating: container, count: 100_000)
        containers[99_999] = .object(["name": .number(1)])
        let pod = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("Pod"), "metadata": .object(["name": .string("p")]),
            "spec": .object(["containers": .array(containers)]),
        ])
        #expect(KubernetesSchemaValidator.bundled.validate(pod)
            == [Documents.invalid("pod-v1.json", "- at '/spec/containers/99999/name': got number, want string")])
    }

    @Test func manyErrorsAreAllReported() throws {
        let labels = Dictionary(uniqueKeysWithValues: (0..<1_000).map { ("k\($0)", JSONValue.number(Double($0))) })
        let pod = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("Pod"),
            "metadata": .object(["name": .string("p"), "labels": .object(labels)]),
        ])
        guard case .invalid(let message) = KubernetesSchemaValidator.bundled.validate(pod).first else {
            Issue.record("expected invalid")
            return
        }
        #expect(message.components(separatedBy: " - at '/metadata/labels/").count == 1_001)
    }
}
