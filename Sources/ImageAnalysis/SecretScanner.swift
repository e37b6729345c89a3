import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
import CMoatInflate

/// A secret found in file content. Holds the value's hash and a masked form, never the value.
public struct SecretHit: Sendable, Hashable {
    public var ruleID: String
    public var kind: String
    public var path: String
    public var line: Int
    public var masked: String
    public var valueHash: String
}

/// Token shapes found by a fixed prefix followed by a run of allowed characters (no regex engine on the hot path).
struct TokenPattern: Sendable {
    var kind: String
    var prefix: [UInt8]
    /// Characters allowed after the prefix.
    var alphabet: Alphabet
    var minLength: Int
    var maxLength: Int
    /// How much of the match may be shown: the public prefix that names the token type.
    var visiblePrefix: Int

    enum Alphabet: Sendable { case upperDigits, alnum, alnumDashUnderscore, base64 }

    func allows(_ byte: UInt8) -> Bool {
        let isDigit = byte >= 48 && byte <= 57
        let isUpper = byte >= 65 && byte <= 90
        let isLower = byte >= 97 && byte <= 122
        switch alphabet {
        case .upperDigits: return isDigit || isUpper
        case .alnum: return isDigit || isUpper || isLower
        case .alnumDashUnderscore: return isDigit || isUpper || isLower || byte == 45 || byte == 95
        case .base64: return isDigit || isUpper || isLower || byte == 43 || byte == 47 || byte == 61
        }
    }
}

/// Finds private keys and well-known token formats in file content (the secret rules of trivy and gitleaks,
/// narrowed to formats with a fixed prefix so false positives stay rare).
enum SecretScanner {
    static let tokens: [TokenPattern] = [
        TokenPattern(kind: "AWS access key ID", prefix: Array("AKIA".utf8), alphabet: .upperDigits, minLength: 16, maxLength: 16, visiblePrefix: 4),
        TokenPattern(kind: "AWS temporary access key ID", prefix: Array("ASIA".utf8), alphabet: .upperDigits, minLength: 16, maxLength: 16, visiblePrefix: 4),
        TokenPattern(kind: "GitHub personal access token", prefix: Array("ghp_".utf8), alphabet: .alnum, minLength: 36, maxLength: 36, visiblePrefix: 4),
        TokenPattern(kind: "GitHub OAuth token", prefix: Array("gho_".utf8), alphabet: .alnum, minLength: 36, maxLength: 36, visiblePrefix: 4),
        TokenPattern(kind: "GitHub app token", prefix: Array("ghs_".utf8), alphabet: .alnum, minLength: 36, maxLength: 36, visiblePrefix: 4),
        TokenPattern(kind: "GitHub refresh token", prefix: Array("ghr_".utf8), alphabet: .alnum, minLength: 36, maxLength: 36, visiblePrefix: 4),
        TokenPattern(kind: "GitHub fine-grained token", prefix: Array("github_pat_".utf8), alphabet: .alnumDashUnderscore, minLength: 82, maxLength: 82, visiblePrefix: 11),
        TokenPattern(kind: "GitLab personal access token", prefix: Array("glpat-".utf8), alphabet: .alnumDashUnderscore, minLength: 20, maxLength: 20, visiblePrefix: 6),
        TokenPattern(kind: "Slack bot token", prefix: Array("xoxb-".utf8), alphabet: .alnumDashUnderscore, minLength: 20, maxLength: 120, visiblePrefix: 5),
        TokenPattern(kind: "Slack user token", prefix: Array("xoxp-".utf8), alphabet: .alnumDashUnderscore, minLength: 20, maxLength: 120, visiblePrefix: 5),
        TokenPattern(kind: "Google API key", prefix: Array("AIza".utf8), alphabet: .alnumDashUnderscore, minLength: 35, maxLength: 35, visiblePrefix: 4),
        TokenPattern(kind: "Stripe live secret key", prefix: Array("sk_live_".utf8), alphabet: .alnum, minLength: 24, maxLength: 99, visiblePrefix: 8),
        TokenPattern(kind: "npm access token", prefix: Array("npm_".utf8), alphabet: .alnum, minLength: 36, maxLength: 36, visiblePrefix: 4),
        TokenPattern(kind: "PyPI upload token", prefix: Array("pypi-AgEIcHlwaS5vcmc".utf8), alphabet: .alnumDashUnderscore, minLength: 50, maxLength: 300, visiblePrefix: 5),
    ]

    static let pemBegin = Array("-----BEGIN ".utf8)
    static let privateKeyMarker = Array("PRIVATE KEY".utf8)

