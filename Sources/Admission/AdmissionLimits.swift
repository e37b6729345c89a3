/// Bounds applied to every review this module reads, so hostile input fails with a clear `AdmissionError`
/// (code `.limitExceeded`) instead of exhausting memory or time.
///
/// The defaults fit real traffic with a wide margin: etcd stores objects of at most 1.5 MiB, and an UPDATE
/// review carries `object` and `oldObject`, so 4 MiB admits any review of a stored object. Kubernetes objects
/// nest about 20 levels deep (managed fields included).
public struct AdmissionLimits: Sendable, Hashable {
    /// Largest request body accepted, in bytes. A server should also stop reading the body past this size.
    public var maxBytes: Int
    /// Deepest nesting of objects and arrays accepted. Parsing never recurses, so this is about refusing
    /// absurd input early, not about the stack.
    public var maxDepth: Int
    /// Most JSON values (scalars, objects, arrays, keys) a document may hold; each costs 20 bytes of index.
    public var maxValues: Int

    /// Limits with the given bounds.
    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 128, maxValues: Int = 1_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxValues = maxValues
    }

    /// 4 MiB, 128 levels, 1,000,000 values.
    public static let `default` = AdmissionLimits()
}
