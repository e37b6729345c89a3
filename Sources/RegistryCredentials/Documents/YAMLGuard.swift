/// A cheap pass over YAML text before Yams sees it. Yams composes recursively (deep nesting can exhaust
/// the stack) and hashes mapping keys to find duplicates (an alias used as a key can make that exponential),
/// so both are refused up front. The depth is over-estimated, never under-estimated.
///
/// The same idea guards ManifestLint's YAML reader; this is a separate, smaller implementation because the
/// credential files need no more than block and flow collections of scalars.
struct YAMLGuard {
    struct Result: Equatable {
        /// Nesting depth, counting indentation levels, `- ` markers and open flow brackets.
        var depth: Int
        /// An alias (`*name`) or an explicit `? ` key was used as a mapping key.
        var hasAliasOrComplexKey: Bool
    }

    static func scan(_ bytes: [UInt8]) -> Result {
        var result = Result(depth: 0, hasAliasOrComplexKey: false)
        var indents: [Int] = []
        var flowDepth = 0
        var blockScalarParentIndent: Int?
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var position = lineStart
            while position < lineEnd && bytes[position] == 0x20 { position += 1 }
            let indent = position - lineStart
            if position >= lineEnd || bytes[position] == UInt8(ascii: "#") || bytes[position] == 0x0D { continue }
            if let parent = blockScalarParentIndent {
                if indent > parent { continue }
                blockScalarParentIndent = nil
            }
            if flowDepth == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var dashes = 0
            var atValueStart = true
            var quote: UInt8?
            var previous: UInt8 = 0
            var index = position
            scanLine: while index < lineEnd {
                let byte = bytes[index]
                if let open = quote {
                    if open == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if byte == open { quote = nil }
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if atValueStart { quote = byte }
                    atValueStart = false
                case UInt8(ascii: "#"):
                    if index == position || bytes[index - 1] == 0x20 || bytes[index - 1] == 0x09 { break scanLine }
                    atValueStart = false
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if atValueStart || flowDepth > 0 {
                        flowDepth += 1
                        result.depth = max(result.depth, indents.count + dashes + flowDepth)
                        atValueStart = true
                    } else {
                        atValueStart = false
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if flowDepth > 0 { flowDepth -= 1 }
                case UInt8(ascii: ","):
                    if flowDepth > 0 { atValueStart = true }
                case 0x20, 0x09:
                    if previous == UInt8(ascii: ":") || (previous == UInt8(ascii: "-") && atValueStart) { atValueStart = true }
                case UInt8(ascii: "-"):
                    if atValueStart && (index + 1 >= lineEnd || bytes[index + 1] == 0x20) { dashes += 1 } else { atValueStart = false }
                case UInt8(ascii: "?"):
                    if atValueStart && (index + 1 >= lineEnd || bytes[index + 1] == 0x20) { result.hasAliasOrComplexKey = true }
                    atValueStart = false
                case UInt8(ascii: "*"):
                    if atValueStart && aliasIsKey(bytes, from: index + 1, to: lineEnd) { result.hasAliasOrComplexKey = true }
                    atValueStart = false
                case UInt8(ascii: "|"), UInt8(ascii: ">"):
                    if atValueStart && flowDepth == 0 && onlyBlockHeader(bytes, from: index + 1, to: lineEnd) {
                        blockScalarParentIndent = indent
                        break scanLine
                    }
                    atValueStart = false
                case UInt8(ascii: ":"):
                    break
                default:
                    atValueStart = false
                }
                if byte != 0x20 && byte != 0x09 { previous = byte }
                index += 1
            }
            result.depth = max(result.depth, indents.count + dashes + flowDepth)
        }
        return result
    }

    /// `*name:` or `*name :`: an alias used as a mapping key.
    private static func aliasIsKey(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
        let stops: Set<UInt8> = [0x20, 0x09, 0x0D, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}")]
        var index = start
        while index < end && !stops.contains(bytes[index]) { index += 1 }
        if index > start && bytes[index - 1] == UInt8(ascii: ":") { return true }
        while index < end && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
        return index < end && bytes[index] == UInt8(ascii: ":")
    }

    /// After `|` or `>`: indentation and chomping indicators, blanks and an optional comment only.
    private static func onlyBlockHeader(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") { return true }
            let allowed = byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (0x31...0x39).contains(byte)
                || byte == 0x20 || byte == 0x09 || byte == 0x0D
            if !allowed { return false }
            index += 1
        }
        return true
    }
}
