import Foundation

/// A compiled `pattern` / `patternProperties` regular expression.
///
/// jsonschema v6 uses Go's RE2 syntax; this uses ICU (NSRegularExpression), which agrees on the patterns
/// CRD schemas use (character classes, anchors, repetition) and differs only on exotic syntax.
struct SchemaPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as safe to use from
    // several threads at once.
    let source: String
    private let expression: NSRegularExpression

    init?(_ source: String) {
        guard let expression = try? NSRegularExpression(pattern: source) else { return nil }
        self.source = source
        self.expression = expression
    }

    /// Go's `MatchString`: a match anywhere in the text, not necessarily the whole text.
    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
