/// The one error type of this module: a stable `code` for callers and tests, a message for people that says
/// what was wrong and where (a JSON path such as `request.object.spec.containers[1].image`, or a byte offset
/// for syntax errors), and the path on its own when there is one.
///
/// Equality compares the code only, so tests can check `error.code == .missingField`.
public struct AdmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case malformedJSON, limitExceeded, wrongType, missingField, invalidValue, wrongAPIVersion, wrongKind
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not JSON: a syntax error, invalid UTF-8, a bad escape, a duplicate key, or an empty body.
        public static let malformedJSON = Code(.malformedJSON)
        /// Larger than `AdmissionLimits.maxBytes`, nested deeper than `maxDepth`, or more than `maxValues` values.
        public static let limitExceeded = Code(.limitExceeded)
        /// A field holds the wrong JSON type (a number where a string belongs, an object where an array does).
        public static let wrongType = Code(.wrongType)
        /// A required field is absent or null (`request`, `request.uid`, `request.kind`, `spec`).
        public static let missingField = Code(.missingField)
        /// A field has the right type but a value that cannot be used (an empty `request.uid`).
        public static let invalidValue = Code(.invalidValue)
        /// `apiVersion` is not the one this reader accepts (`admission.k8s.io/v1`, `imagepolicy.k8s.io/v1alpha1`).
        public static let wrongAPIVersion = Code(.wrongAPIVersion)
        /// `kind` is not `AdmissionReview` / `ImageReview`.
        public static let wrongKind = Code(.wrongKind)

        public var description: String { base.rawValue }
    }

    /// The kind of failure, stable for callers and tests.
    public let code: Code
    /// One line for people, e.g. `request.object.spec.containers[0].image: expected a string, found a number`.
    public let message: String
    /// The JSON path of the offending field when the error is about one (`request.uid`), else nil.
    public let path: String?

    /// An error with `code`, a message for people and, when the error concerns one field, its path.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { message }

    public static func == (lhs: AdmissionError, rhs: AdmissionError) -> Bool { lhs.code == rhs.code }
}
