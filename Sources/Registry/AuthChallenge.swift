/// A `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters.
/// Registries send `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
public struct AuthChallenge: Sendable, Equatable {
    public var scheme: String
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    /// Scopes the registry asked for: space-separated inside one `scope`, as distribution sends them.
    public var scopes: [String] {
        (parameters["scope"] ?? "").split(separator: " ").map(String.init)
    }

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses every challenge in one or more header values; unparseable text yields no challenge rather than an error.
    public static func parse(_ headerValues: [String]) -> [AuthChallenge] {
        headerValues.flatMap { parseOne(Substring($0)) }
    }

    private static func parseOne(_ text: Substring) -> [AuthChallenge] {
        var challenges: [AuthChallenge] = []
        var rest = text
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard !rest.isEmpty else { break }
            let scheme = rest.prefix { $0 != " " && $0 != "," }
            rest = rest.dropFirst(scheme.count)
            var parameters: [String: String] = [:]
            // Parameters follow until a token that is not `name=value` (the next challenge's scheme).
            while true {
                let save = rest
                rest = rest.drop { $0 == " " || $0 == "," }
                let name = rest.prefix { $0 != "=" && $0 != " " && $0 != "," }
                guard !name.isEmpty, rest.dropFirst(name.count).first == "=" else { rest = save; break }
                rest = rest.dropFirst(name.count + 1)
                var value = ""
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    var escaped = false
                    while let character = rest.first {
                        rest = rest.dropFirst()
                        if escaped { value.append(character); escaped = false; continue }
                        if character == "\\" { escaped = true; continue }
                        if character == "\"" { break }
                        value.append(character)
                    }
                } else {
                    let token = rest.prefix { $0 != "," && $0 != " " }
                    value = String(token)
                    rest = rest.dropFirst(token.count)
                }
                parameters[name.lowercased()] = value
            }
            challenges.append(AuthChallenge(scheme: String(scheme), parameters: parameters))
        }
        return challenges
    }
}
