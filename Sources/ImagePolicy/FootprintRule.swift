/// `footprint`: content an image may not hold, by category (found by moat's footprint analysis).
public struct FootprintRule: Sendable, Hashable {
    public var mode: RuleMode
    public var namespaces: NamespaceSelector
    public var deny: Set<FootprintCategory>

    public init(deny: Set<FootprintCategory>, mode: RuleMode = .enforce, namespaces: NamespaceSelector = .all) {
        self.deny = deny
        self.mode = mode
        self.namespaces = namespaces
    }
}

/// Categories of content found in an image, as named in policy files.
public enum FootprintCategory: String, Sendable, Hashable, CaseIterable, Comparable {
    /// sh, bash, busybox…
    case shell
    /// apt, dpkg, apk, rpm, pip, npm…
    case packageManager = "package-manager"
    /// curl, wget, nc, ssh…
    case networkTool = "network-tool"
    /// vi, nano…
    case editor
    /// gdb, strace…
    case debugger
    /// compilers, make, git…
    case buildTool = "build-tool"
    /// private keys, tokens, credentials
    case secret

    public static func < (lhs: FootprintCategory, rhs: FootprintCategory) -> Bool { lhs.rawValue < rhs.rawValue }
}
