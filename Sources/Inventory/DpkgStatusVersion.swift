import Versioning

extension DpkgVersion {
    /// `upstream[-revision]`, without the epoch (what `Package.version` holds for dpkg).
    var versionWithoutEpoch: String { revision.isEmpty ? upstream : upstream + "-" + revision }
}

extension String {
    /// Trims what Go's `strings.TrimSpace` trims for the texts seen here (ASCII white space).
    func trimmingDpkgSpace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0b || b == 0x0c || b == 0x0d }
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if start == 0 && end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
