/// A version string that the scheme's rules reject. The message names the scheme, the input and the
/// problem, e.g. `invalid Debian (dpkg) version "1:": nothing after colon in version number`.
public struct VersionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The scheme whose rules rejected the text.
    public let scheme: VersionScheme
    /// The text exactly as given.
    public let input: String
    /// What is wrong with it.
    public let reason: String

    public init(scheme: VersionScheme, input: String, reason: String) {
        self.scheme = scheme
        self.input = input
        self.reason = reason
    }

    public var description: String {
        let shown = input.count > 120 ? String(input.prefix(120)) + "…" : input
        return "invalid \(scheme.displayName) version \(String(reflecting: shown)): \(reason)"
    }
}
