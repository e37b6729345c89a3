// The parsed form of a Dockerfile: instructions with line ranges, stages, ARG scopes and comments.

/// A `--name=value` (or bare `--name`) flag on FROM, RUN, COPY, ADD or HEALTHCHECK.
public struct InstructionFlag: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// The arguments of an instruction: exec (JSON array) form or shell (plain text) form.
public enum InstructionArguments: Sendable, Equatable {
    case json([String])
    case shell(String)

    public var isJSON: Bool {
        if case .json = self { return true }
        return false
    }

    /// The arguments as one string (JSON elements joined with a space).
    public var text: String {
        switch self {
        case .json(let items): return items.joined(separator: " ")
        case .shell(let text): return text
        }
    }
}

/// A heredoc body attached to RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`).
public struct Heredoc: Sendable, Equatable {
    public var delimiter: String
    /// `<<-`: leading tabs are removed from the body and the delimiter line.
    public var stripsTabs: Bool
    /// A quoted delimiter (`<<'EOF'` / `<<"EOF"`) turns off expansion in the body.
    public var quoted: Bool
    public var body: String
    /// 1-based line of the first body line (the line after the instruction) and of the delimiter line.
    public var bodyStartLine: Int
    public var endLine: Int

    public init(delimiter: String, stripsTabs: Bool, quoted: Bool, body: String, bodyStartLine: Int, endLine: Int) {
        self.delimiter = delimiter
        self.stripsTabs = stripsTabs
        self.quoted = quoted
        self.body = body
        self.bodyStartLine = bodyStartLine
        self.endLine = endLine
    }
}

/// One instruction, with continuation lines joined and heredocs attached.
public struct Instruction: Sendable, Equatable {
    /// Upper-cased keyword (`RUN`, `FROM`, …).
    public var keyword: String
    /// 1-based first and last physical line (including continuation and heredoc lines).
    public var startLine: Int
    public var endLine: Int
    public var flags: [InstructionFlag]
    public var arguments: InstructionArguments
    public var heredocs: [Heredoc]
    /// Index into `Dockerfile.stages`, or nil for ARG before the first FROM.
    public var stageIndex: Int?

    public init(
        keyword: String, startLine: Int, endLine: Int, flags: [InstructionFlag], arguments: InstructionArguments,
        heredocs: [Heredoc], stageIndex: Int?
    ) {
        self.keyword = keyword
        self.startLine = startLine
        self.endLine = endLine
        self.flags = flags
        self.arguments = arguments
        self.heredocs = heredocs
        self.stageIndex = stageIndex
    }

    /// The value of flag `name` (without `--`); `""` for a bare flag, nil when absent. The last one wins.
    public func flag(_ name: String) -> String? {
        guard let found = flags.last(where: { $0.name == name }) else { return nil }
        return found.value ?? ""
    }

    /// All values of a repeatable flag such as `--mount`.
    public func flagValues(_ name: String) -> [String] {
        flags.filter { $0.name == name }.map { $0.value ?? "" }
    }
}

/// An `ARG` declaration.
public struct ArgDeclaration: Sendable, Equatable {
    public var name: String
    public var defaultValue: String?
    public var line: Int

    public init(name: String, defaultValue: String?, line: Int) {
        self.name = name
        self.defaultValue = defaultValue
        self.line = line
    }
}

/// A comment line (outside heredocs), kept for pragmas.
public struct DockerfileComment: Sendable, Equatable {
    public var line: Int
    /// The text after `#`, trimmed.
    public var text: String

    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// A build stage: `FROM [--platform=…] image [AS name]` and the instructions after it.
public struct Stage: Sendable, Equatable {
    public var index: Int
    /// The alias from `AS name`, lower-cased (stage names are case-insensitive).
    public var name: String?
    /// The image as written.
    public var baseImage: String
    /// The image after substituting global ARGs; nil when a variable had no value.
    public var resolvedBaseImage: String?
    /// Index of the earlier stage this one is built `FROM`, if the base is a stage alias.
    public var baseStageIndex: Int?
    public var platform: String?
    public var fromLine: Int
    public var instructions: [Instruction]
    /// ARGs declared inside the stage (after FROM).
    public var args: [ArgDeclaration]

    public init(
        index: Int, name: String?, baseImage: String, resolvedBaseImage: String?, baseStageIndex: Int?, platform: String?,
        fromLine: Int, instructions: [Instruction], args: [ArgDeclaration]
    ) {
        self.index = index
        self.name = name
        self.baseImage = baseImage
        self.resolvedBaseImage = resolvedBaseImage
        self.baseStageIndex = baseStageIndex
        self.platform = platform
        self.fromLine = fromLine
        self.instructions = instructions
        self.args = args
    }

