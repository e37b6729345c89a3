/// Decodes one 512-byte tar header block (ustar, GNU and v7), before pax or GNU long-name overrides.
struct TarHeader {
    enum TypeFlag {
        case entry(TarEntry.Kind)
        case paxLocal, paxGlobal, gnuLongName, gnuLongLink
        /// Types we skip over (GNU sparse, volume headers, vendor extensions); their data is still counted.
        case other(UInt8)
    }

    var name: String
    var mode: UInt32
    var uid: Int
    var gid: Int
    var size: Int64
    var mtime: Int64
    var type: TypeFlag
    var linkName: String

    static let blockSize = 512

    /// Whether all 512 bytes are zero (end-of-archive marker).
    static func isZeroBlock(_ block: UnsafeRawBufferPointer) -> Bool {
        block.allSatisfy { $0 == 0 }
    }

    init(block: UnsafeRawBufferPointer, offset: Int64) throws(TarError) {
        precondition(block.count == TarHeader.blockSize)
        let storedChecksum = try Self.number(block, 148, 8, offset: offset, field: "checksum")
        var unsignedSum: Int64 = 0
        var signedSum: Int64 = 0
        for i in 0..<512 {
            let byte = (148..<156).contains(i) ? 0x20 : block[i]
            unsignedSum += Int64(byte)
            signedSum += Int64(Int8(bitPattern: byte))
        }
        guard storedChecksum == unsignedSum || storedChecksum == signedSum else {
            throw TarError(.badChecksum, offset: offset, "tar header checksum mismatch: the layer is corrupt or not a tar stream")
        }
        let isUstar = Self.string(block, 257, 5) == "ustar"
        var name = Self.string(block, 0, 100)
        if isUstar {
            let prefix = Self.string(block, 345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        self.name = name
        self.mode = UInt32(truncatingIfNeeded: try Self.number(block, 100, 8, offset: offset, field: "mode"))
        self.uid = Int(try Self.number(block, 108, 8, offset: offset, field: "uid"))
        self.gid = Int(try Self.number(block, 116, 8, offset: offset, field: "gid"))
        self.size = try Self.number(block, 124, 12, offset: offset, field: "size")
        self.mtime = try Self.number(block, 136, 12, offset: offset, field: "mtime")
        self.linkName = Self.string(block, 157, 100)
        guard size >= 0 else { throw TarError(.badNumber, offset: offset, "negative size in tar header") }
        switch block[156] {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): type = name.hasSuffix("/") ? .entry(.directory) : .entry(.regular)
        case UInt8(ascii: "1"): type = .entry(.hardLink)
        case UInt8(ascii: "2"): type = .entry(.symlink)
        case UInt8(ascii: "3"): type = .entry(.characterDevice)
        case UInt8(ascii: "4"): type = .entry(.blockDevice)
        case UInt8(ascii: "5"): type = .entry(.directory)
        case UInt8(ascii: "6"): type = .entry(.fifo)
        case UInt8(ascii: "x"): type = .paxLocal
        case UInt8(ascii: "g"): type = .paxGlobal
        case UInt8(ascii: "L"): type = .gnuLongName
        case UInt8(ascii: "K"): type = .gnuLongLink
        case let other: type = .other(other)
        }
    }

    /// Bytes of data following the header, rounded up to whole blocks. Links and directories carry none even if size lies.
    var dataSize: Int64 {
        if case .entry(let kind) = type, kind == .hardLink || kind == .symlink || kind == .directory
            || kind == .characterDevice || kind == .blockDevice || kind == .fifo {
            return 0
        }
        return size
    }

    static func padded(_ size: Int64) -> Int64 { (size + 511) / 512 * 512 }

    static func string(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> String {
        let field = UnsafeRawBufferPointer(rebasing: block[start..<(start + length)])
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// Octal ASCII, or GNU base-256 when the high bit of the first byte is set (sizes over 8 GiB, negative times).
    static func number(_ block: UnsafeRawBufferPointer, _ start: Int, _ length: Int, offset: Int64, field: String) throws(TarError) -> Int64 {
        let first = block[start]
        if first & 0x80 != 0 {
            // Big-endian two's complement (as GNU tar and Go write it): a negative value is led by 0xff bytes.
            // Inverting a negative value's bytes gives -value-1, which is read as a positive number.
            let invert: UInt8 = first & 0x40 != 0 ? 0xff : 0
            var value: UInt64 = 0
            for i in start..<(start + length) {
                guard value >> 56 == 0 else {
                    throw TarError(.badNumber, offset: offset, "tar header \(field) does not fit in 64 bits")
                }
                let byte = block[i] ^ invert
                value = value << 8 | UInt64(i == start ? byte & 0x7f : byte)
            }
            guard value <= UInt64(Int64.max) else { throw TarError(.badNumber, offset: offset, "tar header \(field) is too large") }
            return invert == 0 ? Int64(value) : ~Int64(value)
        }
        var value: Int64 = 0
        var seenDigit = false
        for i in start..<(start + length) {
            let byte = block[i]
            if byte == 0 { break }
            if byte == 0x20 { if seenDigit { break } else { continue } }
            guard byte >= 0x30 && byte <= 0x37 else {
                throw TarError(.badNumber, offset: offset, "tar header \(field) is not an octal number")
            }
            guard value < Int64.max >> 3 else { throw TarError(.badNumber, offset: offset, "tar header \(field) is too large") }
            value = value << 3 | Int64(byte - 0x30)
            seenDigit = true
        }
        return value
    }
}

/// pax extended header records (`LEN key=value\n`); only the keys that change how we read an entry.
struct PaxRecords {
    var path: String?
    var linkPath: String?
    var size: Int64?
    var mtime: Int64?
    var uid: Int?
    var gid: Int?

    init(_ bytes: [UInt8], offset: Int64) throws(TarError) {
        var cursor = 0
        while cursor < bytes.count {
            if bytes[cursor] == 0 { break }
            guard let space = bytes[cursor...].firstIndex(of: 0x20) else {
                throw TarError(.badPax, offset: offset, "malformed pax record (no length)")
            }
            guard let length = Int(String(decoding: bytes[cursor..<space], as: UTF8.self)), length > space - cursor + 1,
                  cursor + length <= bytes.count, bytes[cursor + length - 1] == 0x0a else {
                throw TarError(.badPax, offset: offset, "malformed pax record (bad length)")
            }
            let record = bytes[(space + 1)..<(cursor + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw TarError(.badPax, offset: offset, "malformed pax record (no '=')")
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: record[(equals + 1)...], as: UTF8.self)
            switch key {
            case "path": path = value
            case "linkpath": linkPath = value
            case "size":
                guard let parsed = Int64(value), parsed >= 0 else { throw TarError(.badPax, offset: offset, "pax size is not a number") }
                size = parsed
            case "mtime": mtime = Int64(value.split(separator: ".").first ?? "")
            case "uid": uid = Int(value)
            case "gid": gid = Int(value)
            default: break
            }
            cursor += length
        }
    }
}
