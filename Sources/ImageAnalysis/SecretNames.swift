/// Whether a variable or configuration key names a secret (hadolint DL3064, Dockle CIS-DI-0010), matched per word
/// so `PYTHON_VERSION` or `apk add libcrypto3=…` never match.
enum SecretNames {
    /// Name fragments that mark a variable as secret (hadolint DL3064, Dockle CIS-DI-0010), matched per word.
    static let secretWords: Set<String> = ["PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE"]
    static let secretPairs: [[String]] = [["API", "KEY"], ["ACCESS", "KEY"], ["PRIVATE", "KEY"], ["SECRET", "KEY"], ["CLIENT", "SECRET"], ["AUTH", "KEY"],
                                              ["SSH", "KEY"], ["ENCRYPTION", "KEY"], ["SIGNING", "KEY"], ["MASTER", "KEY"], ["LICENSE", "KEY"],
                                              ["JWT", "KEY"], ["SESSION", "KEY"], ["DB", "PASS"], ["STRIPE", "KEY"]]
    /// Names that look secret but are public by design (Dockle's accepted keys, version pins).
    static let acceptedNames: Set<String> = ["GPG_KEY", "GPG_KEYS", "PASSWORD_FILE", "SECRET_FILE", "TOKEN_FILE"]

    static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        if acceptedNames.contains(upper) || upper.hasSuffix("_FILE") || upper.hasSuffix("_PATH") || upper.hasSuffix("_VERSION")
            || upper.hasSuffix("_URL") || upper.hasSuffix("_SHA256") { return false }
        let words = upper.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        if words.contains(where: secretWords.contains) { return true }
        return secretPairs.contains { pair in
            zip(words, words.dropFirst()).contains { $0 == pair[0] && $1 == pair[1] }
        }
    }

}
