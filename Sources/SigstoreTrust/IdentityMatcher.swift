import Foundation

/// How a certificate's identity (a Subject Alternative Name) or OIDC issuer must look: `--certificate-identity` /
/// `--certificate-oidc-issuer` (exact) or their `-regexp` forms.
///
/// A regexp matches like cosign's Go `regexp.MatchString`: **unanchored**, so `example\.com` matches
/// `alice@example.com.evil.net` too. Write `^…$` to pin the whole value, as with cosign. The engine is
/// `NSRegularExpression` (ICU); for the patterns people write (classes, alternation, anchors, repetition) it
/// agrees with Go's RE2, but ICU also accepts things RE2 refuses (look-around), and some RE2-only syntax such as
/// `(?P<name>…)` and the `(?U)` flag is rejected or means something else here.
public struct IdentityMatcher: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case exact(String)
        case regexp(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// Matches only a value equal to `value` (byte for byte, as cosign compares).
    public static func exact(_ value: String) -> IdentityMatcher {
        IdentityMatcher(.exact(value))
    }

    /// Matches any value in which `pattern` finds a match (unanchored).
    /// - Throws: ``TrustError`` `.invalidPattern` when `pattern` is not a valid regular expression.
    public static func regexp(_ pattern: String) throws -> IdentityMatcher {
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            throw TrustError(
                .invalidPattern,
                "\(pattern) is not a valid regular expression; moat reads ICU syntax, which differs from "
                    + "Go's RE2 in rare constructs such as (?P<name>...) (write (?<name>...))"
            )
        }
        return IdentityMatcher(.regexp(pattern))
    }

    /// Whether `value` satisfies this matcher.
    public func matches(_ value: String) -> Bool {
        switch kind {
        case .exact(let expected):
            return value == expected
        case .regexp(let pattern):
            // The pattern compiled in `regexp(_:)`, so this cannot fail; a failure matches nothing.
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
            let range = NSRange(value.startIndex..<value.endIndex, in: value)
            return expression.firstMatch(in: value, range: range) != nil
        }
    }

    /// True for a `-regexp` matcher.
    public var isRegularExpression: Bool {
        if case .regexp = kind { return true }
        return false
    }

    /// The expected value or the pattern.
    public var value: String {
        switch kind {
        case .exact(let value), .regexp(let value): return value
        }
    }

    public var description: String { isRegularExpression ? "regexp \(value)" : value }

    /// The option that set this matcher, for messages: `--certificate-identity bob@example.com`.
    func option(_ base: String) -> String {
        isRegularExpression ? "\(base)-regexp \(value)" : "\(base) \(value)"
    }
}

/// Which signer a keyless certificate must name. A nil matcher accepts any value; cosign requires both for keyless
/// verification, and it is the caller's job to insist on them.
public struct CertificateIdentityPolicy: Sendable, Hashable {
    /// Matched against the certificate's Subject Alternative Names (email, URI, otherName, DNS, IP); any may match.
    public var identity: IdentityMatcher?
    /// Matched against the Fulcio OIDC issuer extension (1.3.6.1.4.1.57264.1.8, else the deprecated .1.1).
    public var issuer: IdentityMatcher?

    public init(identity: IdentityMatcher?, issuer: IdentityMatcher?) {
        self.identity = identity
        self.issuer = issuer
    }
}
