import Foundation

// Image references as written in FROM, normalised the way Docker does.

public struct ImageReference: Sendable, Equatable {
    /// Registry host (`docker.io` for unqualified names).
    public var registry: String
    /// Repository path (`library/python` for official images).
    public var repository: String
    public var tag: String?
    public var digest: String?

    /// Parses `[registry/]path[:tag][@digest]`; nil for an empty string or spaces.
    public init?(_ reference: String) {
        guard !reference.isEmpty, !reference.contains(where: { $0.isWhitespace }) else { return nil }
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/")
        let nameStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[nameStart...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty else { return nil }
        if parts.count > 1, first.contains(".") || first.contains(":") || first == "localhost" {
            var host = first.lowercased()
            if ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "hub.docker.com"].contains(host) { host = "docker.io" }
            registry = host
            repository = parts.dropFirst().joined(separator: "/")
        } else {
            registry = "docker.io"
            repository = parts.count == 1 ? "library/" + first : parts.joined(separator: "/")
        }
        if registry == "docker.io", !repository.contains("/") { repository = "library/" + repository }
        if repository.isEmpty { return nil }
    }

    /// `registry/repository` (no tag or digest).
    public var name: String { registry + "/" + repository }

    /// The last path component (`python` for `docker.io/library/python`).
    public var shortName: String { repository.split(separator: "/").last.map(String.init) ?? repository }

    public var isOfficial: Bool { registry == "docker.io" && repository.hasPrefix("library/") }

    /// True when `pattern` (`*`, `*.suffix`, `prefix*`, exact host) allows this registry; `hub.docker.com` means docker.io.
    public func registryMatches(_ pattern: String) -> Bool {
        var p = pattern.lowercased().trimmingCharacters(in: .whitespaces)
        if ["hub.docker.com", "index.docker.io", "registry-1.docker.io"].contains(p) { p = "docker.io" }
        if p == "*" { return true }
        if p.hasPrefix("*") { return registry.hasSuffix(String(p.dropFirst())) }
        if p.hasSuffix("*") { return registry.hasPrefix(String(p.dropLast())) }
        return registry == p
    }
}
