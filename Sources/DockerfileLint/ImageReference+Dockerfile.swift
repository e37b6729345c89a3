public import OCIModel

/// The views of an image reference the Dockerfile rules need, over the one reference parser moat has.
extension ImageReference {
    /// Parses a FROM reference; nil when it is not a valid reference (e.g. still holds an unexpanded `$VAR`).
    public init?(_ reference: String) {
        guard let parsed = try? ImageReference(parsing: reference) else { return nil }
        self = parsed
    }

    /// Registry host (`docker.io` for unqualified names).
    public var registry: String { domain }
    /// Repository path (`library/python` for official images).
    public var repository: String { path }
    /// The last path component (`python` for `docker.io/library/python`).
    public var shortName: String { pathComponents.last ?? path }
    public var isOfficial: Bool { domain == "docker.io" && pathComponents.first == "library" }

    /// True when `pattern` (`*`, `*.suffix`, `prefix*`, exact host) allows this registry, as hadolint's
    /// trustedRegistries does; `hub.docker.com` means docker.io.
    public func registryMatches(_ pattern: String) -> Bool {
        var wanted = pattern.lowercased().trimmingCharacters(in: .whitespaces)
        if ["hub.docker.com", "index.docker.io", "registry-1.docker.io"].contains(wanted) { wanted = "docker.io" }
        if wanted == "*" { return true }
        if wanted.hasPrefix("*") { return domain.hasSuffix(String(wanted.dropFirst())) }
        if wanted.hasSuffix("*") { return domain.hasPrefix(String(wanted.dropLast())) }
        return domain == wanted
    }
}

import Foundation
