import Admission
import Foundation
import Testing

@Suite struct JSONPatchTests {
    @Test func pointerTokensAreEscapedTildeFirst() {
        #expect(JSONPointer.escape("image") == "image")
        #expect(JSONPointer.escape("a/b") == "a~1b")
        #expect(JSONPointer.escape("a~b") == "a~0b")
        // "~1" in a key must not turn into "/" when read back: "~" is escaped first.
        #expect(JSONPointer.escape("~1") == "~01")
        #expect(JSONPointer.escape("x.image-policy.k8s.io/ticket") == "x.image-policy.k8s.io~1ticket")
        #expect(JSONPointer.make(["metadata", "annotations", "example.com/a~b"]) == "/metadata/annotations/example.com~1a~0b")
        #expect(JSONPointer.make([]) == "")
        #expect(JSONPointer.make([""]) == "/")
    }

    @Test func pointersParseBack() {
        for tokens in [["spec", "containers", "0", "image"], ["a/b", "~1", "~", "", "ü/~"], [], [""]] {
            #expect(JSONPointer.tokens(JSONPointer.make(tokens)) == tokens)
        }
        #expect(JSONPointer.tokens("no-leading-slash") == nil)
        #expect(JSONPointer.tokens("/a~2b") == nil)
        #expect(JSONPointer.tokens("/trailing~") == nil)
        #expect(JSONPointer.tokens("/a//b") == ["a", "", "b"])
    }

    @Test func patchDocumentAndBase64() throws {
        let patch = JSONPatch([.replace("/spec/containers/0/image", with: "ghcr.io/acme/app@sha256:00")])
        let json = String(decoding: patch.json(), as: UTF8.self)
        #expect(json == #"[{"op":"replace","path":"/spec/containers/0/image","value":"ghcr.io/acme/app@sha256:00"}]"#)
        #expect(patch.base64() == patch.json().base64EncodedString())
        #expect(JSONPatch([]).base64() == "W10=")
        // Every padding length matches Foundation's encoder.
        for length in 0..<8 {
            let value = String(repeating: "v", count: length)
            let operations = JSONPatch([.test("/a", equals: value)])
            #expect(operations.base64() == operations.json().base64EncodedString())
        }
        #expect(JSONPatchOperation.replace("/a~1b", with: "q\"").description == #"{"op":"replace","path":"/a~1b","value":"q\""}"#)
    }

    /// Go's JSON Patch (through kubectl) resolves our escaped pointers to keys holding '/' and '~'.
    @Test func kubectlResolvesEscapedPointers() async throws {
        let object = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","annotations":{"example.com/ti~cket":"old"}},"data":{}}"#
        let pointer = JSONPointer.make(["metadata", "annotations", "example.com/ti~cket"])
        #expect(pointer == "/metadata/annotations/example.com~1ti~0cket")
        let patch = JSONPatch([.test(pointer, equals: "old"), .replace(pointer, with: "new")])
        let patched = try Oracle.object(try await Kubectl.applyJSONPatch(String(decoding: patch.json(), as: UTF8.self), to: object))
        #expect((patched["metadata"] as? [String: Any]).flatMap { $0["annotations"] as? [String: String] } == ["example.com/ti~cket": "new"])
    }
}
