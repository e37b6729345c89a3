/// Reads the values of a BerkeleyDB hash database the way go-rpmdb's `bdb` package does for rpm's `Packages` file:
/// the hash metadata page, then every hash page (in page order), keeping the values stored off-page (HOFFPAGE items)
/// and concatenating their overflow page chains.
///
/// Guards: the page size must be one BerkeleyDB allows, every page read must lie inside the file, item offsets must
/// lie inside their page, and each overflow page may be used once in the whole file — so a chain that loops, or two
/// items sharing a chain, is an error, and the values read never exceed the file's size in total.
public enum BerkeleyDB {
    static let hashMagic: UInt32 = 0x0006_1561
    static let pageHeaderSize = 26
    static let validPageSizes: Set<Int> = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]

    enum PageType {
        static let hashUnsorted: UInt8 = 2
        static let overflow: UInt8 = 7
        static let hashMetadata: UInt8 = 8
        static let hash: UInt8 = 13
        static let hashOffPage: UInt8 = 3
    }

    /// Whether `bytes` start with a BerkeleyDB hash metadata page (either byte order).
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 16 else { return false }
        let little = Reader(bytes: bytes, bigEndian: false).uint32(12)
        return little == hashMagic || little == hashMagic.byteSwapped
    }

    /// The off-page values of the database, in page order.
    public static func values(_ bytes: [UInt8]) throws(RpmDatabaseError) -> [[UInt8]] {
        guard bytes.count >= 512 else { throw .truncated("BerkeleyDB file of \(bytes.count) bytes is shorter than its 512-byte metadata page") }
        var reader = Reader(bytes: bytes, bigEndian: false)
        let magic = reader.uint32(12)
        if magic == hashMagic.byteSwapped {
            reader.bigEndian = true
        } else if magic != hashMagic {
            throw .notRecognized("not a BerkeleyDB hash database (magic \(hex(magic)))")
        }
        let pageSize = Int(reader.uint32(20))
        guard validPageSizes.contains(pageSize) else { throw .corrupt("BerkeleyDB: unexpected page size \(pageSize)") }
        guard bytes[24] == 0 else { throw .corrupt("BerkeleyDB: encrypted database (algorithm \(bytes[24]))") }
        guard bytes[25] == PageType.hashMetadata else { throw .corrupt("BerkeleyDB: first page has type \(bytes[25]), not hash metadata") }
        let lastPage = Int(reader.uint32(32))
        let pageCount = lastPage + 1
        guard pageCount <= bytes.count / pageSize else {
            throw .truncated("BerkeleyDB: last page \(lastPage) of \(pageSize) bytes lies past the end of the \(bytes.count)-byte file")
        }

        var values: [[UInt8]] = []
        var usedOverflowPages = Set<Int>()
        for page in 0..<pageCount {
            let start = page * pageSize
            let type = bytes[start + 25]
            guard type == PageType.hash || type == PageType.hashUnsorted else { continue }
            let entryCount = Int(reader.uint16(start + 20))
            guard entryCount % 2 == 0 else {
                throw .corrupt("BerkeleyDB: hash page \(page) has an odd number of entries (\(entryCount))")
            }
            guard pageHeaderSize + entryCount * 2 <= pageSize else {
                throw .corrupt("BerkeleyDB: hash page \(page) claims \(entryCount) entries, more than fit in a page")
            }
            // Entries come in key/value pairs; keep the values.
            for pair in 0..<(entryCount / 2) {
                let itemOffset = Int(reader.uint16(start + pageHeaderSize + (pair * 2 + 1) * 2))
                guard itemOffset < pageSize else {
                    throw .corrupt("BerkeleyDB: hash page \(page) item at offset \(itemOffset) lies past the page")
                }
                let item = start + itemOffset
                guard bytes[item] == PageType.hashOffPage else { continue }
                guard itemOffset + 12 <= pageSize else {
                    throw .corrupt("BerkeleyDB: hash page \(page) off-page item at offset \(itemOffset) runs past the page")
                }
                let firstPage = Int(reader.uint32(item + 4))
                values.append(try chain(from: firstPage, reader: reader, pageSize: pageSize, pageCount: pageCount,
                                        used: &usedOverflowPages))
            }
        }
        return values
    }

    /// Concatenates an overflow chain: full pages while there is a next page, then `hf_offset` bytes of the last one.
    static func chain(from firstPage: Int, reader: Reader, pageSize: Int, pageCount: Int,
                      used: inout Set<Int>) throws(RpmDatabaseError) -> [UInt8] {
        var value: [UInt8] = []
        var page = firstPage
        while page != 0 {
            guard page < pageCount else {
                throw .corrupt("BerkeleyDB: overflow page \(page) is past the last page \(pageCount - 1)")
            }
            guard used.insert(page).inserted else {
                throw .corrupt("BerkeleyDB: overflow page \(page) is reached twice (a loop or a shared chain)")
            }
            let start = page * pageSize
            guard reader.bytes[start + 25] == PageType.overflow else {
                throw .corrupt("BerkeleyDB: page \(page) in an overflow chain has type \(reader.bytes[start + 25])")
            }
            let next = Int(reader.uint32(start + 16))
            let length = next == 0 ? min(Int(reader.uint16(start + 22)), pageSize - pageHeaderSize) : pageSize - pageHeaderSize
            value.append(contentsOf: reader.bytes[(start + pageHeaderSize)..<(start + pageHeaderSize + length)])
            page = next
        }
        return value
    }

    struct Reader {
        let bytes: [UInt8]
        var bigEndian: Bool

        func uint32(_ at: Int) -> UInt32 {
            let b0 = UInt32(bytes[at]), b1 = UInt32(bytes[at + 1]), b2 = UInt32(bytes[at + 2]), b3 = UInt32(bytes[at + 3])
            return bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
        }

        func uint16(_ at: Int) -> UInt16 {
            let b0 = UInt16(bytes[at]), b1 = UInt16(bytes[at + 1])
            return bigEndian ? b0 << 8 | b1 : b1 << 8 | b0
        }
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}
