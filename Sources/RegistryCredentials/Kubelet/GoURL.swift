/// The parts of Go's `net/url.Parse` and `net.SplitHostPort` the kubelet's keyring depends on: which keys are
/// rejected, and what host and (unescaped) path a key or image name yields.
struct GoURL: Equatable {
    var host: String
    var path: String

    /// Parses an absolute `http://` or `https://` URL; nil where Go returns an error.
    static func parse(_ raw: String) -> GoURL? {
        var bytes = Array(raw.utf8)[...]
        // Control characters are refused outright.
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
            guard unescape(bytes[(hash + 1)...], host: false) != nil else { return nil }
            bytes = bytes[..<hash]
        }
        let scheme: [UInt8]
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            scheme = Array(bytes[..<colon]).map { $0 | 0x20 }
            bytes = bytes[(colon + 1)...]
        } else {
            return nil
        }
        guard scheme == Array("https".utf8) || scheme == Array("http".utf8) else { return nil }
        if let question = bytes.firstIndex(of: UInt8(ascii: "?")) { bytes = bytes[..<question] }
        guard bytes.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) else { return nil }
        bytes = bytes.dropFirst(2)
        let slash = bytes.firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
        var authority = bytes[..<slash]
        let rest = bytes[slash...]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            guard authority[..<at].allSatisfy(isValidUserinfo) else { return nil }
            authority = authority[(at + 1)...]
        }
        guard let host = parseHost(authority), let path = unescape(rest, host: false) else { return nil }
        return GoURL(host: String(decoding: host, as: UTF8.self), path: String(decoding: path, as: UTF8.self))
    }

    /// `net.SplitHostPort`, falling back (as the keyring does) to the whole host and no port.
    static func splitHostPort(_ hostport: String) -> (host: String, port: String) {
        let bytes = Array(hostport.utf8)
        let fallback = (host: hostport, port: "")
        guard let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return fallback }
        var host: ArraySlice<UInt8>
        var openSearchStart = 0, closeSearchStart = 0
        if bytes.first == UInt8(ascii: "[") {
            guard let end = bytes.firstIndex(of: UInt8(ascii: "]")) else { return fallback }
            guard end + 1 == lastColon else { return fallback }
            host = bytes[1..<end]
            openSearchStart = 1
            closeSearchStart = end + 1
        } else {
            host = bytes[..<lastColon]
            if host.contains(UInt8(ascii: ":")) { return fallback }
        }
        if bytes[openSearchStart...].contains(UInt8(ascii: "[")) || bytes[closeSearchStart...].contains(UInt8(ascii: "]")) {
            return fallback
        }
        return (String(decoding: host, as: UTF8.self), String(decoding: bytes[(lastColon + 1)...], as: UTF8.self))
    }

    private static func parseHost(_ host: ArraySlice<UInt8>) -> [UInt8]? {
        if host.first == UInt8(ascii: "[") {
            guard let close = host.lastIndex(of: UInt8(ascii: "]")), isValidOptionalPort(host[(close + 1)...]) else { return nil }
        } else if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            guard isValidOptionalPort(host[colon...]) else { return nil }
        }
        return unescape(host, host: true)
    }

    private static func isValidOptionalPort(_ port: ArraySlice<UInt8>) -> Bool {
        guard let first = port.first else { return true }
        return first == UInt8(ascii: ":") && port.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isValidUserinfo(_ byte: UInt8) -> Bool {
        if isUnreserved(byte) { return true }
        return Array("-._:~!$&'()*+,;=%@".utf8).contains(byte)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Percent-decoding in Go's host or path mode; nil for a malformed escape or a character a host cannot hold.
    private static func unescape(_ input: ArraySlice<UInt8>, host: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.endIndex,
                      let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else { return nil }
                // In a host, only non-ASCII bytes and %25 may be escaped.
                if host && high < 8 && !(high == 2 && low == 5) { return nil }
                output.append(high << 4 | low)
                index += 3
                continue
            }
            if host && byte < 0x80 && !isHostCharacter(byte) { return nil }
            output.append(byte)
            index += 1
        }
        return output
    }

    private static func isHostCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || Array("-_.~!$&'()*+,;=:[]<>\"".utf8).contains(byte)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
