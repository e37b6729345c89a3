import Testing

@Test func admissionServicePlaceholder() { #expect(Bool(true)) }
