/// Lexical path handling for paths inside an image root. Nothing here touches the host filesystem.
public enum ImagePath {
    public enum Normalised: Equatable, Sendable {
        /// A path inside the root ("" is the root itself); `wasAbsolute` when the name began with `/`.
        case inside(String, wasAbsolute: Bool)
        /// The name climbs above the root with `..`.
        case escapes
    }

    /// Normalises a tar member name: drops `.` and empty components, resolves `..`, and says when `..` leaves the root.
    public static func normalise(_ name: String) -> Normalised {
        var parts: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if parts.isEmpty { return .escapes }
                parts.removeLast()
                continue
            }
            parts.append(component)
        }
        return .inside(parts.joined(separator: "/"), wasAbsolute: name.hasPrefix("/"))
    }

    /// Joins a link target to the directory holding the link, clamping `..` at the root as a chroot does.
    public static func resolveLinkTarget(_ target: String, from linkPath: String) -> String {
        let base = target.hasPrefix("/") ? "" : parent(linkPath)
        return clampJoin(base, target)
    }

    /// Whether a symlink target, read relative to the link, climbs above the root (a hostile or sloppy link).
    public static func linkEscapesRoot(_ target: String, from linkPath: String) -> Bool {
        if target.hasPrefix("/") { return normalise(target) == .escapes }
        let joined = parent(linkPath).isEmpty ? target : parent(linkPath) + "/" + target
        return normalise(joined) == .escapes
    }

    static func clampJoin(_ base: String, _ relative: String) -> String {
        var parts = base.split(separator: "/").map(String.init)
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(String(component))
        }
        return parts.joined(separator: "/")
    }

    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `/`-prefixed form for display.
    public static func display(_ path: String) -> String { "/" + path }
}
