import Testing
import Foundation
import OCIModel

@Suite("decodeJSON")
struct JSONDecodingTests {
    static let digestA = "sha256:" + String(repeating: "a", count: 64)
    static let digestB = "sha256:" + String(repeating: "b", count: 64)

    func failure<T: Decodable>(_ type: T.Type, _ json: String, what: String = "manifest sha256:abc") -> OCIModelError? {
        do {
            _ = try decodeJSON(type, from: Data(json.utf8), what: what)
            return nil
        } catch {
            return error
        }
    }

    func reason(_ error: OCIModelError?) -> String? {
        if case .invalidJSON(_, let reason)? = error { return reason }
        return nil
    }

    @Test("a missing top-level field is named")
    func missingTopLevel() {
        let error = failure(Manifest.self, #"{"config": {"mediaType": "x", "digest": "\#(Self.digestA)", "size": 1}, "layers": []}"#)
        #expect(reason(error) == #"missing field "schemaVersion" at top level"#)
        #expect(error?.description == #"manifest sha256:abc is not valid: missing field "schemaVersion" at top level"#)
    }

    @Test("a missing nested field is named with its path")
    func missingNested() {
        let json = #"{"schemaVersion": 2, "config": {"mediaType": "x", "size": 1}, "layers": []}"#
        #expect(reason(failure(Manifest.self, json)) == #"missing field "digest" at .config"#)
    }

    @Test("a missing field inside an array element names the index")
    func missingInArray() {
        let json = """
        {"schemaVersion": 2, "config": {"mediaType": "x", "digest": "\(Self.digestA)", "size": 1},
         "layers": [{"mediaType": "l", "digest": "\(Self.digestB)", "size": 2}, {"mediaType": "l", "digest": "\(Self.digestB)"}]}
        """
        #expect(reason(failure(Manifest.self, json)) == #"missing field "size" at .layers[1]"#)
    }

    @Test("a value of the wrong type is reported with its path")
    func typeMismatch() throws {
        let json = #"{"schemaVersion": "two", "config": {"mediaType": "x", "digest": "\#(Self.digestA)", "size": 1}, "layers": []}"#
        let text = try #require(reason(failure(Manifest.self, json)))
        #expect(text.hasPrefix("wrong type at .schemaVersion"))

        let nested = #"{"manifests": [{"mediaType": "x", "digest": "\#(Self.digestA)", "size": "big"}], "schemaVersion": 2}"#
        #expect(reason(failure(Index.self, nested))?.hasPrefix("wrong type at .manifests[0].size") == true)
    }

    @Test("a null where a value is required is reported")
    func nullValue() {
        let json = #"{"schemaVersion": null, "config": {"mediaType": "x", "digest": "\#(Self.digestA)", "size": 1}, "layers": []}"#
        let text = reason(failure(Manifest.self, json))
        #expect(text == "null value at .schemaVersion" || text == #"missing field "schemaVersion" at top level"#)
    }

    @Test("broken JSON syntax is reported as invalid")
    func syntax() {
        let error = failure(Manifest.self, #"{"schemaVersion": 2,"#, what: "index.json")
        guard case .invalidJSON(let what, let reason)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(what == "index.json")
        #expect(!reason.isEmpty)
        #expect(error?.description.hasPrefix("index.json is not valid: ") == true)
        #expect(failure(Manifest.self, "") != nil)
        #expect(failure(Manifest.self, "[]") != nil)
    }

    @Test("an invalid digest inside a document surfaces as a digest error")
    func invalidDigestInside() {
        let json = #"{"schemaVersion": 2, "config": {"mediaType": "x", "digest": "sha256:ABC", "size": 1}, "layers": []}"#
        let error = failure(Manifest.self, json)
        #expect(error == .invalidDigest("sha256:ABC", reason: "expected 64 lowercase hex digits"))
    }

    @Test("valid documents decode")
    func success() throws {
        let json = #"{"schemaVersion": 2, "config": {"mediaType": "x", "digest": "\#(Self.digestA)", "size": 7}, "layers": []}"#
        let manifest = try decodeJSON(Manifest.self, from: Data(json.utf8), what: "manifest")
        #expect(manifest.config.size == 7)
        #expect(manifest.layers.isEmpty)
    }
}
