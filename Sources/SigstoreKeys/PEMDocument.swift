import Foundation

/// PEM (RFC 7468) text: decoding every block of a file, encoding one block the way Go's `encoding/pem` does.
///
/// Decoding is lenient where Go's is (text before, between and after blocks is ignored; `\r\n` line ends and
/// indentation are accepted; RFC 1421 headers such as `Proc-Type:` are kept) and strict where it matters: a block
/// must end with the `END` line of its own type and its body must be valid base64. Input is bounded so hostile
/// files fail fast.
public enum PEMDocument {
    /// One `-----BEGIN TYPE-----` … `-----END TYPE-----` block.
    public struct Block: Sendable, Hashable {
        /// The label, e.g. `PUBLIC KEY` or `ENCRYPTED SIGSTORE PRIVATE KEY`.
        public let type: String
        /// RFC 1421 headers (`Name: value` lines before the body), e.g. OpenSSL's legacy `Proc-Type`.
        public let headers: [String: String]
        /// The decoded body.
        public let der: Data

        public init(type: String, headers: [String: String] = [:], der: Data) {
            self.type = type
            self.headers = headers
            self.der = der
        }
    }

    /// Largest text accepted (a key file is a few kilobytes; a 16384-bit RSA private key under 13 KiB).
    public static let maxInputBytes = 1 << 20
    /// Most blocks accepted in one text.
    public static let maxBlocks = 64

    /// Decodes every block of `text`, in order.
    /// - Returns: The blocks; empty when the text holds none.
    /// - Throws: `KeyError.malformedPEM` for text over `maxInputBytes`, more than `maxBlocks` blocks, a block without
    ///   its `END` line, or a body that is not base64.
    public static func decode(_ text: String) throws -> [Block] {
        guard text.utf8.count <= maxInputBytes else {
            throw KeyError(.malformedPEM, "the PEM text is \(text.utf8.count) bytes, more than the \(maxInputBytes) accepted; a key file is a few kilobytes: check that the right file was given")
        }
        var blocks: [Block] = []
        var open: (type: String, line: Int)?
        var headers: [String: String] = [:]
        var body = ""
        var inBody = false
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let current = open else {
                if let type = label(of: line, marker: "BEGIN") {
                    guard !type.isEmpty else {
                        throw KeyError(.malformedPEM, "line \(index + 1): a PEM BEGIN line without a type")
                    }
                    guard blocks.count < maxBlocks else {
                        throw KeyError(.malformedPEM, "the PEM text holds more than \(maxBlocks) blocks; give a file with the one key")
                    }
                    open = (type, index + 1)
                    headers = [:]
                    body = ""
                    inBody = false
                }
                continue
            }
            if let endType = label(of: line, marker: "END") {
                guard endType == current.type else {
                    throw KeyError(.malformedPEM, "line \(index + 1): the block \"\(current.type)\" begun on line \(current.line) ends with \"END \(endType)\"; the file is damaged")
                }
                guard let der = Data(base64Encoded: body) else {
                    throw KeyError(.malformedPEM, "the \"\(current.type)\" block on line \(current.line) is not valid base64; the file is damaged")
                }
                blocks.append(Block(type: current.type, headers: headers, der: der))
                open = nil
                continue
            }
            if label(of: line, marker: "BEGIN") != nil {
                throw KeyError(.malformedPEM, "line \(index + 1): a new BEGIN line inside the \"\(current.type)\" block begun on line \(current.line), which has no END line")
            }
            if !inBody, let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                continue
            }
            if line.isEmpty { continue }
            inBody = true
            body += line
        }
        if let current = open {
            throw KeyError(.malformedPEM, "the \"\(current.type)\" block begun on line \(current.line) has no END line; the file is truncated")
        }
        return blocks
    }

    /// One block: `-----BEGIN TYPE-----`, the base64 body in 64-character lines, `-----END TYPE-----`, each line
    /// ending in `\n` (what Go's `pem.EncodeToMemory` writes).
    public static func encode(type: String, der: Data) -> String {
        let base64 = Array(der.base64EncodedString().utf8)
        var text = "-----BEGIN \(type)-----\n"
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            text += String(decoding: base64[start..<end], as: UTF8.self) + "\n"
            start = end
        }
        return text + "-----END \(type)-----\n"
    }

    /// The type of a `-----BEGIN TYPE-----` / `-----END TYPE-----` line, or nil for other lines.
    private static func label(of line: String, marker: String) -> String? {
        if line == "-----\(marker)-----" { return "" }
        let prefix = "-----\(marker) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count >= prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}
