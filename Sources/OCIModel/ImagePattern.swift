/// A pattern naming image repositories, matched on **normalised components**, never on raw string prefixes
/// (the prefix bypasses of Gatekeeper's `K8sAllowedRepos`: `docker.io/library` admitting `docker.io/libraryevil/x`,
/// `myregistry.io` admitting `myregistry.io.evil.com/x`, `ubuntu` admitting `ubuntu-evil`).
///
/// A pattern is normalised like an `ImageReference`, then compared host first, path segment by segment:
///
/// | Pattern | Means | Admits | Does not admit |
/// |---|---|---|---|
/// | `nginx` | `docker.io/library/nginx` | `nginx:1.27`, `docker.io/nginx@sha256:…` | `nginx-evil`, `docker.io/acme/nginx` |
/// | `docker.io/library/*` | one segment under `library/` | `ubuntu`, `docker.io/library/redis:7` | `docker.io/libraryevil/x` |
/// | `ghcr.io/acme/**` | zero or more segments under `acme/` | `ghcr.io/acme/a/b/c:1` | `ghcr.io/acme-evil/x` |
/// | `registry.example.com/team-*/**` | `*` within one segment | `registry.example.com/team-a/app` | `registry.example.com/team/app` |
/// | `*.example.com/**` | exactly one more host label | `a.example.com/x` | `example.com/x`, `a.example.com.evil.com/x`, `a.b.example.com/x` |
/// | `localhost:5000/**` | host and port exactly | `localhost:5000/x` | `localhost:5001/x`, `localhost/x` |
///
/// Rules:
/// - The first segment is a registry host when it contains `.` or `:`, is `localhost`, or has an upper-case
///   letter (Docker's rule); otherwise the pattern is a Docker Hub path. Hosts are lower-cased and
///   `index.docker.io` is `docker.io`.
/// - On Docker Hub a one-segment path gets `library/` in front (`nginx`, `docker.io/*`), exactly as references do;
///   `**` alone (or `docker.io/**`) means every Docker Hub repository.
/// - `*` matches any characters within one segment (or one host label); `**` matches zero or more whole path
///   segments and must be a segment of its own. A port must be written out exactly.
/// - Patterns name repositories: a tag (`:1.0`) or digest (`@sha256:…`) is an error, and so is a bare host
///   (`ghcr.io`, which Docker would read as the Hub repository `docker.io/library/ghcr.io`): write `ghcr.io/**`.
public struct ImagePattern: Sendable, Hashable, CustomStringConvertible {
    /// Why a pattern was refused: the pattern as written and what to change.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The pattern as written (at most 200 characters of it).
        public let pattern: String
        /// What is wrong and how to fix it.
        public let reason: String

