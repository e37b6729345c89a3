import Testing

@Test func ImageSigningPlaceholder() { #expect(Bool(true)) }
