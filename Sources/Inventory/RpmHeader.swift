/// An rpm header blob as the rpm databases store it (no leading magic): a big-endian index count `il` and data
/// length `dl`, `il` index entries of 16 bytes (tag, type, offset into the data store, count), then `dl` bytes of data.
///
/// Every entry is checked when the header is read (known type, offset inside the data store), and every value is
/// bounds-checked again when it is read; a malformed value reads as nil. Entries that appear twice (a "dribble" entry
/// after the immutable region) resolve to the last one, as rpm does.
public struct RpmHeader: Sendable {
    public struct Entry: Sendable, Hashable {
        public var tag: Int32
        public var type: UInt32
        /// Offset into the data store.
        public var offset: Int
        public var count: Int
    }

    /// rpm's limits (`hdrchkTags`, `hdrchkData`): at most 0xffff entries and less than 16 MiB of data.
    public static let maxEntries = 0xffff
    public static let maxDataLength = 0x00ff_ffff

    public let entries: [Entry]
    /// The data store (`dl` bytes).
    public let data: [UInt8]
    private let indexByTag: [Int32: Int]

    /// Reads a header blob. Bytes after the data store are ignored.
    public init(blob: [UInt8]) throws(RpmHeaderError) {
        try self.init(slice: blob[...])
    }

    init(slice blob: ArraySlice<UInt8>) throws(RpmHeaderError) {
        let base = blob.startIndex
        guard blob.count >= 8 else { throw .truncated(needed: 8, available: blob.count) }
        let indexCount = Int(Self.uint32(blob, base))
        let dataLength = Int(Self.uint32(blob, base + 4))
        guard indexCount >= 1, indexCount <= Self.maxEntries else { throw .badIndexCount(indexCount) }
        guard dataLength <= Self.maxDataLength else { throw .badDataLength(dataLength) }
        let dataStart = 8 + indexCount * 16
        let needed = dataStart + dataLength
        guard blob.count >= needed else { throw .truncated(needed: needed, available: blob.count) }
        var entries: [Entry] = []
        entries.reserveCapacity(indexCount)
        var indexByTag: [Int32: Int] = [:]
        for i in 0..<indexCount {
            let at = base + 8 + i * 16
            let tag = Int32(bitPattern: Self.uint32(blob, at))
            let type = Self.uint32(blob, at + 4)
            let offset = Int(Int32(bitPattern: Self.uint32(blob, at + 8)))
            let count = Int(Self.uint32(blob, at + 12))
            guard type <= RpmTagType.maxType else { throw .badEntry(tag: tag, reason: "unknown type \(type)") }
            guard offset >= 0, offset <= dataLength else {
                throw .badEntry(tag: tag, reason: "offset \(offset) outside the data store of \(dataLength) bytes")
            }
            indexByTag[tag] = entries.count
            entries.append(Entry(tag: tag, type: type, offset: offset, count: count))
        }
        self.entries = entries
        self.data = Array(blob[(base + dataStart)..<(base + needed)])
        self.indexByTag = indexByTag
    }

    public func entry(_ tag: Int32) -> Entry? { indexByTag[tag].map { entries[$0] } }

    /// A STRING value, or the first string of a STRING_ARRAY or I18NSTRING value.
    public func string(_ tag: Int32) -> String? {
        guard let entry = entry(tag) else { return nil }
        switch entry.type {
        case RpmTagType.string, RpmTagType.stringArray, RpmTagType.i18nString:
            guard entry.count >= 1 || entry.type == RpmTagType.string else { return nil }
            return cString(at: entry.offset).map { String(decoding: data[$0], as: UTF8.self) }
        default:
            return nil
        }
    }

    /// A STRING_ARRAY (or I18NSTRING) value; nil when any string runs past the data store.
    public func stringArray(_ tag: Int32) -> [String]? {
        guard let entry = entry(tag) else { return nil }
        switch entry.type {
        case RpmTagType.stringArray, RpmTagType.i18nString:
            // Each string takes at least one byte: a count larger than what is left cannot be right.
            guard entry.count <= data.count - entry.offset else { return nil }
            var strings: [String] = []
            strings.reserveCapacity(entry.count)
            var at = entry.offset
            for _ in 0..<entry.count {
                guard let range = cString(at: at) else { return nil }
                strings.append(String(decoding: data[range], as: UTF8.self))
                at = range.upperBound + 1
            }
            return strings
        case RpmTagType.string:
            return string(tag).map { [$0] }
        default:
            return nil
        }
    }

    /// The first value of an INT32 entry.
    public func int32(_ tag: Int32) -> Int32? { int32Array(tag, limit: 1)?.first }

    /// The values of an INT32 entry (at most `limit`); nil when they run past the data store.
    public func int32Array(_ tag: Int32, limit: Int = .max) -> [Int32]? {
        guard let entry = entry(tag), entry.type == RpmTagType.int32, entry.count >= 1 else { return nil }
        guard entry.count <= (data.count - entry.offset) / 4 else { return nil }
        let count = min(entry.count, limit)
        return (0..<count).map { Int32(bitPattern: Self.uint32(data[...], entry.offset + $0 * 4)) }
    }

    /// The bytes of a NUL-terminated string starting at `offset` (without the NUL), nil if no NUL follows.
    private func cString(at offset: Int) -> Range<Int>? {
        guard offset >= 0, offset < data.count else { return nil }
        guard let end = data[offset...].firstIndex(of: 0) else { return nil }
        return offset..<end
    }

    static func uint32(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// rpm header tags used by moat (`rpmtag.h`).
public enum RpmTag {
    public static let headerImage: Int32 = 61
    public static let headerSignatures: Int32 = 62
    public static let headerImmutable: Int32 = 63
    public static let headerI18NTable: Int32 = 100
    public static let sigMD5: Int32 = 261
    public static let name: Int32 = 1000
    public static let version: Int32 = 1001
    public static let release: Int32 = 1002
    public static let epoch: Int32 = 1003
    public static let summary: Int32 = 1004
    public static let size: Int32 = 1009
    public static let vendor: Int32 = 1011
    public static let license: Int32 = 1014
    public static let arch: Int32 = 1022
    public static let sourceRPM: Int32 = 1044
    public static let modularityLabel: Int32 = 5096
}

/// rpm header value types (`rpmTagType`).
public enum RpmTagType {
    public static let null: UInt32 = 0
    public static let char: UInt32 = 1
    public static let int8: UInt32 = 2
    public static let int16: UInt32 = 3
    public static let int32: UInt32 = 4
    public static let int64: UInt32 = 5
    public static let string: UInt32 = 6
    public static let bin: UInt32 = 7
    public static let stringArray: UInt32 = 8
    public static let i18nString: UInt32 = 9
    public static let maxType: UInt32 = 9
}

public enum RpmHeaderError: Error, CustomStringConvertible, Sendable, Equatable {
    case truncated(needed: Int, available: Int)
    case badIndexCount(Int)
    case badDataLength(Int)
    case badEntry(tag: Int32, reason: String)

    public var description: String {
        switch self {
        case .truncated(let needed, let available): "rpm header truncated: needs \(needed) bytes, has \(available)"
        case .badIndexCount(let count): "rpm header: bad index entry count \(count)"
        case .badDataLength(let length): "rpm header: bad data length \(length)"
        case .badEntry(let tag, let reason): "rpm header: entry for tag \(tag): \(reason)"
        }
    }
}
