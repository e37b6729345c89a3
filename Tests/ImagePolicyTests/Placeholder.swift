import Testing

@Test func ImagePolicyPlaceholder() { #expect(Bool(true)) }
