import Testing

@Test func SigstoreKeysPlaceholder() { #expect(Bool(true)) }
