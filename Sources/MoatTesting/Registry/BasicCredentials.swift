/// A user name and password for HTTP Basic authentication in tests.
///
/// `description` hides the password, so credentials interpolated into a log or an error message
/// never show it.
public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible {
    public let username: String
    public let password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `user:password`, the form `skopeo --creds` and `curl -u` take.
    public var colonSeparated: String { "\(username):\(password)" }

    public var description: String { "\(username):<redacted>" }
}
