/// Why a policy file was refused: a stable `code`, and a message naming the file, the line and column, the field
/// and what to change, e.g.
/// `policy.yaml:7:7: rules.allowedRegistries.patterns[1]: invalid image pattern "docker.io/library/": ends with "/"; …`.
///
/// Equality compares the code only (as `CredentialError` does), so tests can match kinds of failure.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unreadableFile, syntax, limitExceeded, unknownField, missingField, wrongType, invalidValue, keyFile
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The policy file is missing, unreadable, a directory, too large, or not UTF-8.
        public static let unreadableFile = Code(.unreadableFile)
        /// Not valid YAML (including duplicate keys), or not exactly one document.
        public static let syntax = Code(.syntax)
        /// Nested too deeply, aliases as keys, or too many values (a YAML alias bomb).
        public static let limitExceeded = Code(.limitExceeded)
        /// A field the format does not define (often a typo).
        public static let unknownField = Code(.unknownField)
        /// A required field is absent.
        public static let missingField = Code(.missingField)
        /// A field holds the wrong kind of value (a list where a string belongs, a mapping where a list belongs…).
        public static let wrongType = Code(.wrongType)
        /// A value of the right kind that is not allowed: a bad pattern, severity, category, date, mode, an empty list.
        public static let invalidValue = Code(.invalidValue)
        /// A `keys` entry that cannot be read, or is not PEM.
        public static let keyFile = Code(.keyFile)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The policy's path, or the `source` given to `Policy(yaml:…)`.
    public let file: String
    /// 1-based line and column of the offending node, when known.
    public let line: Int?
    public let column: Int?
    /// The field, e.g. `rules.requireSignature[0].keys[1]`; empty for the document as a whole.
    public let field: String
    /// What is wrong and what to do.
    public let problem: String

    public init(_ code: Code, file: String, line: Int? = nil, column: Int? = nil, field: String = "", problem: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.problem = problem
    }

    /// `file:line:column: field: problem`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !field.isEmpty { text += field + ": " }
        return text + problem
    }

    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code }
}
