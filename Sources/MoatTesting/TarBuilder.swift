import Foundation

/// Writes tar streams for tests, including hostile ones: names with `..`, lying sizes, pax and GNU extensions.
public struct TarBuilder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public enum TypeFlag: UInt8, Sendable {
        case regular = 0x30, hardLink = 0x31, symlink = 0x32, characterDevice = 0x33, blockDevice = 0x34, directory = 0x35
        case fifo = 0x36, paxLocal = 0x78, paxGlobal = 0x67, gnuLongName = 0x4c, gnuLongLink = 0x4b
    }

    /// Appends one header block. `size` is what the header claims; `content` is what follows (it may differ, to lie).
    public mutating func entry(_ name: String, type: TypeFlag = .regular, content: [UInt8] = [], size: Int64? = nil,
                               mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0, linkName: String = "", mtime: Int64 = 1_700_000_000,
                               base256Size: Bool = false, corruptChecksum: Bool = false, padContent: Bool = true) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (i, byte) in text.utf8.prefix(length).enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int64, _ offset: Int, _ length: Int) {
            put(String(repeating: "0", count: max(0, length - 1 - String(value, radix: 8).count)) + String(value, radix: 8), offset, length - 1)
        }
        let nameBytes = Array(name.utf8)
        if nameBytes.count > 100, let split = Self.ustarSplit(nameBytes) {
            put(String(decoding: nameBytes[(split + 1)...], as: UTF8.self), 0, 100)
            put(String(decoding: nameBytes[..<split], as: UTF8.self), 345, 155)
        } else {
            put(name, 0, 100)
        }
        octal(Int64(mode), 100, 8)
        octal(Int64(uid), 108, 8)
        octal(Int64(gid), 116, 8)
        let claimed = size ?? Int64(content.count)
        if base256Size {
            header[124] = 0x80
            var value = claimed
            for i in stride(from: 135, through: 125, by: -1) {
                header[i] = UInt8(value & 0xff)
                value >>= 8
            }
        } else {
            octal(claimed, 124, 12)
        }
        octal(mtime, 136, 12)
        header[156] = type.rawValue
        put(linkName, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        for i in 148..<156 { header[i] = 0x20 }
        var checksum = header.reduce(0) { $0 + Int($1) }
        if corruptChecksum { checksum += 1 }
        put(String(repeating: "0", count: 6 - String(checksum, radix: 8).count) + String(checksum, radix: 8), 148, 6)
        header[154] = 0
        header[155] = 0x20
        bytes += header
        bytes += content
        if padContent, content.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - content.count % 512) }
    }

    static func ustarSplit(_ name: [UInt8]) -> Int? {
        var index = name.count - 1
        while index > 0 {
            if name[index] == 0x2f, index <= 155, name.count - index - 1 <= 100 { return index }
            index -= 1
        }
        return nil
    }

    public mutating func file(_ name: String, _ text: String, mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0) {
        entry(name, content: Array(text.utf8), mode: mode, uid: uid, gid: gid)
    }

    public mutating func file(_ name: String, bytes content: [UInt8], mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0) {
        entry(name, content: content, mode: mode, uid: uid, gid: gid)
    }

    public mutating func directory(_ name: String, mode: UInt32 = 0o755) {
        entry(name.hasSuffix("/") ? name : name + "/", type: .directory, mode: mode)
    }

    public mutating func symlink(_ name: String, to target: String) {
        entry(name, type: .symlink, mode: 0o777, linkName: target)
    }

    public mutating func hardLink(_ name: String, to target: String) {
        entry(name, type: .hardLink, linkName: target)
    }

    /// An OCI whiteout deleting `path` from lower layers.
    public mutating func whiteout(_ path: String) {
        let parent = path.split(separator: "/").dropLast().joined(separator: "/")
        let name = String(path.split(separator: "/").last ?? "")
        entry((parent.isEmpty ? "" : parent + "/") + ".wh." + name)
    }

    /// An opaque marker hiding everything lower layers put in `directory`.
    public mutating func opaque(_ directory: String) {
        entry(directory + "/.wh..wh..opq")
    }

    /// A file whose name and size come from a pax extended header (long names, sizes beyond 8 GiB).
    public mutating func paxFile(_ name: String, content: [UInt8], extraRecords: [String: String] = [:]) {
        var records = ["path": name]
        records.merge(extraRecords) { $1 }
        var body: [UInt8] = []
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let payload = " \(key)=\(value)\n"
            var length = payload.utf8.count + 1
            while String(length).count + payload.utf8.count != length { length = String(length).count + payload.utf8.count }
            body += Array("\(length)\(payload)".utf8)
        }
        entry("PaxHeaders/placeholder", type: .paxLocal, content: body)
        entry("placeholder-name", content: content)
    }

    /// A file whose name comes from a GNU `L` long-name record.
    public mutating func gnuLongNameFile(_ name: String, content: [UInt8]) {
        entry("././@LongLink", type: .gnuLongName, content: Array(name.utf8) + [0])
        entry(String(name.prefix(99)), content: content)
    }

    /// The two zero blocks that end an archive.
    public mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    /// The archive with its end marker.
    public func finished() -> [UInt8] {
        var copy = self
        copy.end()
        return copy.bytes
    }
}
