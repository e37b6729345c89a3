/// Go's `path/filepath.Match` on Unix (`/` separator), which the kubelet applies to each DNS label of a
/// pull-secret key: `*` any run of non-`/` characters, `?` one character, `[a-z]`/`[^…]` classes, `\` escapes.
enum GoGlob {
    struct BadPattern: Error {}

    /// Whether `name` matches `pattern`; throws for a malformed pattern (`[`, `[a-`, trailing `\`).
    static func match(_ pattern: String, _ name: String) throws(BadPattern) -> Bool {
        var pattern = Array(pattern.utf8)[...]
        var name = Array(name.utf8)[...]
        patternLoop: while !pattern.isEmpty {
            let (star, chunk, rest) = scanChunk(pattern)
            pattern = rest
            if star && chunk.isEmpty {
                // A trailing * matches the rest unless it holds a separator.
                return !name.contains(UInt8(ascii: "/"))
            }
            let (remaining, ok) = try matchChunk(chunk, name)
            if ok && (remaining.isEmpty || !pattern.isEmpty) {
                name = remaining
                continue
            }
            if star {
                var index = name.startIndex
                while index < name.endIndex && name[index] != UInt8(ascii: "/") {
                    let (tail, matched) = try matchChunk(chunk, name[(index + 1)...])
                    if matched {
                        if pattern.isEmpty && !tail.isEmpty {
                            index += 1
                            continue
                        }
                        name = tail
                        continue patternLoop
                    }
                    index += 1
                }
            }
            // No match: still report a malformed remainder, as Go does.
            while !pattern.isEmpty {
                let (_, chunk, rest) = scanChunk(pattern)
                pattern = rest
                _ = try matchChunk(chunk, [][...])
            }
            return false
        }
        return name.isEmpty
    }

    private static func scanChunk(_ input: ArraySlice<UInt8>) -> (star: Bool, chunk: ArraySlice<UInt8>, rest: ArraySlice<UInt8>) {
        var pattern = input
        var star = false
        while pattern.first == UInt8(ascii: "*") {
            pattern = pattern.dropFirst()
            star = true
        }
        var inRange = false
        var index = pattern.startIndex
        scan: while index < pattern.endIndex {
            switch pattern[index] {
            case UInt8(ascii: "\\"):
                if index + 1 < pattern.endIndex { index += 1 }
            case UInt8(ascii: "["):
                inRange = true
            case UInt8(ascii: "]"):
                inRange = false
            case UInt8(ascii: "*"):
                if !inRange { break scan }
            default:
                break
            }
            index += 1
        }
        return (star, pattern[pattern.startIndex..<index], pattern[index...])
    }

    private static func matchChunk(_ input: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) throws(BadPattern) -> (ArraySlice<UInt8>, Bool) {
        var chunk = input
        var subject = text
        var failed = false
        while let head = chunk.first {
            if !failed && subject.isEmpty { failed = true }
            switch head {
            case UInt8(ascii: "["):
                var rune: UInt32 = 0
                if !failed {
                    let (value, width) = GoUTF8.decode(subject)
                    rune = value
                    subject = subject.dropFirst(width)
                }
                chunk = chunk.dropFirst()
                var negated = false
                if chunk.first == UInt8(ascii: "^") {
                    negated = true
                    chunk = chunk.dropFirst()
                }
                var matched = false
                var ranges = 0
                while true {
                    if chunk.first == UInt8(ascii: "]") && ranges > 0 {
                        chunk = chunk.dropFirst()
                        break
                    }
                    let low = try escaped(&chunk)
                    var high = low
                    if chunk.first == UInt8(ascii: "-") {
                        chunk = chunk.dropFirst()
                        high = try escaped(&chunk)
                    }
                    if low <= rune && rune <= high { matched = true }
                    ranges += 1
                }
                if matched == negated { failed = true }
            case UInt8(ascii: "?"):
                if !failed {
                    if subject.first == UInt8(ascii: "/") { failed = true }
                    subject = subject.dropFirst(GoUTF8.decode(subject).width)
                }
                chunk = chunk.dropFirst()
            default:
                if head == UInt8(ascii: "\\") {
                    chunk = chunk.dropFirst()
                    if chunk.isEmpty { throw BadPattern() }
                }
                if !failed {
                    if chunk.first != subject.first { failed = true }
                    subject = subject.dropFirst()
                }
                chunk = chunk.dropFirst()
            }
        }
        return failed ? ([][...], false) : (subject, true)
    }

    /// One possibly escaped character of a class; the class must continue after it.
    private static func escaped(_ chunk: inout ArraySlice<UInt8>) throws(BadPattern) -> UInt32 {
        guard let first = chunk.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "]") else { throw BadPattern() }
        if first == UInt8(ascii: "\\") {
            chunk = chunk.dropFirst()
            if chunk.isEmpty { throw BadPattern() }
        }
        let (rune, width) = GoUTF8.decode(chunk)
        if rune == 0xFFFD && width == 1 { throw BadPattern() }
        chunk = chunk.dropFirst(width)
        if chunk.isEmpty { throw BadPattern() }
        return rune
    }
}

/// Go's `unicode/utf8` decoding: an invalid or truncated sequence is U+FFFD of width 1.
enum GoUTF8 {
    static func decode(_ bytes: ArraySlice<UInt8>) -> (rune: UInt32, width: Int) {
        guard let first = bytes.first else { return (0xFFFD, 0) }
        let start = bytes.startIndex
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> UInt32? {
            let index = start + offset
            guard index < bytes.endIndex, range.contains(bytes[index]) else { return nil }
            return UInt32(bytes[index] & 0x3F)
        }
        switch first {
        case 0x00...0x7F:
            return (UInt32(first), 1)
        case 0xC2...0xDF:
            guard let b1 = continuation(1) else { return (0xFFFD, 1) }
            return (UInt32(first & 0x1F) << 6 | b1, 2)
        case 0xE0...0xEF:
            let range: ClosedRange<UInt8> = first == 0xE0 ? 0xA0...0xBF : (first == 0xED ? 0x80...0x9F : 0x80...0xBF)
            guard let b1 = continuation(1, range), let b2 = continuation(2) else { return (0xFFFD, 1) }
            return (UInt32(first & 0x0F) << 12 | b1 << 6 | b2, 3)
        case 0xF0...0xF4:
            let range: ClosedRange<UInt8> = first == 0xF0 ? 0x90...0xBF : (first == 0xF4 ? 0x80...0x8F : 0x80...0xBF)
            guard let b1 = continuation(1, range), let b2 = continuation(2), let b3 = continuation(3) else { return (0xFFFD, 1) }
            return (UInt32(first & 0x07) << 18 | b1 << 12 | b2 << 6 | b3, 4)
        default:
            return (0xFFFD, 1)
        }
    }

    /// `bytes` with every invalid byte replaced by U+FFFD, as Go's JSON encoder does.
    static func sanitize(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var slice = bytes[...]
        while !slice.isEmpty {
            let (rune, width) = decode(slice)
            if rune == 0xFFFD && width == 1 {
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else {
                output.append(contentsOf: slice.prefix(width))
            }
            slice = slice.dropFirst(width)
        }
        return output
    }
}
