/// `*` globs over bytes (path segments of image patterns, namespace names, tags): `*` matches any run, possibly
/// empty; everything else is literal. Linear-time greedy backtracking, so hostile patterns cannot blow up.
public enum Glob {
    public static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0, t = 0
        var starAt = -1, resumeAt = 0
        while t < text.count {
            if p < pattern.count && pattern[p] != star && pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == star {
                starAt = p
                resumeAt = t
                p += 1
            } else if starAt >= 0 {
                p = starAt + 1
                resumeAt += 1
                t = resumeAt
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == star { p += 1 }
        return p == pattern.count
    }

    /// The same, without copying the bytes when the pattern is `*` or holds no `*` (most namespace, tag and
    /// repository patterns; admission matches them on every decision).
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let star = UInt8(ascii: "*")
        if pattern.utf8.count == 1 && pattern.utf8.first == star { return true }
        if !pattern.utf8.contains(star) { return pattern.utf8.elementsEqual(text.utf8) }
        return matches(Array(pattern.utf8), Array(text.utf8))
    }
}
