/// A container image reference normalised the way Docker does (`ParseNormalizedNamed` + `TagNameOnly`):
/// `nginx` → `docker.io/library/nginx:latest`, `index.docker.io` → `docker.io`, host detected by `.`, `:` or `localhost`.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    public static let defaultDomain = "docker.io"

    /// Registry host (with port), lower-case, `docker.io` for Docker Hub.
    public let domain: String
    /// Repository path components, e.g. `["library", "nginx"]`.
    public let pathComponents: [String]
    /// The tag as written, or nil.
    public let tag: String?
    /// `algorithm:hex` digest as written, or nil.
    public let digest: String?

    public enum ParseError: Error, Sendable, Equatable {
        case empty
        case invalidReference(String)
        case uppercaseRepository(String)
    }

    public var path: String { pathComponents.joined(separator: "/") }
    public var name: String { domain + "/" + path }
    /// The tag Docker would pull: the written tag, `latest` when there is neither tag nor digest.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }
    /// A digest pins the content; without one the reference is mutable.
    public var isPinned: Bool { digest != nil }
    public var usesLatestTag: Bool { effectiveTag == "latest" }

    /// Fully normalised text: `docker.io/library/nginx:latest`, `ghcr.io/o/r@sha256:…`.
    public var description: String {
        var text = name
        if let tag = effectiveTag { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    public init(parsing reference: String) throws(ParseError) {
        guard !reference.isEmpty else { throw .empty }
        var remainder = Substring(reference)
        var digest: String?
        if let at = remainder.firstIndex(of: "@") {
            let digestText = String(remainder[remainder.index(after: at)...])
            guard ImageReference.isValidDigest(digestText) else { throw .invalidReference(reference) }
            digest = digestText
            remainder = remainder[..<at]
        }
        var tag: String?
        let lastSlash = remainder.lastIndex(of: "/")
        let nameStart = lastSlash.map { remainder.index(after: $0) } ?? remainder.startIndex
        if let colon = remainder[nameStart...].lastIndex(of: ":") {
            let tagText = String(remainder[remainder.index(after: colon)...])
            guard ImageReference.isValidTag(tagText) else { throw .invalidReference(reference) }
            tag = tagText
            remainder = remainder[..<colon]
        }
        // Domain split (docker/distribution splitDockerDomain).
        var domain = ImageReference.defaultDomain
        var repository = String(remainder)
        if let slash = remainder.firstIndex(of: "/") {
            let first = String(remainder[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                domain = first
                repository = String(remainder[remainder.index(after: slash)...])
            }
        }
        guard ImageReference.isValidDomain(domain) else { throw .invalidReference(reference) }
        domain = domain.lowercased()
        if domain == "index.docker.io" { domain = ImageReference.defaultDomain }
        if domain == ImageReference.defaultDomain && !repository.contains("/") { repository = "library/" + repository }
        guard repository.lowercased() == repository else { throw .uppercaseRepository(reference) }
        let components = repository.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, components.allSatisfy(ImageReference.isValidPathComponent) else {
            throw .invalidReference(reference)
        }
        self.domain = domain
        self.pathComponents = components
        self.tag = tag
        self.digest = digest
    }

    static func isValidPathComponent(_ component: String) -> Bool {
        // [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isAlnum(bytes[index]) { index += 1; continue }
            let start = index
            while index < bytes.count && !isAlnum(bytes[index]) { index += 1 }
            let separator = String(decoding: bytes[start..<index], as: UTF8.self)
            let validSeparator = separator == "." || separator == "_" || separator == "__" || separator.allSatisfy { $0 == "-" }
            guard validSeparator else { return false }
        }
        return true
    }

    static func isValidTag(_ tag: String) -> Bool {
        // [\w][\w.-]{0,127}
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWord(first) else { return false }
        return bytes.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func isValidDigest(_ digest: String) -> Bool {
        let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 32 else { return false }
        guard parts[0].utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
            || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else { return false }
        let hex = parts[1].utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
        if parts[0] == "sha256" { return hex && parts[1].count == 64 }
        if parts[0] == "sha512" { return hex && parts[1].count == 128 }
        return hex
    }

    static func isValidDomain(_ domain: String) -> Bool {
        // host[:port]; host labels of alnum and '-', separated by '.', or a bracketed IPv6 literal.
        var host = Substring(domain)
        if domain.hasPrefix("[") {
            guard let close = domain.firstIndex(of: "]") else { return false }
            host = domain[domain.index(after: domain.startIndex)..<close]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return false }
            let rest = domain[domain.index(after: close)...]
            return rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCII) && !rest.dropFirst().isEmpty
                && rest.dropFirst().allSatisfy(\.isNumber))
        }
        if let colon = domain.lastIndex(of: ":") {
            let port = domain[domain.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            host = domain[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last, isAlnum(first, upper: true), isAlnum(last, upper: true)
            else { return false }
            return label.utf8.allSatisfy { isAlnum($0, upper: true) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlnum(_ byte: UInt8, upper: Bool = false) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (upper && byte >= 0x41 && byte <= 0x5A)
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        isAlnum(byte, upper: true) || byte == UInt8(ascii: "_")
    }
}

/// A registry allow-list entry: a domain plus an optional repository-path prefix, compared component by component.
public struct RegistryPattern: Sendable, Equatable, CustomStringConvertible {
    public let domain: String
    public let pathPrefix: [String]

    /// Parses `myregistry.io`, `docker.io/library`, `ghcr.io/org`, `localhost:5000/team`.
    /// A first component without `.`/`:`/`localhost` is a Docker Hub namespace (`bitnami` → `docker.io/bitnami`).
    public init?(_ text: String) {
        var trimmed = text.trimmedSpaces()
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { return nil }
        let components = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let first = components.first, components.allSatisfy({ !$0.isEmpty }) else { return nil }
        var domain = ImageReference.defaultDomain
        var rest = components
        if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
            guard ImageReference.isValidDomain(first) else { return nil }
            domain = first.lowercased()
            rest = Array(components.dropFirst())
        }
        if domain == "index.docker.io" { domain = ImageReference.defaultDomain }
        guard rest.allSatisfy(ImageReference.isValidPathComponent) else { return nil }
        self.domain = domain
        self.pathPrefix = rest
    }

    public func admits(_ image: ImageReference) -> Bool {
        image.domain == domain && image.pathComponents.count > pathPrefix.count
            && Array(image.pathComponents.prefix(pathPrefix.count)) == pathPrefix
    }

    public var description: String { ([domain] + pathPrefix).joined(separator: "/") }
}

private extension String {
    func trimmedSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
