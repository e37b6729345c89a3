// A small shell-word splitter for RUN commands: enough to find commands and their options.

/// One simple command from a shell script, after removing variable assignments and wrappers (`sudo`, `env`, …).
public struct ShellCommand: Sendable, Equatable {
    /// The command name as written, reduced to its basename (`/usr/bin/apt-get` → `apt-get`).
    public var name: String
    public var arguments: [String]
    /// Wrappers that were removed before the command (`sudo`, `env`, `exec`, …).
    public var wrappers: [String]
    /// The separator that followed this command (`&&`, `||`, `;`, `|`, `&`, newline, or "" at the end).
    public var followedBy: String

    public init(name: String, arguments: [String], wrappers: [String] = [], followedBy: String = "") {
        self.name = name
        self.arguments = arguments
        self.wrappers = wrappers
        self.followedBy = followedBy
    }

    /// Non-option arguments.
    public var operands: [String] { arguments.filter { !$0.hasPrefix("-") } }

    /// True when an option is present: a long option (`--no-cache`, `--no-cache=…`) or a short letter,
    /// also inside a cluster (`-qy` has `y`).
    public func hasOption(long: [String] = [], short: [Character] = []) -> Bool {
        for argument in arguments {
            if argument == "--" { break }
            if argument.hasPrefix("--") {
                let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
                if long.contains(name) { return true }
            } else if argument.hasPrefix("-"), argument.count > 1 {
                if argument.dropFirst().contains(where: { short.contains($0) }) { return true }
            }
        }
        return false
    }
}

public enum ShellSplitter {
    static let wrappers: Set<String> = ["sudo", "env", "exec", "time", "nohup", "command", "nice", "doas", "su-exec", "gosu", "chroot"]

    /// Splits a script into words and separators, respecting single and double quotes and backslash escapes.
    /// Separators are `&&`, `||`, `|`, `;`, `&`, newlines, `(`, `)` and `$(`. Comments (`# …`) are dropped.
    static func tokens(_ script: String) -> [(word: String, isSeparator: Bool)] {
        let chars = Array(script)
        var tokens: [(String, Bool)] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var index = 0
        func flush() {
            if inWord { tokens.append((current, false)) }
            current = ""
            inWord = false
        }
        while index < chars.count {
            let c = chars[index]
            let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\", q == "\"", let n = next {
                    current.append(n)
                    index += 1
                } else {
                    current.append(c)
                }
                index += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                if let n = next {
                    if n != "\n" {
                        current.append(n)
                        inWord = true
                    }
                    index += 1
                }
            case " ", "\t", "\r":
                flush()
            case "#" where !inWord:
                while index < chars.count, chars[index] != "\n" { index += 1 }
                continue
            case "\n", ";", "(", ")":
                flush()
                tokens.append((String(c), true))
            case "$" where next == "(":
                flush()
                tokens.append(("$(", true))
                index += 1
            case "`":
                flush()
                tokens.append(("`", true))
            case "&":
                if next == "&" {
                    flush()
                    tokens.append(("&&", true))
                    index += 1
                } else if current.hasSuffix(">") || next == ">" {
                    current.append(c)
                    inWord = true
                } else {
                    flush()
                    tokens.append(("&", true))
                }
            case "|":
                flush()
                if next == "|" {
                    tokens.append(("||", true))
                    index += 1
                } else {
                    tokens.append(("|", true))
                }
            default:
                current.append(c)
                inWord = true
            }
            index += 1
        }
        flush()
        return tokens
    }

    static func isRedirection(_ word: String) -> (isRedirect: Bool, takesNext: Bool) {
        let stripped = word.drop(while: { $0.isNumber || $0 == "&" })
        guard let first = stripped.first, first == ">" || first == "<" else { return (false, false) }
        let target = stripped.drop(while: { $0 == ">" || $0 == "<" || $0 == "&" || $0 == "|" })
        return (true, target.isEmpty && !stripped.hasSuffix("&"))
    }

    /// The simple commands of a script, in order.
    public static func commands(in script: String) -> [ShellCommand] {
        var commands: [ShellCommand] = []
        var words: [String] = []
        func finish(_ separator: String) {
            defer { words = [] }
            var remaining: [String] = []
            var skipNext = false
            for word in words {
                if skipNext {
                    skipNext = false
                    continue
                }
                let redirect = isRedirection(word)
                if redirect.isRedirect {
                    skipNext = redirect.takesNext
                    continue
                }
                remaining.append(word)
            }
            guard let command = normalize(remaining, followedBy: separator) else { return }
            commands.append(command)
        }
        for token in tokens(script) {
            if token.isSeparator {
                finish(token.word)
            } else {
                words.append(token.word)
            }
        }
        finish("")
        return commands
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        return word[..<eq].allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    static func normalize(_ input: [String], followedBy: String) -> ShellCommand? {
        var words = input[...]
        var wrappersSeen: [String] = []
        while let first = words.first {
            if isAssignment(first) || ["!", "{", "}", "then", "do", "else", "if", "while", "until", "elif"].contains(first) {
                words = words.dropFirst()
                continue
            }
            let base = basename(first)
            if wrappers.contains(base) {
                wrappersSeen.append(base)
                words = words.dropFirst()
                // Options of the wrapper (`sudo -u x`, `env -i`, `nice -n 5`).
                while let option = words.first, option.hasPrefix("-") {
                    words = words.dropFirst()
                    if ["-u", "-g", "-n", "-C", "-U"].contains(option), !words.isEmpty { words = words.dropFirst() }
                }
                continue
            }
            break
        }
        guard let first = words.first else { return nil }
        var name = basename(first)
        var arguments = Array(words.dropFirst())
        // `python -m pip install …` → pip.
        if name.hasPrefix("python"), arguments.count >= 2, arguments[0] == "-m" {
            name = arguments[1]
            arguments = Array(arguments.dropFirst(2))
        }
        return ShellCommand(name: name, arguments: arguments, wrappers: wrappersSeen, followedBy: followedBy)
    }

    static func basename(_ word: String) -> String {
        guard let slash = word.lastIndex(of: "/") else { return word }
        let base = word[word.index(after: slash)...]
        return base.isEmpty ? word : String(base)
    }

    /// True when the script has a pipe (`|`, not `||`) outside quotes.
    public static func hasPipe(_ script: String) -> Bool {
        commands(in: script).contains { $0.followedBy == "|" }
    }
}
