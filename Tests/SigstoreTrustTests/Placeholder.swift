import Testing

@Test func SigstoreTrustPlaceholder() { #expect(Bool(true)) }
