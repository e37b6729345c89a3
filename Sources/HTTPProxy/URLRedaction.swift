import Foundation

/// Removes credentials from a URL for messages: user and password are dropped and a query string is replaced by
/// `?…` (signed URLs carry tokens there).
public func redactURL(_ text: String) -> String {
    guard var components = URLComponents(string: text) else { return "<unparsable URL>" }
    let hadCredentials = components.user != nil || components.password != nil
    components.user = nil
    components.password = nil
    let hadQuery = components.query != nil
    components.query = nil
    components.fragment = nil
    var result = components.string ?? "<unparsable URL>"
    if hadQuery { result += "?…" }
    if hadCredentials, let range = result.range(of: "://") { result.insert(contentsOf: "***@", at: range.upperBound) }
    return result
}
