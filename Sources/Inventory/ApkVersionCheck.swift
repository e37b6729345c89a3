extension ApkInstalled {
    /// Validation of Alpine package versions, ported from go-apk-version's tokenizer (itself a port of apk-tools'
    /// `version.c`), which trivy uses to drop packages with an invalid `V:` line.
    /// (Nested so it cannot collide with the comparison type `Versioning.ApkVersion`.)
    public enum VersionCheck {
        /// Whether `text` is a version apk accepts (`1.2.3-r4`, `2.9.11_pre20061021-r2`, `1.0.2h-r1`…).
        public static func isValid(_ text: String) -> Bool {
            var reader = Reader(Array(text.unicodeScalars))
            var token = Token.digit
            while token != .end && token != .invalid {
                token = reader.nextToken(after: token)
            }
            return token == .end
        }

        enum Token: Int, Comparable {
            case invalid = -1, digitOrZero, digit, letter, suffix, suffixNumber, revisionNumber, end
            static func < (lhs: Token, rhs: Token) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        /// Mirrors the bufio.Reader the Go code reads runes from, including when `UnreadRune` works.
        struct Reader {
            let scalars: [Unicode.Scalar]
            var position = 0
            /// Whether the last operation was a successful rune read (only then can it be unread).
            var canUnread = false

            init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

            var atEnd: Bool { position >= scalars.count }

            /// The next rune, or nil at the end.
            mutating func read() -> Unicode.Scalar? {
                guard position < scalars.count else { canUnread = false; return nil }
                position += 1
                canUnread = true
                return scalars[position - 1]
            }

            mutating func unread() {
                if canUnread { position -= 1 }
                canUnread = false
            }

            /// Consumes `text` if the input continues with it.
            mutating func consume(_ text: String) -> Bool {
                canUnread = false
                let wanted = Array(text.unicodeScalars)
                guard position + wanted.count <= scalars.count, Array(scalars[position..<(position + wanted.count)]) == wanted
                else { return false }
                position += wanted.count
                return true
            }

            static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
                guard let scalar else { return false }
                if scalar.isASCII { return scalar.value >= 0x30 && scalar.value <= 0x39 }
                return scalar.properties.generalCategory == .decimalNumber
            }

            static func isLower(_ scalar: Unicode.Scalar?) -> Bool {
                guard let scalar else { return false }
                if scalar.isASCII { return scalar.value >= 0x61 && scalar.value <= 0x7a }
                return scalar.properties.generalCategory == .lowercaseLetter
            }

            static let preSuffixes = ["alpha", "beta", "pre", "rc", "b"]
            static let postSuffixes = ["cvs", "svn", "git", "hg", "p"]

            /// go-apk-version's `getToken`: consumes the value of a token of type `type`, returns the next token type.
            mutating func nextToken(after type: Token) -> Token {
                var nextType = Token.invalid
                var scalar = read()
                switch type {
                case .digitOrZero where scalar == "0":
                    // Leading zeros are consumed one by one.
                    while true {
                        guard let next = read() else { break }
                        if next != "0" { unread(); break }
                    }
                    nextType = .digit
                case .digitOrZero, .digit, .suffixNumber, .revisionNumber:
                    while Self.isDigit(scalar) {
                        scalar = read()
                        if scalar == nil { break }
                    }
                    unread()
                case .letter:
                    break
                case .suffix:
                    unread()
                    var found = false
                    for suffix in Self.preSuffixes + Self.postSuffixes where consume(suffix) {
                        found = true
                        break
                    }
                    if !found { return .invalid }
                default:
                    return .invalid
                }
                if atEnd { return .end }
                if nextType != .invalid { return nextType }
                return following(type)
            }

            /// go-apk-version's `nextToken`: reads the separator after a token and decides the next token type.
            mutating func following(_ type: Token) -> Token {
                var next = Token.invalid
                let scalar = read()
                if scalar == nil { next = .end }
                if (type == .digit || type == .digitOrZero) && Self.isLower(scalar) {
                    next = .letter
                } else if type == .letter && Self.isDigit(scalar) {
                    next = .digit
                } else if type == .suffix && Self.isDigit(scalar) {
                    next = .suffixNumber
                } else if let scalar {
                    switch scalar {
                    case ".": next = .digitOrZero
                    case "_": next = .suffix
                    case "-": next = read() == nil ? .invalid : .revisionNumber
                    default: break
                    }
                }
                if next == .end || next == .letter || next == .digit || next == .suffixNumber { unread() }
                if next < type {
                    if next == .digitOrZero && type == .digit { return next }
                    if next == .suffix && type == .suffixNumber { return next }
                    if next == .digit && type == .letter { return next }
                    return .invalid
                }
                return next
            }
        }
    }
}
