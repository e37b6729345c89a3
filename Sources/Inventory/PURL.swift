/// Package URLs as the purl specification writes them:
/// `pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH`, with each part percent-encoded and qualifiers sorted.
public enum PURL {
    /// Builds a purl. `namespace` may hold several `/`-separated segments (each is encoded on its own).
    public static func make(type: String, namespace: String? = nil, name: String, version: String? = nil,
                            qualifiers: [String: String] = [:], subpath: String? = nil) -> String {
        var text = "pkg:" + type.lowercased() + "/"
        if let namespace, !namespace.isEmpty {
            text += namespace.split(separator: "/").map { encode(String($0)) }.joined(separator: "/") + "/"
        }
        text += encode(name)
        if let version, !version.isEmpty { text += "@" + encode(version) }
        let pairs = qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !pairs.isEmpty {
            text += "?" + pairs.map { $0.key.lowercased() + "=" + encode($0.value, keepSlash: true) }.joined(separator: "&")
        }
        if let subpath, !subpath.isEmpty {
            text += "#" + subpath.split(separator: "/").map { encode(String($0)) }.joined(separator: "/")
        }
        return text
    }

    /// Percent-encodes everything but unreserved characters (and `:`, allowed unencoded by the spec; `/` in qualifier values).
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            let isUnreserved = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x2e || byte == 0x5f || byte == 0x7e || byte == 0x3a || (keepSlash && byte == 0x2f)
            if isUnreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0f)])
            }
        }
        return out
    }
}
