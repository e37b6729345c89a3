/// The section table of an ELF file held in memory (32- or 64-bit, either byte order), read with every offset and
/// length checked against the buffer, so a lying header gives an `ELFError` instead of a crash.
public struct ELFFile: Sendable {
    public let is64Bit: Bool
    public let isLittleEndian: Bool
    public let sections: [ELFSection]
    private let bytes: [UInt8]

    /// `SHT_NOBITS`: a section that occupies no file space (`.bss`).
    public static let noBitsType: UInt32 = 8

    /// Reads the ELF header and section headers; section names come from the section-name string table.
    public init(_ bytes: [UInt8]) throws(ELFError) {
        guard Self.isELF(bytes) else { throw .notELF }
        guard bytes.count >= 6 else { throw .truncatedHeader }
        switch bytes[4] {
        case 1: is64Bit = false
        case 2: is64Bit = true
        default: throw .unsupportedClass(bytes[4])
        }
        switch bytes[5] {
        case 1: isLittleEndian = true
        case 2: isLittleEndian = false
        default: throw .unsupportedByteOrder(bytes[5])
        }
        self.bytes = bytes
        let reader = ELFReader(bytes: bytes, littleEndian: isLittleEndian)
        let headerSize = is64Bit ? 64 : 52
        guard bytes.count >= headerSize else { throw .truncatedHeader }
        let tableOffset = is64Bit ? reader.u64(0x28) : UInt64(reader.u32(0x20))
        let entrySize = Int(reader.u16(is64Bit ? 0x3A : 0x2E))
        var count = Int(reader.u16(is64Bit ? 0x3C : 0x30))
        var nameIndex = Int(reader.u16(is64Bit ? 0x3E : 0x32))
        guard tableOffset != 0 else {
            sections = []
            return
        }
        let minimumEntry = is64Bit ? 64 : 40
        guard entrySize >= minimumEntry else { throw .badSectionHeaderSize(entrySize) }
        guard tableOffset <= UInt64(bytes.count), UInt64(bytes.count) - tableOffset >= UInt64(entrySize) else {
            throw .sectionTableOutOfBounds
        }
        let table = Int(tableOffset)
        // Extended numbering: section 0 holds the real count and name-table index when they do not fit 16 bits.
        let first = Self.rawSection(reader, at: table, is64Bit: is64Bit)
        if count == 0 { count = first.size > UInt64(Int32.max) ? Int(Int32.max) : Int(first.size) }
        if nameIndex == 0xFFFF { nameIndex = Int(first.link) }
        guard count <= (bytes.count - table) / entrySize else { throw .sectionTableOutOfBounds }
        var raw: [ELFRawSection] = []
        raw.reserveCapacity(count)
        for index in 0..<count {
            raw.append(Self.rawSection(reader, at: table + index * entrySize, is64Bit: is64Bit))
        }
        var names: ArraySlice<UInt8> = []
        if nameIndex > 0, nameIndex < raw.count {
            let table = raw[nameIndex]
            guard table.offset <= UInt64(bytes.count), table.size <= UInt64(bytes.count) - table.offset else {
                throw .sectionOutOfBounds(name: ".shstrtab")
            }
            names = bytes[Int(table.offset)..<Int(table.offset + table.size)]
        }
        sections = raw.map { section in
            var name = ""
            if section.name < UInt64(names.count) {
                let start = names.startIndex + Int(section.name)
                let end = names[start...].firstIndex(of: 0) ?? names.endIndex
                name = String(decoding: names[start..<end], as: UTF8.self)
            }
            return ELFSection(name: name, type: section.type, flags: section.flags, offset: section.offset, size: section.size)
        }
    }

    /// Whether the bytes start with the ELF magic.
    public static func isELF(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46])
    }

    /// The first section with this name.
    public func section(named name: String) -> ELFSection? {
        sections.first { $0.name == name }
    }

    /// A section's bytes, checked against the file's length. `SHT_NOBITS` sections have none.
    public func data(of section: ELFSection) throws(ELFError) -> ArraySlice<UInt8> {
        if section.type == Self.noBitsType { return [] }
        guard section.offset <= UInt64(bytes.count), section.size <= UInt64(bytes.count) - section.offset else {
            throw .sectionOutOfBounds(name: section.name)
        }
        return bytes[Int(section.offset)..<Int(section.offset + section.size)]
    }

    private static func rawSection(_ reader: ELFReader, at base: Int, is64Bit: Bool) -> ELFRawSection {
        if is64Bit {
            return ELFRawSection(name: UInt64(reader.u32(base)), type: reader.u32(base + 4), flags: reader.u64(base + 8),
                                 offset: reader.u64(base + 24), size: reader.u64(base + 32), link: reader.u32(base + 40))
        }
        return ELFRawSection(name: UInt64(reader.u32(base)), type: reader.u32(base + 4), flags: UInt64(reader.u32(base + 8)),
                             offset: UInt64(reader.u32(base + 16)), size: UInt64(reader.u32(base + 20)), link: reader.u32(base + 24))
    }
}

/// One section header of an ELF file.
public struct ELFSection: Sendable, Hashable {
    public var name: String
    public var type: UInt32
    public var flags: UInt64
    /// Where the section's bytes start in the file, and how many there are.
    public var offset: UInt64
    public var size: UInt64

    public init(name: String, type: UInt32, flags: UInt64, offset: UInt64, size: UInt64) {
        self.name = name
        self.type = type
        self.flags = flags
        self.offset = offset
        self.size = size
    }
}

/// Why an ELF file's sections could not be read.
public enum ELFError: Error, Sendable, Hashable, CustomStringConvertible {
    case notELF
    case truncatedHeader
    case unsupportedClass(UInt8)
    case unsupportedByteOrder(UInt8)
    case badSectionHeaderSize(Int)
    case sectionTableOutOfBounds
    case sectionOutOfBounds(name: String)

    public var description: String {
        switch self {
        case .notELF: "not an ELF file"
        case .truncatedHeader: "ELF header truncated"
        case .unsupportedClass(let value): "unknown ELF class \(value)"
        case .unsupportedByteOrder(let value): "unknown ELF byte order \(value)"
        case .badSectionHeaderSize(let size): "ELF section header size \(size) is too small"
        case .sectionTableOutOfBounds: "ELF section header table lies outside the file"
        case .sectionOutOfBounds(let name): "ELF section \"\(name.prefix(100))\" lies outside the file"
        }
    }
}

private struct ELFRawSection {
    var name: UInt64
    var type: UInt32
    var flags: UInt64
    var offset: UInt64
    var size: UInt64
    var link: UInt32
}

/// Fixed-width reads at offsets the caller has checked.
private struct ELFReader {
    let bytes: [UInt8]
    let littleEndian: Bool

    func u16(_ at: Int) -> UInt16 {
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return littleEndian ? a | b << 8 : a << 8 | b
    }

    func u32(_ at: Int) -> UInt32 {
        let a = UInt32(u16(at)), b = UInt32(u16(at + 2))
        return littleEndian ? a | b << 16 : a << 16 | b
    }

    func u64(_ at: Int) -> UInt64 {
        let a = UInt64(u32(at)), b = UInt64(u32(at + 4))
        return littleEndian ? a | b << 32 : a << 32 | b
    }
}
