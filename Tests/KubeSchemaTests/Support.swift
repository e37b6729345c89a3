import Foundation
@testable import KubeSchema

enum Documents {
    /// Parses a JSON test document; a syntax error in a fixture is a bug in the test.
    static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    /// kubesec's default schema URL for a bundled file.
    static func url(_ file: String) -> String {
        "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.37.0-standalone-strict/\(file)#"
    }

    /// kubeconform's Invalid message for the bundled file and the given causes (already joined by " - at …").
    static func invalid(_ file: String, _ causes: String) -> ResourceOutcome {
        .invalid("problem validating schema. Check JSON formatting: jsonschema validation failed with '\(url(file))' \(causes)")
    }

    static func validate(_ text: String, with validator: KubernetesSchemaValidator = .bundled) throws -> [ResourceOutcome] {
        validator.validate(try json(text))
    }

    /// A temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kubeschema-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