        public var description: String { "invalid image pattern \"\(pattern)\": \(reason)" }
    }

    /// Patterns longer than this are refused (a reference name is at most 255 characters).
    public static let maximumLength = 512

    /// The host pattern, lower-cased, with its port if any: `docker.io`, `*.example.com`, `localhost:5000`.
    public let host: String
    /// The path segments after normalisation: `["library", "nginx"]`, `["acme", "**"]`, `["team-*", "app"]`.
    public let pathSegments: [String]
    /// Normalised text: `docker.io/library/nginx`, `ghcr.io/acme/**` (kept: admission messages quote it per decision).
    public let description: String
    private let hostHasWildcard: Bool
    /// How `pathSegments` are matched: most patterns need no dynamic programming (see `matchSegments`).
    private let shape: Shape

    private enum Shape: Sendable, Hashable {
        /// No `**`: as many segments as the pattern, each matched on its own.
        case fixed
        /// One `**`, at the end: the segments before it match the path's first segments.
        case prefix
        /// `**` elsewhere.
        case general
    }

    /// Parses a repository pattern; see the type's documentation for the syntax.
    public init(parsing text: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError {
            ParseError(pattern: String(text.prefix(200)), reason: reason)
        }
        guard !text.isEmpty else { throw fail("the pattern is empty") }
        guard text.utf8.count <= ImagePattern.maximumLength else {
            throw fail("longer than \(ImagePattern.maximumLength) characters")
        }
        if let bad = text.unicodeScalars.first(where: { !$0.isASCII || $0.value <= 0x20 || $0.value == 0x7F }) {
            let shown = bad.value == 0x20 ? "a space" : "the character U+\(String(bad.value, radix: 16, uppercase: true))"
            throw fail("contains \(shown); patterns are REGISTRY/REPOSITORY with only `*` and `**` as wildcards")
        }
        if let at = text.firstIndex(of: "@") {
            throw fail("patterns name repositories, not digests: remove \"\(text[at...].prefix(24))\"")
        }
        for forbidden in ["?", "{", "}", "|", ",", "\\", "!", "^", "$", "+", "(", ")"] where text.contains(forbidden) {
            throw fail("\"\(forbidden)\" is not pattern syntax; only `*` (within a segment) and `**` (any number of segments) "
                + "are wildcards")
        }
        if text.hasPrefix("/") { throw fail("starts with \"/\"; write REGISTRY/REPOSITORY, e.g. ghcr.io/acme/**") }
        if text.hasSuffix("/") {
            let trimmed = String(text.dropLast())
            throw fail("ends with \"/\"; write \(trimmed)/* for the repositories directly under it, or \(trimmed)/** "
                + "for everything below it")
        }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.allSatisfy({ !$0.isEmpty }) else { throw fail("has an empty segment (\"//\")") }
        guard let first = segments.first, let last = segments.last else { throw fail("the pattern is empty") }

        let firstIsHost = segments.count > 1
            && (first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first)
        // A colon in the last segment is a tag: a port belongs to the host, which is the first segment and the last
        // only in a bare registry such as `localhost:5000` (refused, with the fix).
        if let colon = last.firstIndex(of: ":") {
            if segments.count == 1 && ImagePattern.looksLikeHost(String(last[..<colon])) {
                throw fail("names a registry but no repository; write \(text)/** for every repository of that registry")
            }
            throw fail("patterns name repositories, not tags: remove \"\(last[colon...])\"")
        }
        if segments.count == 1 && ImagePattern.looksLikeHost(first) {
            throw fail("names a registry but no repository (Docker would read it as the Docker Hub repository "
                + "docker.io/library/\(first)); write \(text)/** for every repository of that registry")
        }

        var host = ImageReference.defaultDomain
        var path = segments
        if firstIsHost {
            host = try ImagePattern.validatedHost(first.lowercased(), fail: fail)
            path = Array(segments.dropFirst())
        }
        if host == "index.docker.io" { host = ImageReference.defaultDomain }
        for segment in path {
            try ImagePattern.validateSegment(segment, fail: fail)
        }
        // Adjacent `**` segments mean the same as one (and keep matching linear).
        var collapsed: [String] = []
        for segment in path where !(segment == "**" && collapsed.last == "**") {
            collapsed.append(segment)
        }
        if host == ImageReference.defaultDomain && collapsed.count == 1 && collapsed[0] != "**" {
            collapsed.insert("library", at: 0)
        }
        self.host = host
        self.pathSegments = collapsed
        self.description = ([host] + collapsed).joined(separator: "/")
        self.hostHasWildcard = host.utf8.contains(UInt8(ascii: "*"))
        switch collapsed.filter({ $0 == "**" }).count {
        case 0: shape = .fixed
        case 1 where collapsed.last == "**": shape = .prefix
        default: shape = .general
        }
    }

    /// Whether the reference's repository (registry host and path; tag and digest ignored) matches this pattern.
    public func matches(_ reference: ImageReference) -> Bool {
        guard matchesHost(reference.domain) else { return false }
        let path = reference.pathComponents
        switch shape {
        case .fixed:
            return path.count == pathSegments.count && zip(pathSegments, path).allSatisfy(Glob.matches)
        case .prefix:
            let fixed = pathSegments.count - 1
            return path.count >= fixed && zip(pathSegments.prefix(fixed), path).allSatisfy(Glob.matches)
        case .general:
            return ImagePattern.matchSegments(pathSegments, path)
        }
    }


    // MARK: - Matching

    private func matchesHost(_ domain: String) -> Bool {
        guard hostHasWildcard else { return host.utf8.elementsEqual(domain.utf8) }
        let (patternName, patternPort) = ImagePattern.splitPort(host)
        guard !domain.hasPrefix("[") else { return false }
        let (name, port) = ImagePattern.splitPort(domain)
        guard patternPort == port else { return false }
        let patternLabels = patternName.split(separator: ".", omittingEmptySubsequences: false)
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.count == labels.count else { return false }
        return zip(patternLabels, labels).allSatisfy { Glob.matches(Array($0.utf8), Array($1.utf8)) }
    }

    /// Segment-wise match where `**` spans zero or more segments: dynamic programming, O(pattern × path).
    static func matchSegments(_ pattern: [String], _ path: [String]) -> Bool {
        // reachable[j]: the pattern prefix processed so far can consume exactly path[..<j].
        var reachable = [Bool](repeating: false, count: path.count + 1)
        reachable[0] = true
        for segment in pattern {
            var next = [Bool](repeating: false, count: path.count + 1)
            if segment == "**" {
                var seen = false
                for j in 0...path.count {
                    seen = seen || reachable[j]
                    next[j] = seen
                }
            } else {
                for j in 0..<path.count where reachable[j] {
                    if Glob.matches(segment, path[j]) { next[j + 1] = true }
                }
            }
            reachable = next
            if !reachable.contains(true) { return false }
        }
        return reachable[path.count]
    }

    // MARK: - Validation

    private static func looksLikeHost(_ text: String) -> Bool {
        text.contains(".") || text.contains(":") || text == "localhost"
    }

    private static func splitPort(_ host: String) -> (name: Substring, port: Substring?) {
        guard let colon = host.lastIndex(of: ":") else { return (Substring(host), nil) }
        return (host[..<colon], host[host.index(after: colon)...])
    }

    private static func validatedHost(_ host: String, fail: (String) -> ParseError) throws(ParseError) -> String {
        guard host.contains("*") else {
            guard ImageReference.isValidDomain(host) else {
                throw fail("\"\(host)\" is not a registry host (HOST or HOST:PORT, labels of letters, digits and \"-\")")
            }
            return host
        }
        if host.hasPrefix("[") { throw fail("an IPv6 registry host cannot hold wildcards") }
        let (name, port) = splitPort(host)
        if let port, port.contains("*") {
            throw fail("a port cannot be a wildcard; write each port as its own pattern")
        }
        if host.contains("**") { throw fail("`**` is for path segments; in a host, `*` matches within one label") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 3 || labels.suffix(2).contains(where: { $0.contains("*") }) {
            throw fail("a wildcard host must end with two labels written out (e.g. *.example.com); "
                + "otherwise it admits domains anyone can register")
        }
        // Each `*` stands for at least one letter; the rest must be a valid host.
        var probe = ""
        for character in host { probe += character == "*" ? "a" : String(character) }
        guard ImageReference.isValidDomain(probe) else {
            throw fail("\"\(host)\" is not a registry host pattern (labels of letters, digits, \"-\" and \"*\", e.g. *.example.com)")
        }
        return host
    }

    private static func validateSegment(_ segment: String, fail: (String) -> ParseError) throws(ParseError) {
        if segment == "**" { return }
        if segment.contains("**") {
            throw fail("\"\(segment)\": `**` must be a whole segment (it matches any number of segments); use `*` within a segment")
        }
        if segment.contains(":") {
            throw fail("\"\(segment)\": a port belongs to the registry host, which comes first (HOST:PORT/REPOSITORY)")
        }
        if segment.lowercased() != segment {
            throw fail("\"\(segment)\": repository paths are lower-case (Docker rejects upper-case repositories)")
        }
        let probe = segment.replacingStars(with: "a")
        guard ImageReference.isValidPathComponent(probe) else {
            throw fail("\"\(segment)\" is not a repository path segment (lower-case letters and digits, separated by "
                + "\".\", \"_\", \"__\" or \"-\"; `*` matches within the segment)")
        }
    }
}

private extension String {
    func replacingStars(with replacement: String) -> String {
        var out = ""
        for character in self { out += character == "*" ? replacement : String(character) }
        return out
    }
}
