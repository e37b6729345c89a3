import Foundation

/// `application/x-www-form-urlencoded` decoding, for query strings and OAuth2 form bodies.
enum FormEncoding {
    /// Name/value pairs in order; a name may repeat (`scope=a&scope=b`).
    static func decode(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(parts[0])
            let value = parts.count > 1 ? unescape(parts[1]) : ""
            return (name, value)
        }
    }

    static func values(_ name: String, in pairs: [(name: String, value: String)]) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    static func value(_ name: String, in pairs: [(name: String, value: String)]) -> String? {
        pairs.first { $0.name == name }?.value
    }

    private static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
