/// Reads the package blobs of rpm's NDB `Packages.db` (SUSE), the way go-rpmdb's `ndb` package does:
/// a 32-byte header (`RpmP` magic, version 0, generation, slot page count), slot pages of 4 KiB holding 16-byte
/// slots (`Slot` magic, package index, block offset, block count; the header takes the first two slots), and for
/// each used slot a blob at `blockOffset * 16`: a 16-byte blob header (`BlbS` magic, package index, checksum,
/// length) followed by the header blob. The checksum is not verified (neither does go-rpmdb).
///
/// Guards: at most 2048 slot pages (go-rpmdb's limit), all slot pages and every blob must lie inside the file, the
/// blob must carry the slot's package index, and a block used by two slots, or blobs adding up to more than the
/// file's size (overlapping blobs), is an error, so what is copied out never exceeds the file's size.
public enum NDB {
    static let headerMagic: UInt32 = 0x506d_7052 // "RpmP"
    static let slotMagic: UInt32 = 0x746f_6c53 // "Slot"
    static let blobMagic: UInt32 = 0x5362_6c42 // "BlbS"
    static let slotsPerPage = 4096 / 16
    static let maxSlotPages = 2048
    static let blockSize = 16

    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && uint32(bytes, 0) == headerMagic
    }

    /// The header blobs of the used slots, in slot order, with their package index.
    public static func blobs(_ bytes: [UInt8]) throws(RpmDatabaseError) -> [(index: UInt32, blob: [UInt8])] {
        guard bytes.count >= 32 else { throw .truncated("NDB file of \(bytes.count) bytes is shorter than its 32-byte header") }
        guard uint32(bytes, 0) == headerMagic else { throw .notRecognized("not an NDB database (magic \(uint32(bytes, 0)))") }
        let version = uint32(bytes, 4)
        guard version == 0 else { throw .corrupt("NDB: unsupported version \(version)") }
        let slotPages = Int(uint32(bytes, 12))
        guard slotPages >= 1 else { throw .corrupt("NDB: no slot pages") }
        guard slotPages <= maxSlotPages else { throw .corrupt("NDB: \(slotPages) slot pages, more than the limit of \(maxSlotPages)") }
        guard slotPages * 4096 <= bytes.count else {
            throw .truncated("NDB: \(slotPages) slot pages need \(slotPages * 4096) bytes, the file has \(bytes.count)")
        }
        var blobs: [(index: UInt32, blob: [UInt8])] = []
        var usedBlocks = Set<Int>()
        var totalLength = 0
        for slot in 0..<(slotPages * slotsPerPage - 2) {
            let at = 32 + slot * 16
            let magic = uint32(bytes, at)
            guard magic == slotMagic else { throw .corrupt("NDB: slot \(slot) has a bad magic 0x\(String(magic, radix: 16))") }
            let packageIndex = uint32(bytes, at + 4)
            guard packageIndex != 0 else { continue }
            let block = Int(uint32(bytes, at + 8))
            let blobStart = block * blockSize
            guard blobStart + 16 <= bytes.count else {
                throw .corrupt("NDB: slot \(slot) (package \(packageIndex)) points at offset \(blobStart), outside the \(bytes.count)-byte file")
            }
            guard usedBlocks.insert(block).inserted else {
                throw .corrupt("NDB: block \(block) is used by two slots")
            }
            guard uint32(bytes, blobStart) == blobMagic else {
                throw .corrupt("NDB: unexpected blob magic for package \(packageIndex) at offset \(blobStart)")
            }
            guard uint32(bytes, blobStart + 4) == packageIndex else {
                throw .corrupt("NDB: blob at offset \(blobStart) belongs to package \(uint32(bytes, blobStart + 4)), not \(packageIndex)")
            }
            let length = Int(uint32(bytes, blobStart + 12))
            guard length <= bytes.count - blobStart - 16 else {
                throw .corrupt("NDB: blob of package \(packageIndex) claims \(length) bytes, past the end of the file")
            }
            totalLength += length
            guard totalLength <= bytes.count else {
                throw .corrupt("NDB: blobs overlap (they add up to more bytes than the file has)")
            }
            blobs.append((packageIndex, Array(bytes[(blobStart + 16)..<(blobStart + 16 + length)])))
        }
        return blobs
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
