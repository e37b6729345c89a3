import Testing
import Versioning

/// Checks `low < high` both ways, through the type and through ``VersionComparator``.
func expectOrdered<V: EcosystemVersion>(
    _ type: V.Type, _ low: String, _ high: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let a = try V(parsing: low)
    let b = try V(parsing: high)
    #expect(a < b, "expected \(low) < \(high)", sourceLocation: sourceLocation)
    #expect(b > a, "expected \(high) > \(low)", sourceLocation: sourceLocation)
    #expect(!(b < a), "antisymmetry: \(high) < \(low)", sourceLocation: sourceLocation)
    #expect(a != b, "expected \(low) != \(high)", sourceLocation: sourceLocation)
    #expect(a.compare(to: b) == .less, sourceLocation: sourceLocation)
    #expect(b.compare(to: a) == .greater, sourceLocation: sourceLocation)
    #expect(try VersionComparator.compare(low, high, scheme: V.scheme) == .less, sourceLocation: sourceLocation)
    #expect(try VersionComparator.compare(high, low, scheme: V.scheme) == .greater, sourceLocation: sourceLocation)
}

/// Checks that `x` and `y` order equal both ways.
func expectEquivalent<V: EcosystemVersion>(
    _ type: V.Type, _ x: String, _ y: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let a = try V(parsing: x)
    let b = try V(parsing: y)
    #expect(a == b, "expected \(x) == \(y)", sourceLocation: sourceLocation)
    #expect(b == a, "expected \(y) == \(x)", sourceLocation: sourceLocation)
    #expect(!(a < b) && !(b < a), "expected neither \(x) < \(y) nor \(y) < \(x)", sourceLocation: sourceLocation)
    #expect(a.compare(to: b) == .equal, sourceLocation: sourceLocation)
    #expect(b.compare(to: a) == .equal, sourceLocation: sourceLocation)
    #expect(try VersionComparator.compare(x, y, scheme: V.scheme) == .equal, sourceLocation: sourceLocation)
}

/// Equal versions must hash equally.
func expectSameHash<V: EcosystemVersion & Hashable>(
    _ type: V.Type, _ x: String, _ y: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let a = try V(parsing: x)
    let b = try V(parsing: y)
    #expect(a.hashValue == b.hashValue, "hash of \(x) != hash of \(y)", sourceLocation: sourceLocation)
    #expect(Set([a, b]).count == 1, sourceLocation: sourceLocation)
}

/// Every element of `sorted` is below every later one.
func expectStrictlyIncreasing<V: EcosystemVersion>(
    _ type: V.Type, _ sorted: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for i in sorted.indices {
        for j in sorted.indices where j > i {
            try expectOrdered(type, sorted[i], sorted[j], sourceLocation: sourceLocation)
        }
    }
    // Sorting a shuffled copy restores the order.
    var parsed: [V] = []
    for text in sorted { parsed.append(try V(parsing: text)) }
    #expect(parsed.reversed().sorted().map(\.description) == parsed.map(\.description),
            sourceLocation: sourceLocation)
}

/// `text` is rejected with an error that names it and the scheme.
func expectRejected<V: EcosystemVersion>(
    _ type: V.Type, _ text: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let v = try V(parsing: text)
        Issue.record("expected \(String(reflecting: text)) to be rejected, parsed as \(v)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.input == text, sourceLocation: sourceLocation)
        #expect(error.scheme == V.scheme, sourceLocation: sourceLocation)
        #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        let shown = text.count > 120 ? String(text.prefix(120)) : text
        #expect(error.description.contains(String(reflecting: shown).dropLast()), "message should quote the input: \(error)",
                sourceLocation: sourceLocation)
        #expect(error.description.contains(V.scheme.displayName), sourceLocation: sourceLocation)
    }
    #expect(!V.isValid(text), sourceLocation: sourceLocation)
    #expect(!VersionComparator.isValid(text, scheme: V.scheme), sourceLocation: sourceLocation)
}
