/// A parsed `scope` parameter: `repository:library/alpine:pull,push` or `registry:catalog:*`.
///
/// The name may itself contain colons (a registry host with a port), so the type is what comes
/// before the first colon and the actions what comes after the last one.
struct TokenScope: Hashable, Sendable {
    let type: String
    let name: String
    let actions: [String]

    init?(_ text: some StringProtocol) {
        guard let first = text.firstIndex(of: ":"), let last = text.lastIndex(of: ":"), first < last else { return nil }
        type = String(text[..<first])
        name = String(text[text.index(after: first)..<last])
        actions = String(text[text.index(after: last)...]).split(separator: ",").map(String.init)
        if type.isEmpty || name.isEmpty { return nil }
    }

    /// Scopes from `scope` parameters; one parameter may hold several, separated by spaces (OAuth2).
    static func parse(_ parameters: [String]) -> [TokenScope] {
        parameters.flatMap { $0.split(separator: " ") }.compactMap(TokenScope.init)
    }
}

/// Decides what a token grants: authenticated users get what they ask for (pull-only users only
/// `pull`); anonymous callers get `pull` on the configured repositories and nothing else.
struct TokenGrantPolicy: Sendable {
    let pullOnlyUsers: Set<String>
    let anonymousPullRepositories: Set<String>

    func grants(for scopes: [TokenScope], account: String?) -> [TokenAccess] {
        scopes.compactMap { scope in
            let allowed: [String]
            if let account {
                allowed = pullOnlyUsers.contains(account) ? scope.actions.filter { $0 == "pull" } : scope.actions
            } else if scope.type == "repository", anonymousMayPull(scope.name) {
                allowed = scope.actions.filter { $0 == "pull" }
            } else {
                allowed = []
            }
            return allowed.isEmpty ? nil : TokenAccess(type: scope.type, name: scope.name, actions: allowed)
        }
    }

    var allowsAnonymous: Bool { !anonymousPullRepositories.isEmpty }

    private func anonymousMayPull(_ repository: String) -> Bool {
        anonymousPullRepositories.contains("*") || anonymousPullRepositories.contains(repository)
    }
}
