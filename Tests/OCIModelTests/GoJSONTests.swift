import OCIModel
import Testing

@Suite struct GoJSONTests {
    @Test(arguments: [
        ("a\"b\\c", #""a\"b\\c""#),
        ("<x>&y", #""\u003cx\u003e\u0026y""#),
        ("line\nnext\ttab\r", #""line\nnext\ttab\r""#),
        ("\u{01}\u{08}\u{0C}", #""\u0001\b\f""#),
        ("héllo ✓", "\"héllo ✓\""),
        ("\u{2028}", #""\u2028""#),
    ])
    func goStringEscaping(_ input: String, _ expected: String) {
        #expect(GoJSON.quote(input) == expected)
        var bytes: [UInt8] = []
        GoJSON.appendQuoted(input, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func objectKeysAreSortedByBytesAsGoSortsMapKeys() {
        #expect(GoJSON.object(["b": "2", "B": "1", "a": "<"]) == #"{"B":"1","a":"\u003c","b":"2"}"#)
        #expect(GoJSON.object([:]) == "{}")
    }
}
