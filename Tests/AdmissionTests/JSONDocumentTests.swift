@testable import Admission
import Foundation
import Testing

/// The parser against RFC 8259, with Foundation's parser as the reference for what is valid JSON.
@Suite struct JSONDocumentTests {
    static let valid = [
        "0", "-0", "1.5e10", "-1E-2", "1e+2", "123456789012345678901234567890", #""""#, #""\u00e9\ud83d\ude00\n\/\"\\""#,
        "[]", "{}", "[[[]]]", #"{"a":{"b":[1,{"c":null}]}}"#, " \t\r\n[ 1 , true , false , null ] \n", #"{"":""}"#,
        "\"\u{7F}\u{10FFFF}ü\"",
    ]
    static let invalid = [
        "01", "1.", ".5", "+1", "1e", "-", "--1", "0x10", "NaN", "Infinity", "[1,]", "[,1]", "{,}", #"{"a"}"#, #"{"a":}"#,
        #"{"a":1,}"#, #"{1:2}"#, "'a'", #""\a""#, #""\u12""#, #""\uD800\u0041""#, "[1 2]", "{\"a\":1 \"b\":2}", "tRue", "nul", "[",
        "]", "\"\u{1}\"",
    ]

    @Test func acceptsValidJSON() throws {
        for text in Self.valid {
            #expect(throws: Never.self, "\(text)") { _ = try JSONDocument(bytes: Array(text.utf8), limits: .default) }
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil, "reference refuses \(text)")
        }
    }

    @Test func refusesInvalidJSON() {
        for text in Self.invalid {
            #expect(throws: AdmissionError.self, "\(text)") { _ = try JSONDocument(bytes: Array(text.utf8), limits: .default) }
        }
    }

    @Test func decodesStringsAsFoundationDoes() throws {
        let text = #"["plain","\u00e9t\u00E9","\ud83d\ude00","a\"b\\c\/d\b\f\n\r\t","üñí©ødé ✓"]"#
        let document = try JSONDocument(bytes: Array(text.utf8), limits: .default)
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String])
        var decoded: [String] = []
        try document.forEachElement(JSONDocument.root) { (_, element) throws(AdmissionError) in decoded.append(document.text(element)) }
        #expect(decoded == reference)
    }

    @Test func tapeRecordsRangesAndSkips() throws {
        let text = #"{"a":[1,{"b":"x"}],"c":true}"#
        let document = try JSONDocument(bytes: Array(text.utf8), limits: .default)
        let a = try #require(document.member(JSONDocument.root, "a"))
        #expect(String(decoding: document.rawValue(a), as: UTF8.self) == #"[1,{"b":"x"}]"#)
        #expect(document.count(a) == 2)
        let c = try #require(document.member(JSONDocument.root, "c"))
        #expect(document.kind(c) == .true)
        #expect(document.member(JSONDocument.root, "b") == nil)
        let b = try #require(document.tape.firstIndex { $0.kind == .string })
        #expect(document.path(b) == "a[1].b")
        #expect(String(decoding: document.rawValue(b), as: UTF8.self) == #""x""#)
    }
}
