import Foundation

/// Parses Dockerfile text: parser directives (`# syntax`, `# escape`), line continuations (with the escape
/// character, skipping comment and blank lines inside a continuation), heredocs, JSON and shell forms, flags,
/// stages (`FROM … AS name`) and ARG scoping with `${VAR:-default}` substitution in FROM.
public enum DockerfileParser {
    /// Largest accepted file (bounded memory for hostile input).
    public static let defaultMaxBytes = 32 * 1024 * 1024
    /// Largest accepted single instruction after joining continuation lines.
    public static let maxInstructionBytes = 4 * 1024 * 1024

    static let knownKeywords: Set<String> = [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ]
    static let flagKeywords: Set<String> = ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]
    static let jsonKeywords: Set<String> = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"]
    static let heredocKeywords: Set<String> = ["RUN", "COPY", "ADD"]

    /// Reads and parses a file, refusing files over `maxBytes` before reading them whole.
    public static func parse(
        contentsOf url: URL, buildArgs: [String: String] = [:], maxBytes: Int = defaultMaxBytes
    ) throws -> Dockerfile {
        let path = url.path
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxBytes {
            throw DockerfileParseError.tooLarge(path: path, bytes: size, limit: maxBytes)
        }
        let data = try Data(contentsOf: url)
        return try parse(data: data, path: path, buildArgs: buildArgs, maxBytes: maxBytes)
    }

    /// Parses raw bytes: rejects NUL bytes (binary data) with their line, and invalid UTF-8.
    public static func parse(
        data: Data, path: String, buildArgs: [String: String] = [:], maxBytes: Int = defaultMaxBytes
    ) throws -> Dockerfile {
        if data.count > maxBytes { throw DockerfileParseError.tooLarge(path: path, bytes: data.count, limit: maxBytes) }
        if let line = nulLine(data) { throw DockerfileParseError.binaryContent(path: path, line: line) }
        guard let text = String(data: data, encoding: .utf8) else { throw DockerfileParseError.invalidEncoding(path: path) }
        return try parse(text, path: path, buildArgs: buildArgs, maxBytes: maxBytes)
    }

    /// Parses Dockerfile text. `path` is used in errors and findings.
    public static func parse(
        _ text: String, path: String, buildArgs: [String: String] = [:], maxBytes: Int = defaultMaxBytes
    ) throws -> Dockerfile {
        let byteCount = text.utf8.count
        if byteCount > maxBytes { throw DockerfileParseError.tooLarge(path: path, bytes: byteCount, limit: maxBytes) }
        if let line = nulLine(text.utf8) { throw DockerfileParseError.binaryContent(path: path, line: line) }
        var state = ParseState(path: path, lines: splitLines(text), buildArgs: buildArgs)
        try state.run()
        guard !state.instructions.isEmpty else { throw DockerfileParseError.empty(path: path) }
        guard !state.stages.isEmpty else {
            throw DockerfileParseError.invalidInstruction(
                path: path, line: state.instructions.last?.startLine ?? 1, message: "the Dockerfile has no FROM instruction")
        }
        return Dockerfile(
            path: path, directives: state.directives, escapeCharacter: state.escape, instructions: state.instructions,
            stages: state.stages, globalArgs: state.globalArgs, comments: state.comments)
    }

    static func nulLine<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        guard bytes.contains(0) else { return nil }
        var line = 1
        for byte in bytes {
            if byte == 0 { return line }
            if byte == 10 { line += 1 }
        }
        return nil
    }

    static func splitLines(_ text: String) -> [String] {
        text.utf8.split(separator: 10, omittingEmptySubsequences: false).map { slice in
            var line = String(Substring(slice))
            if line.utf8.last == 13 { line.removeLast() }
            return line
        }
    }

    // MARK: - Variable substitution

    /// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`.
    /// `complete` is false when a variable was unset and no default applied.
    public static func expand(_ text: String, variables: [String: String], escape: Character = "\\") -> (value: String, complete: Bool) {
        let chars = Array(text)
        var output = ""
        var complete = true
        var index = 0
        func isNameChar(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
        while index < chars.count {
            let c = chars[index]
            if c == escape, index + 1 < chars.count, chars[index + 1] == "$" {
                output.append("$")
                index += 2
                continue
            }
            guard c == "$", index + 1 < chars.count else {
                output.append(c)
                index += 1
                continue
            }
            let next = chars[index + 1]
            if next == "{" {
                var depth = 1
                var end = index + 2
                while end < chars.count {
                    if chars[end] == "{" { depth += 1 }
                    if chars[end] == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    end += 1
                }
                guard end < chars.count else {  // no closing brace: keep literally
                    output.append(contentsOf: String(chars[index...]))
                    complete = false
                    break
                }
                let inner = Array(chars[(index + 2)..<end])
                var nameEnd = 0
                while nameEnd < inner.count, isNameChar(inner[nameEnd]) { nameEnd += 1 }
                let name = String(inner[..<nameEnd])
                let modifier = String(inner[nameEnd...])
                let value = variables[name]
                func sub(_ s: Substring) -> String {
                    let (v, ok) = expand(String(s), variables: variables, escape: escape)
                    if !ok { complete = false }
                    return v
                }
                if modifier.isEmpty {
                    if let value { output += value } else { complete = false }
                } else if modifier.hasPrefix(":-") {
                    if let value, !value.isEmpty { output += value } else { output += sub(modifier.dropFirst(2)) }
                } else if modifier.hasPrefix("-") {
                    if let value { output += value } else { output += sub(modifier.dropFirst(1)) }
                } else if modifier.hasPrefix(":+") {
                    if let value, !value.isEmpty { output += sub(modifier.dropFirst(2)) }
                } else if modifier.hasPrefix("+") {
                    if value != nil { output += sub(modifier.dropFirst(1)) }
                } else {
                    if let value { output += value } else { complete = false }
                }
                index = end + 1
            } else if isNameChar(next) && !next.isNumber {
                var end = index + 1
                while end < chars.count, isNameChar(chars[end]) { end += 1 }
                let name = String(chars[(index + 1)..<end])
                if let value = variables[name] { output += value } else { complete = false }
                index = end
            } else {
                output.append(c)
                index += 1
            }
        }
        return (output, complete)
    }

    // MARK: - Word splitting for instruction arguments (ENV, ARG, LABEL, FROM)

    /// Splits on unquoted whitespace, removing quotes; the escape character escapes the next character
    /// outside single quotes.
    static func instructionWords(_ text: String, escape: Character) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(text).makeIterator()
        while let c = iterator.next() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == escape, q == "\"", let n = iterator.next() {
                    current.append(n)
                } else {
                    current.append(c)
                }
                continue
            }
            if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == escape, let n = iterator.next() {
                current.append(n)
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// `KEY=value KEY2="v 2"` pairs, or the legacy `KEY value` form (ENV, LABEL).
    static func keyValuePairs(_ text: String, escape: Character) -> [(key: String, value: String)] {
        let words = instructionWords(text, escape: escape)
        guard let first = words.first else { return [] }
        if !first.contains("=") {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let rest = trimmed.dropFirst(trimmed.prefix(while: { !$0.isWhitespace }).count)
            return [(first, rest.trimmingCharacters(in: .whitespaces))]
        }
        return words.map { word in
            guard let eq = word.firstIndex(of: "=") else { return (word, "") }
            return (String(word[..<eq]), String(word[word.index(after: eq)...]))
        }
    }

    // MARK: - Heredoc markers

    struct HeredocMarker {
        var delimiter: String
        var stripsTabs: Bool
        var quoted: Bool
    }

    static func heredocMarkers(in text: String) -> [HeredocMarker] {
        let chars = Array(text)
        var markers: [HeredocMarker] = []
        var quote: Character?
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if let q = quote {
                if c == q { quote = nil } else if c == "\\", q == "\"" { index += 1 }
                index += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                index += 1
                continue
            }
            if c == "\\" {
                index += 2
                continue
            }
            guard c == "<", index + 1 < chars.count, chars[index + 1] == "<",
                index == 0 || chars[index - 1] != "<",
                index + 2 >= chars.count || chars[index + 2] != "<"
            else {
                index += 1
                continue
            }
            var cursor = index + 2
            var strips = false
            if cursor < chars.count, chars[cursor] == "-" {
                strips = true
                cursor += 1
            }
            while cursor < chars.count, chars[cursor] == " " || chars[cursor] == "\t" { cursor += 1 }
            var quoteChar: Character?
            if cursor < chars.count, chars[cursor] == "'" || chars[cursor] == "\"" {
                quoteChar = chars[cursor]
                cursor += 1
            }
            var word = ""
            while cursor < chars.count, chars[cursor] == "_" || (chars[cursor].isASCII && (chars[cursor].isLetter || chars[cursor].isNumber)) {
                word.append(chars[cursor])
                cursor += 1
            }
            if let q = quoteChar {
                guard cursor < chars.count, chars[cursor] == q else {
                    index = cursor
                    continue
                }
                cursor += 1
            }
            if !word.isEmpty {
                markers.append(HeredocMarker(delimiter: word, stripsTabs: strips, quoted: quoteChar != nil))
            }
            index = max(cursor, index + 2)
        }
        return markers
    }

    // MARK: - Parse state

    struct ParseState {
        let path: String
        let lines: [String]
        let buildArgs: [String: String]
        var escape: Character = "\\"
        var directives: [String: String] = [:]
        var instructions: [Instruction] = []
        var stages: [Stage] = []
        var globalArgs: [ArgDeclaration] = []
        var comments: [DockerfileComment] = []

        init(path: String, lines: [String], buildArgs: [String: String]) {
            self.path = path
            self.lines = lines
            self.buildArgs = buildArgs
        }

        static func trimLeading(_ s: String) -> Substring { s.drop(while: { $0 == " " || $0 == "\t" }) }

        static func trimTrailing(_ s: Substring) -> Substring {
            var end = s.endIndex
            while end > s.startIndex {
                let before = s.index(before: end)
                guard s[before] == " " || s[before] == "\t" else { break }
                end = before
            }
            return s[s.startIndex..<end]
        }

        mutating func readDirectives() throws -> Int {
            var index = 0
            while index < lines.count {
                let trimmed = Self.trimLeading(lines[index])
                guard trimmed.hasPrefix("#") else { break }
                let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let eq = body.firstIndex(of: "=") else { break }
                let key = body[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                let value = body[body.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                guard ["syntax", "escape", "check"].contains(key), directives[key] == nil else { break }
                if key == "escape" {
                    guard value == "\\" || value == "`" else {
                        throw DockerfileParseError.invalidDirective(
                            path: path, line: index + 1, message: "invalid escape directive '\(value)': it must be \\ or `")
                    }
                    escape = value == "`" ? "`" : "\\"
                }
                directives[key] = value
                index += 1
            }
            return index
        }

        /// Removes a trailing escape character (continuation); returns the content and whether it continues.
        func stripContinuation(_ line: String) -> (Substring, Bool) {
            let trimmed = Self.trimTrailing(line[...])
            if let last = trimmed.last, last == escape {
                return (trimmed.dropLast(), true)
            }
            return (line[...], false)
        }

        mutating func run() throws {
            var index = try readDirectives()
            while index < lines.count {
                let first = Self.trimLeading(lines[index])
                if first.isEmpty {
                    index += 1
                    continue
                }
                if first.hasPrefix("#") {
                    comments.append(DockerfileComment(line: index + 1, text: first.dropFirst().trimmingCharacters(in: .whitespaces)))
                    index += 1
                    continue
                }
                let startLine = index + 1
                var buffer = ""
                var current = lines[index]
                while true {
                    let (content, continues) = stripContinuation(current)
                    buffer += content
                    if buffer.utf8.count > DockerfileParser.maxInstructionBytes {
                        throw DockerfileParseError.lineTooLong(path: path, line: startLine, limit: DockerfileParser.maxInstructionBytes)
                    }
                    guard continues else { break }
                    let continuationLine = index + 1
                    index += 1
                    // Comment lines and blank lines inside a continuation are dropped (as BuildKit does).
                    while index < lines.count {
                        let t = Self.trimLeading(lines[index])
                        if t.isEmpty || t.hasPrefix("#") {
                            if t.hasPrefix("#") {
                                comments.append(DockerfileComment(line: index + 1, text: t.dropFirst().trimmingCharacters(in: .whitespaces)))
                            }
                            index += 1
                        } else {
                            break
                        }
                    }
                    guard index < lines.count else {
                        throw DockerfileParseError.unterminatedContinuation(path: path, line: continuationLine)
                    }
                    current = lines[index]
                }
                var endLine = index + 1
                index += 1
                var instruction = try makeInstruction(buffer, startLine: startLine)
                if DockerfileParser.heredocKeywords.contains(instruction.keyword), case .shell(let text) = instruction.arguments {
                    for marker in DockerfileParser.heredocMarkers(in: text) {
                        var body: [String] = []
                        var terminated = false
                        let bodyStart = index + 1
                        while index < lines.count {
                            let raw = lines[index]
                            index += 1
                            let candidate = marker.stripsTabs ? String(raw.drop(while: { $0 == "\t" })) : raw
                            if candidate == marker.delimiter {
                                terminated = true
                                break
                            }
                            body.append(candidate)
                        }
                        guard terminated else {
                            throw DockerfileParseError.unterminatedHeredoc(path: path, line: startLine, delimiter: marker.delimiter)
                        }
                        endLine = index
                        instruction.heredocs.append(
                            Heredoc(
                                delimiter: marker.delimiter, stripsTabs: marker.stripsTabs, quoted: marker.quoted,
                                body: body.isEmpty ? "" : body.joined(separator: "\n") + "\n", bodyStartLine: bodyStart, endLine: index))
                    }
                }
                instruction.endLine = endLine
                try add(instruction)
            }
        }

        func makeInstruction(_ text: String, startLine: Int) throws -> Instruction {
            let trimmed = Self.trimLeading(text)
            let keywordPart = trimmed.prefix(while: { !$0.isWhitespace })
            let keyword = keywordPart.uppercased()
            guard DockerfileParser.knownKeywords.contains(keyword) else {
                throw DockerfileParseError.unknownInstruction(path: path, line: startLine, keyword: String(keywordPart))
            }
            var rest = Self.trimLeading(String(trimmed.dropFirst(keywordPart.count)))
            var flags: [InstructionFlag] = []
            if DockerfileParser.flagKeywords.contains(keyword) {
                while rest.hasPrefix("--") {
                    let token = rest.prefix(while: { !$0.isWhitespace })
                    let body = token.dropFirst(2)
                    if let eq = body.firstIndex(of: "=") {
                        flags.append(InstructionFlag(name: String(body[..<eq]), value: String(body[body.index(after: eq)...])))
                    } else {
                        flags.append(InstructionFlag(name: String(body), value: nil))
                    }
                    rest = Self.trimLeading(String(rest.dropFirst(token.count)))
                }
            }
            let argumentText = String(Self.trimTrailing(rest))
            var arguments = InstructionArguments.shell(argumentText)
            if DockerfileParser.jsonKeywords.contains(keyword), argumentText.hasPrefix("["),
                let object = try? JSONSerialization.jsonObject(with: Data(argumentText.utf8)),
                let items = object as? [String]
            {
                arguments = .json(items)
            }
            return Instruction(
                keyword: keyword, startLine: startLine, endLine: startLine, flags: flags, arguments: arguments, heredocs: [],
                stageIndex: stages.isEmpty ? nil : stages.count - 1)
        }

        var globalVariables: [String: String] {
            var variables: [String: String] = [:]
            for arg in globalArgs {
                if let value = buildArgs[arg.name] {
                    variables[arg.name] = value
                } else if let value = arg.defaultValue {
                    variables[arg.name] = DockerfileParser.expand(value, variables: variables, escape: escape).value
                }
            }
            return variables
        }

        mutating func add(_ instruction: Instruction) throws {
            switch instruction.keyword {
            case "FROM":
                let words = DockerfileParser.instructionWords(instruction.arguments.text, escape: escape)
                guard let image = words.first else {
                    throw DockerfileParseError.invalidInstruction(path: path, line: instruction.startLine, message: "FROM needs an image name")
                }
                var name: String?
                if words.count == 3, words[1].lowercased() == "as" {
                    name = words[2].lowercased()
                } else if words.count != 1 {
                    throw DockerfileParseError.invalidInstruction(
                        path: path, line: instruction.startLine, message: "FROM takes an image and an optional 'AS name'")
                }
                let (resolved, complete) = DockerfileParser.expand(image, variables: globalVariables, escape: escape)
                let resolvedImage: String? = complete && !resolved.isEmpty ? resolved : nil
                let baseStage = resolvedImage.flatMap { r in stages.first(where: { $0.name == r.lowercased() })?.index }
                var fromInstruction = instruction
                fromInstruction.stageIndex = stages.count
                stages.append(
                    Stage(
                        index: stages.count, name: name, baseImage: image, resolvedBaseImage: resolvedImage, baseStageIndex: baseStage,
                        platform: instruction.flag("platform"), fromLine: instruction.startLine, instructions: [fromInstruction], args: []))
                instructions.append(fromInstruction)
            case "ARG":
                let declarations = DockerfileParser.instructionWords(instruction.arguments.text, escape: escape).map { word in
                    if let eq = word.firstIndex(of: "=") {
                        return ArgDeclaration(
                            name: String(word[..<eq]), defaultValue: String(word[word.index(after: eq)...]), line: instruction.startLine)
                    }
                    return ArgDeclaration(name: word, defaultValue: nil, line: instruction.startLine)
                }
                if declarations.isEmpty {
                    throw DockerfileParseError.invalidInstruction(path: path, line: instruction.startLine, message: "ARG needs a name")
                }
                if stages.isEmpty {
                    globalArgs += declarations
                } else {
                    stages[stages.count - 1].args += declarations
                    stages[stages.count - 1].instructions.append(instruction)
                }
                instructions.append(instruction)
            default:
                guard !stages.isEmpty else {
                    throw DockerfileParseError.instructionBeforeFrom(path: path, line: instruction.startLine, keyword: instruction.keyword)
                }
                stages[stages.count - 1].instructions.append(instruction)
                instructions.append(instruction)
            }
        }
    }
}
