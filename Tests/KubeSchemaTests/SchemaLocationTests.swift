import Foundation
import Testing
@testable import KubeSchema

/// Schemas from local directories and the settings that select them.
struct SchemaLocationTests {
    /// A draft-4 schema (no `$schema`) for a custom kind, with a `$ref` into its own definitions.
    static let widgetSchema = #"""
        {"type":"object","additionalProperties":false,"required":["spec"],
         "properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
                       "spec":{"$ref":"#/definitions/spec"}},
         "definitions":{"spec":{"type":"object","additionalProperties":false,"required":["size"],
            "properties":{"size":{"type":"integer","minimum":1},"name":{"type":"string","pattern":"^[a-z]+$"}}}}}
        """#

    static func widget(_ spec: String) -> String {
        #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":"# + spec + "}"
    }

    static func validator(version: String? = nil, directory: String) throws -> KubernetesSchemaValidator {
        try KubernetesSchemaValidator(settings: SchemaSettings.resolve(
            kubernetesVersion: version, schemaLocations: [], schemaDirectories: [directory], environment: [:]))
    }

    @Test func schemaDirectoryInKubeconformLayout() throws {
        let directory = try Documents.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/v1.30.0-standalone-strict/widget-example-v1.json"
        try Documents.write(Self.widgetSchema, to: file)
        let validator = try Self.validator(version: "1.30.0", directory: directory)
        let location = "file://" + URL(fileURLWithPath: file).standardizedFileURL.path + "#"

        #expect(validator.validate(try Documents.json(Self.widget(#"{"size":2,"name":"ok"}"#))) == [.valid])
        // A reference with one failing cause is hidden by v6; with two it prints "validation failed".
        #expect(validator.validate(try Documents.json(Self.widget(#"{"name":"ok"}"#))) == [.invalid(
            "problem validating schema. Check JSON formatting: jsonschema validation failed with '\(location)'"
                + " - at '/spec': missing property 'size'")])
        #expect(validator.validate(try Documents.json(Self.widget(#"{"size":0,"name":"Bad"}"#))) == [.invalid(
            "problem validating schema. Check JSON formatting: jsonschema validation failed with '\(location)'"
                + " - at '/spec': validation failed   - at '/spec/name': 'Bad' does not match pattern '^[a-z]+$'"
                + "   - at '/spec/size': minimum: got 0, want 1")])
        // Kubernetes 1.30.0 is not bundled: core kinds need schemas in the directory too.
        #expect(validator.validate(try Documents.json(ResourceTests.pod)) == [.error("could not find schema for Pod")])
    }

    @Test func flatSchemaDirectoryNextToTheBundledSchemas() throws {
        let directory = try Documents.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Documents.write(Self.widgetSchema, to: directory + "/widget-example-v1.json")
        let validator = try Self.validator(directory: directory)
        #expect(validator.validate(try Documents.json(Self.widget(#"{"size":1}"#))) == [.valid])
        #expect(validator.validate(try Documents.json(ResourceTests.pod)) == [.valid])
        #expect(validator.validate(try Documents.json(ResourceTests.deploymentWithoutSelector))
            == [Documents.invalid("deployment-apps-v1.json", "- at '/spec': missing property 'selector'")])
    }

    @Test func schemaLocationTemplates() throws {
        let directory = try Documents.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Documents.write(Self.widgetSchema, to: directory + "/example.com/widget_v1.json")
        let template = directory + "/{{ .Group }}/{{.ResourceKind}}_{{ .ResourceAPIVersion }}.json"
        let settings = try SchemaSettings.resolve(
            kubernetesVersion: nil, schemaLocations: ["default", template], schemaDirectories: [], environment: [:])
        #expect(settings.locations == [.bundled, .local(template)])
        let validator = try KubernetesSchemaValidator(settings: settings)
        #expect(validator.validate(try Documents.json(Self.widget("{}"))).count == 1)
        #expect(validator.validate(try Documents.json(Self.widget(#"{"size":3}"#))) == [.valid])
    }

    @Test func unusableSchemaFilesAreSkipped() throws {
        let directory = try Documents.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Documents.write("{not json", to: directory + "/widget-example-v1.json")
        try Documents.write(##"{"$ref":"#"}"##, to: directory + "/gadget-example-v1.json")
        let validator = try Self.validator(directory: directory)
        #expect(validator.validate(try Documents.json(Self.widget("{}"))) == [.error("could not find schema for Widget")])
        let gadget = #"{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"}}"#
        #expect(validator.validate(try Documents.json(gadget)) == [.error("could not find schema for Gadget")])
    }

    @Test func defaultsAreTheBundledSchemas() throws {
        let settings = try SchemaSettings.resolve(kubernetesVersion: nil, schemaLocations: [], schemaDirectories: [], environment: [:])
        #expect(settings == SchemaSettings(kubernetesVersion: "1.37.0", locations: [.bundled]))
        #expect(SchemaSettings.bundledKubernetesVersion == "1.37.0")
        let explicit = try SchemaSettings.resolve(kubernetesVersion: "v1.37.0", schemaLocations: [], schemaDirectories: [], environment: [:])
        #expect(explicit.kubernetesVersion == "1.37.0")
    }

    @Test func otherVersionsNeedLocalSchemas() {
        #expect(throws: SchemaSettingsError.unsupportedVersion(requested: "1.30.0", bundled: "1.37.0")) {
            try SchemaSettings.resolve(kubernetesVersion: "1.30.0", schemaLocations: [], schemaDirectories: [], environment: [:])
        }
        #expect(throws: SchemaSettingsError.unsupportedVersion(requested: "master", bundled: "1.37.0")) {
            try SchemaSettings.resolve(kubernetesVersion: nil, schemaLocations: [], schemaDirectories: [],
                                       environment: ["K8S_SCHEMA_VER": "master"])
        }
        #expect(SchemaSettingsError.unsupportedVersion(requested: "1.30.0", bundled: "1.37.0").description
            .contains("moat bundles Kubernetes 1.37.0 only"))
    }

    @Test func remoteLocationsAreRefusedExceptKubeconformsDefault() throws {
        #expect(throws: SchemaSettingsError.remoteLocation("https://example.com/schemas")) {
            try SchemaLocation.parse("https://example.com/schemas")
        }
        #expect(try SchemaLocation.parse("https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master") == .bundled)
        #expect(try SchemaLocation.parse("default") == .bundled)
        #expect(try SchemaLocation.parse("/schemas") == .local("/schemas" + SchemaPathTemplate.standaloneSuffix))
        #expect(try SchemaLocation.parse("file:///schemas/{{ .ResourceKind }}.json") == .local("/schemas/{{ .ResourceKind }}.json"))
        #expect(throws: SchemaSettingsError.self) { try SchemaLocation.parse("/schemas/{{ .Nope }}.json") }
    }

    @Test func environmentIsUsedWhenFlagsAreAbsent() throws {
        let environment = ["SCHEMA_LOCATION": "/a,/b", "K8S_SCHEMA_VER": "1.29.0"]
        let fromEnvironment = try SchemaSettings.resolve(kubernetesVersion: nil, schemaLocations: [], schemaDirectories: [], environment: environment)
        #expect(fromEnvironment.kubernetesVersion == "1.29.0")
        #expect(fromEnvironment.locations == [
            .local("/a" + SchemaPathTemplate.standaloneSuffix), .local("/b" + SchemaPathTemplate.standaloneSuffix),
        ])
        let fromFlags = try SchemaSettings.resolve(kubernetesVersion: "1.37.0", schemaLocations: ["default"], schemaDirectories: [], environment: environment)
        #expect(fromFlags == SchemaSettings(kubernetesVersion: "1.37.0", locations: [.bundled]))
    }
}
