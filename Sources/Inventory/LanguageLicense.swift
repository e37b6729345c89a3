/// License-string handling shared by the language parsers, following trivy's `licensing.SplitLicenses`.
public enum LanguageLicense {
    /// Splits a free-text license field into licenses as trivy does: at commas and at lower-case `or` / `and`
    /// between spaces or underscores (`GPL-1+ or Artistic, and BSD` → three), re-joining pieces that only continue
    /// the previous one (`Apache License, Version 2.0`; `… v2 or later (LGPLv2+)`). Each piece is trimmed; empty
    /// pieces are dropped. SPDX expressions with upper-case `OR`/`AND` stay whole, as in trivy.
    public static func split(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var licenses: [String] = []
        for piece in separate(Array(text.utf8)) {
            let part = String(decoding: piece, as: UTF8.self)
            let lower = part.lowercased()
            let firstWord = lower.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if let previous = licenses.last {
                if firstWord == "ver" || firstWord == "version" {
                    licenses[licenses.count - 1] = previous + ", " + part
                    continue
                }
                if firstWord == "later" {
                    licenses[licenses.count - 1] = previous + " or " + part
                    continue
                }
                if let whole = pythonExceptions[firstWord] {
                    if whole == previous + " or " + part || whole == previous + " and " + part {
                        licenses[licenses.count - 1] = whole
                    }
                    continue
                }
            }
            licenses.append(part)
        }
        return licenses.compactMap { license in
            let trimmed = trim(license)
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// Licenses trivy cannot split correctly, keyed by the first word after the separator.
    static let pythonExceptions: [String: String] = [
        "lesser": "GNU Library or Lesser General Public License (LGPL)",
        "distribution": "Common Development and Distribution License 1.0 (CDDL-1.0)",
        "disclaimer": "Historical Permission Notice and Disclaimer (HPND)",
    ]

    /// The pieces between matches of `(,?[_ ]+(?:or|and)[_ ]+)|(,[ ]*)`, leftmost first.
    static func separate(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        func isGap(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x5f }
        func matchLength(at start: Int) -> Int? {
            // Alternative 1: optional comma, [_ ]+, "or" or "and", [_ ]+.
            var index = start
            if index < bytes.count, bytes[index] == 0x2c { index += 1 }
            let gapStart = index
            while index < bytes.count, isGap(bytes[index]) { index += 1 }
            if index > gapStart {
                var word = index
                if word + 2 <= bytes.count, bytes[word] == 0x6f, bytes[word + 1] == 0x72 {
                    word += 2
                } else if word + 3 <= bytes.count, bytes[word] == 0x61, bytes[word + 1] == 0x6e, bytes[word + 2] == 0x64 {
                    word += 3
                } else {
                    word = -1
                }
                if word > 0 {
                    var end = word
                    while end < bytes.count, isGap(bytes[end]) { end += 1 }
                    if end > word { return end - start }
                }
            }
            // Alternative 2: a comma and any spaces.
            if bytes[start] == 0x2c {
                var end = start + 1
                while end < bytes.count, bytes[end] == 0x20 { end += 1 }
                return end - start
            }
            return nil
        }
        var pieces: [ArraySlice<UInt8>] = []
        var pieceStart = 0
        var index = 0
        while index < bytes.count {
            if let length = matchLength(at: index) {
                pieces.append(bytes[pieceStart..<index])
                index += length
                pieceStart = index
            } else {
                index += 1
            }
        }
        pieces.append(bytes[pieceStart..<bytes.count])
        return pieces
    }

    static func trim(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }
}
