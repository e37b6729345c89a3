/// A cheap, conservative pass over YAML text run before Yams' (recursive) composer, shared by every YAML reader
/// (manifests, pull secrets), so that hostile
/// nesting cannot exhaust the stack and alias-valued keys cannot trigger exponential hashing.
/// It over-estimates depth rather than under-estimating it.
public struct YAMLPreScanner {
    public struct Result: Equatable, Sendable {
        /// Nesting depth, counting indentation levels, `- ` markers and open flow brackets.
        public var depth: Int
        /// An alias (`*name`) or an explicit `? ` key was used as a mapping key.
        public var hasAliasOrComplexKey: Bool
    }

    public static func scan(_ bytes: [UInt8]) -> Result {
        var result = Result(depth: 0, hasAliasOrComplexKey: false)
        var indentStack: [Int] = []
        var flowDepth = 0
        var blockScalarIndent: Int?  // indent of the line that opened a block scalar
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var position = lineStart
            while position < lineEnd && bytes[position] == 0x20 { position += 1 }
            let indent = position - lineStart
            if position >= lineEnd || bytes[position] == UInt8(ascii: "#") || bytes[position] == 0x0D { continue }
            if let open = blockScalarIndent {
                if indent > open { continue }
                blockScalarIndent = nil
            }
            if flowDepth == 0 {
                while let top = indentStack.last, top >= indent { indentStack.removeLast() }
                indentStack.append(indent)
            }
            var dashes = 0
            var atValueStart = true
            var inQuote: UInt8?
            var lastSignificant: UInt8 = 0
            var index = position
            while index < lineEnd {
                let byte = bytes[index]
                if let quote = inQuote {
                    if quote == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") { index += 2; continue }
                    if byte == quote { inQuote = nil }
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if atValueStart { inQuote = byte }
                    atValueStart = false
                case UInt8(ascii: "#"):
                    if index == position || bytes[index - 1] == 0x20 || bytes[index - 1] == 0x09 { index = lineEnd; continue }
                    atValueStart = false
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if atValueStart || flowDepth > 0 {
                        flowDepth += 1
                        result.depth = max(result.depth, indentStack.count + dashes + flowDepth)
                        atValueStart = true
                    } else {
                        atValueStart = false
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if flowDepth > 0 { flowDepth -= 1 }
                case UInt8(ascii: ","):
                    if flowDepth > 0 { atValueStart = true }
                case 0x20, 0x09:
                    if lastSignificant == UInt8(ascii: ":") || lastSignificant == UInt8(ascii: "-") && atValueStart {
                        atValueStart = true
                    }
                case UInt8(ascii: "-"):
                    if atValueStart, index + 1 >= lineEnd || bytes[index + 1] == 0x20 { dashes += 1 } else { atValueStart = false }
                case UInt8(ascii: "?"):
                    if atValueStart, index + 1 >= lineEnd || bytes[index + 1] == 0x20 { result.hasAliasOrComplexKey = true }
                    atValueStart = false
                case UInt8(ascii: "*"):
                    if atValueStart && isAliasKey(bytes, from: index + 1, to: lineEnd) { result.hasAliasOrComplexKey = true }
                    atValueStart = false
                case UInt8(ascii: "|"), UInt8(ascii: ">"):
                    if atValueStart && flowDepth == 0 && restIsBlockHeader(bytes, from: index + 1, to: lineEnd) {
                        blockScalarIndent = indent
                        index = lineEnd
                        continue
                    }
                    atValueStart = false
                case UInt8(ascii: ":"):
                    break
                default:
                    atValueStart = false
                }
                if byte != 0x20 && byte != 0x09 { lastSignificant = byte }
                index += 1
            }
            result.depth = max(result.depth, indentStack.count + dashes + flowDepth)
        }
        return result
    }

    /// `*name` followed by optional spaces and `:` plus space/end: an alias used as a mapping key.
    private static func isAliasKey(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
        var index = start
        let stops: Set<UInt8> = [0x20, 0x09, 0x0D, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                                 UInt8(ascii: "{"), UInt8(ascii: "}")]
        while index < end && !stops.contains(bytes[index]) { index += 1 }
        // libyaml anchor names do not include ':'; a trailing ':' is the key indicator.
        if index > start && bytes[index - 1] == UInt8(ascii: ":") { return true }
        while index < end && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
        return index < end && bytes[index] == UInt8(ascii: ":")
    }

    /// After `|` or `>`: only indentation/chomping indicators, spaces and an optional comment.
    private static func restIsBlockHeader(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") { return true }
            if !(byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (byte >= 0x31 && byte <= 0x39)
                || byte == 0x20 || byte == 0x09 || byte == 0x0D) {
                return false
            }
            index += 1
        }
        return true
    }
}
