import Testing

@Test func AdmissionPlaceholder() { #expect(Bool(true)) }
