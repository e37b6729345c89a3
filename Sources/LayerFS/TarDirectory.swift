/// The members of a tar file that can be read at any offset, found by reading headers only (bodies are skipped).
/// Used for image archives, whose layers are then read in parallel straight from their offsets.
public struct TarDirectory: Sendable {
    public struct Member: Sendable, Hashable {
        public var path: String
        public var kind: TarEntry.Kind
        /// Offset of the member's data in the tar file.
        public var dataOffset: Int64
        public var size: Int64
        /// For hard links, the normalised path of the member whose data they share.
        public var linkTarget: String?
    }

    public private(set) var members: [String: Member] = [:]
    /// Member paths in archive order.
    public private(set) var order: [String] = []

    /// Walks the headers; `read(offset, count)` must return exactly `count` bytes or fewer at end of file.
    public init(fileSize: Int64, limits: TarLimits = TarLimits(), read: (Int64, Int) throws -> [UInt8]) throws {
        var offset: Int64 = 0
        var longName: String?
        var longLink: String?
        var pax: PaxRecords?
        var count = 0
        while offset < fileSize {
            guard offset + 512 <= fileSize else {
                // Fewer than 512 bytes left: zero bytes are a cut end marker, anything else a header cut short.
                let rest = try read(offset, Int(fileSize - offset))
                if rest.allSatisfy({ $0 == 0 }) { break }
                throw TarError(.truncated, offset: offset, "archive ends inside a tar header")
            }
            let block = try read(offset, 512)
            guard block.count == 512 else { throw TarError(.truncated, offset: offset, "archive ends inside a tar header") }
            let isZero = block.withUnsafeBytes { TarHeader.isZeroBlock($0) }
            if isZero { break }
            var header = try block.withUnsafeBytes { try TarHeader(block: $0, offset: offset) }
            let dataOffset = offset + 512
            switch header.type {
            case .paxLocal, .gnuLongName, .gnuLongLink, .paxGlobal:
                guard header.size <= Int64(limits.maxExtensionBytes) else {
                    throw TarError(.oversizedExtension, offset: offset, "tar extension header of \(header.size) bytes exceeds the limit")
                }
                let body = try read(dataOffset, Int(header.size))
                guard body.count == Int(header.size) else { throw TarError(.truncated, offset: offset, "archive ends inside a tar extension header") }
                switch header.type {
                case .paxLocal: pax = try PaxRecords(body, offset: offset)
                case .gnuLongName: longName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
                case .gnuLongLink: longLink = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
                default: break
                }
                offset = dataOffset + TarHeader.padded(header.size)
                continue
            case .entry, .other:
                break
            }
            count += 1
            guard count <= limits.maxEntries else { throw TarError(.tooManyEntries, offset: offset, "archive has too many members") }
            if let path = pax?.path { header.name = path }
            if let size = pax?.size { header.size = size }
            if let name = longName { header.name = name }
            if let link = longLink ?? pax?.linkPath { header.linkName = link }
            pax = nil
            longName = nil
            longLink = nil
            let dataSize = header.dataSize
            guard dataOffset + dataSize <= fileSize else {
                throw TarError(.truncated, offset: offset, "member \"\(header.name.prefix(200))\" claims \(dataSize) bytes but the archive ends first")
            }
            if case .entry(let kind) = header.type, case .inside(let path, _) = ImagePath.normalise(header.name) {
                if members[path] == nil { order.append(path) }
                var member = Member(path: path, kind: kind, dataOffset: dataOffset, size: dataSize)
                if kind == .hardLink, case .inside(let target, _) = ImagePath.normalise(header.linkName),
                   let linked = members[target], linked.kind == .regular {
                    // A hard link shares an earlier member's data; point straight at it.
                    member.dataOffset = linked.dataOffset
                    member.size = linked.size
                    member.linkTarget = target
                }
                members[path] = member
            }
            offset = dataOffset + TarHeader.padded(dataSize)
        }
    }
}
