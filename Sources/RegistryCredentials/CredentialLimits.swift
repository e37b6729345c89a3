/// Bounds applied to every file and helper output this module reads, so hostile input fails with a clear
/// error instead of exhausting memory, the stack or the CPU.
public struct CredentialLimits: Sendable, Equatable {
    /// Largest file read (a Kubernetes Secret is at most 1 MiB; a `List` of them may be larger).
    public var maxFileBytes: Int
    /// Maximum nesting of mappings and lists.
    public var maxDepth: Int
    /// Maximum number of values a file may expand to (YAML aliases count every time they are used).
    public var maxNodes: Int
    /// Largest output read from a credential helper.
    public var maxHelperOutputBytes: Int

    /// Limits with the given bounds; the defaults suit real files with a wide margin.
    public init(maxFileBytes: Int = 8 << 20, maxDepth: Int = 64, maxNodes: Int = 200_000, maxHelperOutputBytes: Int = 1 << 20) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxHelperOutputBytes = maxHelperOutputBytes
    }

    /// The default limits.
    public static let `default` = CredentialLimits()
}
