import Testing
@testable import KubeSchema

struct GoTextTests {
    @Test(arguments: [
        (1.0, "1"), (1_000_000, "1e+06"), (123_456, "123456"), (0.5, "0.5"), (0.00001, "1e-05"), (-2.5, "-2.5"),
        (1e21, "1e+21"), (12_345_678_901_234_567_890, "1.2345678901234567e+19"),
    ])
    func floatsPrintLikeGoV(_ value: Double, _ text: String) {
        #expect(GoText.float(value) == text)
    }

    @Test(arguments: [
        ("plain", "'plain'"), ("it's", #"'it\'s'"#), (#"say "hi""#, #"'say "hi"'"#), ("a\nb", #"'a\nb'"#),
        ("\u{0}", #"'\x00'"#), ("caf\u{E9}", "'caf\u{E9}'"), ("nb\u{A0}sp", #"'nb\u00a0sp'"#), (#"back\slash"#, #"'back\\slash'"#),
    ])
    func quotingFollowsJsonschemaV6(_ text: String, _ quoted: String) {
        #expect(GoText.singleQuoted(text) == quoted)
    }

    @Test func integerTestUsesTheValue() {
        #expect(JSONTypeSet.integer.admits(.number(3)))
        #expect(JSONTypeSet.integer.admits(.number(3e10)))
        #expect(!JSONTypeSet.integer.admits(.number(3.25)))
        #expect(JSONTypeSet.number.admits(.number(3.25)))
        #expect(JSONTypeSet([.null, .integer]).names == ["null", "integer"])
    }
}