    static func scan(_ content: [UInt8], path: String) -> [SecretHit] {
        var hits: [SecretHit] = []
        content.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            // Private keys: a PEM header line naming a PRIVATE KEY (RSA, EC, OPENSSH, ENCRYPTED, PGP…).
            forEachOccurrence(of: pemBegin, in: base, count: raw.count) { start in
                let lineEnd = raw[start...].prefix(80).firstIndex(of: 0x0a) ?? min(raw.count, start + 80)
                let header = Array(raw[start..<lineEnd])
                guard contains(header, privateKeyMarker) else { return }
                let blockEnd = raw[start...].prefix(16 << 10).firstIndex(of: 0x2d, after: lineEnd) ?? lineEnd
                let body = Array(raw[lineEnd..<blockEnd])
                let label = String(decoding: header.dropFirst(11).prefix { $0 != 0x2d }, as: UTF8.self)
                hits.append(SecretHit(ruleID: RuleCatalog.privateKey.id, kind: label.isEmpty ? "PRIVATE KEY" : label, path: path,
                                      line: lineNumber(raw, start), masked: "-----BEGIN \(label)-----…",
                                      valueHash: Fingerprint.secret(body)))
            }
            for pattern in tokens {
                forEachOccurrence(of: pattern.prefix, in: base, count: raw.count) { start in
                    if start > 0, pattern.allows(raw[start - 1]) { return }  // part of a longer word
                    var end = start + pattern.prefix.count
                    while end < raw.count, end - start - pattern.prefix.count < pattern.maxLength, pattern.allows(raw[end]) { end += 1 }
                    let length = end - start - pattern.prefix.count
                    guard length >= pattern.minLength else { return }
                    if end < raw.count, pattern.allows(raw[end]) { return }  // longer than the format allows
                    let value = Array(raw[start..<end])
                    let shown = String(decoding: value.prefix(pattern.visiblePrefix), as: UTF8.self)
                    hits.append(SecretHit(ruleID: RuleCatalog.token.id, kind: pattern.kind, path: path, line: lineNumber(raw, start),
                                          masked: shown + String(repeating: "*", count: min(16, value.count - pattern.visiblePrefix)),
                                          valueHash: Fingerprint.secret(value)))
                }
            }
        }
        return hits
    }

    /// Configuration files whose `key = value` lines are read for passwords.
    static let configExtensions: Set<String> = ["env", "properties", "ini", "cfg", "conf", "yaml", "yml", "toml"]

    static func isConfigFile(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == ".env" || name.hasPrefix(".env.") { return true }
        guard let dot = name.lastIndex(of: ".") else { return false }
        return configExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// `PASSWORD=…`, `db_password: …`, `secret_key = …` lines with a literal value (not `${VAR}`, `%(x)s`, `<placeholder>`).
    static func scanAssignments(_ content: [UInt8], path: String) -> [SecretHit] {
        var hits: [SecretHit] = []
        var lineNumber = 0
        for rawLine in content.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard rawLine.count < 4096 else { continue }
            let line = String(decoding: rawLine, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), !line.hasPrefix("//"),
                  let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            var key = line[..<separator].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("export ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard !key.isEmpty, key.count <= 64, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }),
                  SecretNames.isSecret(key), key.lowercased() != "passwd" else { continue }  // nsswitch's "passwd:" database
            var value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            let placeholders = ["$", "%(", "<", "{{", "***", "xxx", "null", "none", "true", "false", "changeit-me"]
            guard value.count >= 4, !placeholders.contains(where: { value.lowercased().hasPrefix($0) }) else { continue }
            hits.append(SecretHit(ruleID: RuleCatalog.configPassword.id, kind: "\(key) value", path: path, line: lineNumber,
                                  masked: String(repeating: "*", count: min(value.count, 12)) + " (\(value.count) chars)",
                                  valueHash: Fingerprint.secret(Array(value.utf8))))
        }
        return hits
    }

    /// `text` with every known token format replaced by its masked form.
    static func maskTokens(in text: String) -> String {
        var bytes = Array(text.utf8)
        for pattern in tokens {
            var positions: [(Int, Int)] = []
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                forEachOccurrence(of: pattern.prefix, in: base, count: raw.count) { start in
                    var end = start + pattern.prefix.count
                    while end < raw.count, end - start - pattern.prefix.count < pattern.maxLength, pattern.allows(raw[end]) { end += 1 }
                    if end - start - pattern.prefix.count >= pattern.minLength { positions.append((start, end)) }
                }
            }
            for (start, end) in positions.reversed() {
                bytes.replaceSubrange((start + pattern.visiblePrefix)..<end, with: Array(repeating: UInt8(ascii: "*"), count: 8))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func forEachOccurrence(of needle: [UInt8], in base: UnsafeRawPointer, count: Int, _ body: (Int) -> Void) {
        var offset = 0
        needle.withUnsafeBytes { needleBytes in
            while offset < count {
                guard let found = moat_memmem(base + offset, count - offset, needleBytes.baseAddress, needle.count) else { return }
                let position = base.distance(to: UnsafeRawPointer(found))
                body(position)
                offset = position + needle.count
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func lineNumber(_ raw: UnsafeRawBufferPointer, _ position: Int) -> Int {
        1 + raw[..<position].reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
    }
}

extension Collection where Element == UInt8 {
    func firstIndex(of byte: UInt8, after start: Index) -> Index? {
        self[start...].firstIndex(of: byte)
    }
}
