import LayerFS
import OCIImage
import OCIModel
import Compression
import Foundation

/// Suppressions read from an ignore file: one rule id or finding fingerprint per line, optionally with an expiry
/// date (`MOAT-F001 exp:2026-12-31`) after which the line no longer applies, and `#` comments — like `.trivyignore`.
public struct IgnoreList: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var expires: Date?
        public var line: Int
    }

    public private(set) var entries: [Entry] = []

    public init(entries: [Entry] = []) { self.entries = entries }

    public init(parsing text: String, source: String) throws {
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let key = words.first else { continue }
            var expires: Date?
            for word in words.dropFirst() {
                guard word.hasPrefix("exp:") else {
                    throw IgnoreFileError(message: "\(source):\(number + 1): unexpected \"\(word)\"; expected RULE-ID or FINGERPRINT [exp:YYYY-MM-DD]")
                }
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "yyyy-MM-dd"
                guard let date = formatter.date(from: String(word.dropFirst(4))) else {
                    throw IgnoreFileError(message: "\(source):\(number + 1): invalid expiry \"\(word)\"; use exp:YYYY-MM-DD")
                }
                expires = date.addingTimeInterval(86_400)  // the whole expiry day still counts
            }
            entries.append(Entry(key: String(key), expires: expires, line: number + 1))
        }
    }

    /// Whether an identifier (a CVE, GHSA or other advisory id) is suppressed at `now`, as `.trivyignore` does.
    public func ignores(id: String, now: Date = Date()) -> Bool {
        entries.contains { $0.key == id && ($0.expires.map { now < $0 } ?? true) }
    }

    /// Whether `finding` is suppressed at `now`.
    public func ignores(_ finding: Finding, now: Date = Date()) -> Bool {
        entries.contains { entry in
            (entry.key == finding.ruleID || entry.key == finding.fingerprint) && (entry.expires.map { now < $0 } ?? true)
        }
    }
}

public struct IgnoreFileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