    /// The stage's display name: its alias or its index.
    public var displayName: String { name ?? String(index) }
}

/// A parsed Dockerfile.
public struct Dockerfile: Sendable, Equatable {
    public var path: String
    /// Parser directives from the top of the file (`syntax`, `escape`, `check`), keys lower-cased.
    public var directives: [String: String]
    public var escapeCharacter: Character
    /// Every instruction in file order (including the ARGs before the first FROM).
    public var instructions: [Instruction]
    public var stages: [Stage]
    /// ARGs declared before the first FROM (usable in FROM lines).
    public var globalArgs: [ArgDeclaration]
    public var comments: [DockerfileComment]

    public init(
        path: String, directives: [String: String], escapeCharacter: Character, instructions: [Instruction], stages: [Stage],
        globalArgs: [ArgDeclaration], comments: [DockerfileComment]
    ) {
        self.path = path
        self.directives = directives
        self.escapeCharacter = escapeCharacter
        self.instructions = instructions
        self.stages = stages
        self.globalArgs = globalArgs
        self.comments = comments
    }

    /// The `# syntax=` directive, if any.
    public var syntax: String? { directives["syntax"] }

    /// The stage with alias `name` (case-insensitive) or numeric index.
    public func stage(named name: String) -> Stage? {
        let lowered = name.lowercased()
        if let found = stages.first(where: { $0.name == lowered }) { return found }
        if let index = Int(name), stages.indices.contains(index) { return stages[index] }
        return nil
    }
}

/// Why a Dockerfile could not be parsed. Every case names the file and, where it applies, the line.
public enum DockerfileParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty(path: String)
    case binaryContent(path: String, line: Int)
    case invalidEncoding(path: String)
    case tooLarge(path: String, bytes: Int, limit: Int)
    case lineTooLong(path: String, line: Int, limit: Int)
    case unterminatedContinuation(path: String, line: Int)
    case unterminatedHeredoc(path: String, line: Int, delimiter: String)
    case unknownInstruction(path: String, line: Int, keyword: String)
    case instructionBeforeFrom(path: String, line: Int, keyword: String)
    case invalidInstruction(path: String, line: Int, message: String)
    case invalidDirective(path: String, line: Int, message: String)

    public var path: String {
        switch self {
        case .empty(let path), .invalidEncoding(let path), .tooLarge(let path, _, _): return path
        case .binaryContent(let path, _), .lineTooLong(let path, _, _), .unterminatedContinuation(let path, _),
            .unterminatedHeredoc(let path, _, _), .unknownInstruction(let path, _, _), .instructionBeforeFrom(let path, _, _),
            .invalidInstruction(let path, _, _), .invalidDirective(let path, _, _):
            return path
        }
    }

    public var line: Int? {
        switch self {
        case .empty, .invalidEncoding, .tooLarge: return nil
        case .binaryContent(_, let line), .lineTooLong(_, let line, _), .unterminatedContinuation(_, let line),
            .unterminatedHeredoc(_, let line, _), .unknownInstruction(_, let line, _), .instructionBeforeFrom(_, let line, _),
            .invalidInstruction(_, let line, _), .invalidDirective(_, let line, _):
            return line
        }
    }

    public var description: String {
        switch self {
        case .empty(let path):
            return "\(path): the Dockerfile is empty (no instructions; a Dockerfile needs at least one FROM)"
        case .binaryContent(let path, let line):
            return "\(path):\(line): the file contains a NUL byte; this is binary data, not a Dockerfile"
        case .invalidEncoding(let path):
            return "\(path): the file is not valid UTF-8 text"
        case .tooLarge(let path, let bytes, let limit):
            return "\(path): the file is \(bytes) bytes, over the \(limit)-byte limit for a Dockerfile"
        case .lineTooLong(let path, let line, let limit):
            return "\(path):\(line): the instruction is longer than \(limit) bytes"
        case .unterminatedContinuation(let path, let line):
            return "\(path):\(line): the line ends with a continuation character but the file ends before the instruction does"
        case .unterminatedHeredoc(let path, let line, let delimiter):
            return "\(path):\(line): heredoc <<\(delimiter) is never terminated (no line '\(delimiter)' before the end of the file)"
        case .unknownInstruction(let path, let line, let keyword):
            let shown = keyword.count > 40 ? String(keyword.prefix(40)) + "…" : keyword
            return "\(path):\(line): unknown instruction '\(shown.debugDescription.dropFirst().dropLast())'"
        case .instructionBeforeFrom(let path, let line, let keyword):
            return "\(path):\(line): \(keyword) before the first FROM (only ARG may come before FROM)"
        case .invalidInstruction(let path, let line, let message):
            return "\(path):\(line): \(message)"
        case .invalidDirective(let path, let line, let message):
            return "\(path):\(line): \(message)"
        }
    }
}
