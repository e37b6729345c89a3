/// A failure of the registry test harness (not of the code under test).
///
/// The message is meant to be read in a test log: it says what was attempted and, when a child
/// process was involved, carries the tail of its output. Equality compares the code only, so a
/// test can `#expect(throws:)` a kind of failure without matching the text.
public struct RegistryHarnessError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case toolMissing, processFailed, startTimeout, certificate, network, imageMissing
        }
        private let kind: Kind

        /// A program the harness runs (`docker-registry`, `htpasswd`, `skopeo`, `curl`) is not installed.
        public static let toolMissing = Code(kind: .toolMissing)
        /// A child process exited with a failure status.
        public static let processFailed = Code(kind: .processFailed)
        /// A server did not answer in time.
        public static let startTimeout = Code(kind: .startTimeout)
        /// Generating or writing a certificate or key failed.
        public static let certificate = Code(kind: .certificate)
        /// A socket or listener could not be set up.
        public static let network = Code(kind: .network)
        /// A test image the harness was asked to use does not exist.
        public static let imageMissing = Code(kind: .imageMissing)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "registry harness (\(code)): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
