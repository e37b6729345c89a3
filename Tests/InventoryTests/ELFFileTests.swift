@testable import Inventory
import Testing

/// Writes minimal ELF files: a header, section bytes, a section-name table and the section header table at the end.
enum TestELF {
    struct Section {
        var name: String
        var type: UInt32 = 1  // SHT_PROGBITS
        var flags: UInt64 = 0x2  // SHF_ALLOC
        var data: [UInt8]
    }

    /// Offsets of interest in a built file, for tests that corrupt it.
    struct Layout {
        var sectionTable: Int
        var entrySize: Int
        var is64Bit: Bool
    }

    static func build(_ sections: [Section], is64Bit: Bool = true, littleEndian: Bool = true) -> (bytes: [UInt8], layout: Layout) {
        func put(_ value: UInt64, _ width: Int, into bytes: inout [UInt8]) {
            var chunk: [UInt8] = (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
            if !littleEndian { chunk.reverse() }
            bytes += chunk
        }
        let headerSize = is64Bit ? 64 : 52
        let entrySize = is64Bit ? 64 : 40
        var names: [UInt8] = [0]
        var nameOffsets: [Int] = []
        for section in sections + [Section(name: ".shstrtab", type: 3, flags: 0, data: [])] {
            nameOffsets.append(names.count)
            names += Array(section.name.utf8) + [0]
        }
        var body: [UInt8] = []
        var offsets: [Int] = []
        for section in sections {
            while (headerSize + body.count) % 8 != 0 { body.append(0) }
            offsets.append(headerSize + body.count)
            if section.type != ELFFile.noBitsType { body += section.data }
        }
        offsets.append(headerSize + body.count)
        body += names
        while (headerSize + body.count) % 8 != 0 { body.append(0) }
        let tableOffset = headerSize + body.count
        let all = [Section(name: "", type: 0, flags: 0, data: [])] + sections + [Section(name: ".shstrtab", type: 3, flags: 0, data: names)]
        var header: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, is64Bit ? 2 : 1, littleEndian ? 1 : 2, 1, 0] + [UInt8](repeating: 0, count: 8)
        put(2, 2, into: &header)  // ET_EXEC
        put(0x3e, 2, into: &header)
        put(1, 4, into: &header)
        if is64Bit {
            put(0, 8, into: &header); put(0, 8, into: &header); put(UInt64(tableOffset), 8, into: &header)
        } else {
            put(0, 4, into: &header); put(0, 4, into: &header); put(UInt64(tableOffset), 4, into: &header)
        }
        put(0, 4, into: &header)
        put(UInt64(headerSize), 2, into: &header)
        put(is64Bit ? 56 : 32, 2, into: &header)
        put(0, 2, into: &header)
        put(UInt64(entrySize), 2, into: &header)
        put(UInt64(all.count), 2, into: &header)
        put(UInt64(all.count - 1), 2, into: &header)
        var table: [UInt8] = []
        for (index, section) in all.enumerated() {
            let nameOffset = index == 0 ? 0 : nameOffsets[index - 1]
            let offset = index == 0 ? 0 : offsets[index - 1]
            let width = is64Bit ? 8 : 4
            put(UInt64(nameOffset), 4, into: &table)
            put(UInt64(section.type), 4, into: &table)
            put(section.flags, width, into: &table)
            put(0, width, into: &table)  // addr
            put(UInt64(offset), width, into: &table)
            put(UInt64(section.data.count), width, into: &table)
            put(0, 4, into: &table); put(0, 4, into: &table)  // link, info
            put(1, width, into: &table); put(0, width, into: &table)  // addralign, entsize
        }
        return (header + body + table, Layout(sectionTable: tableOffset, entrySize: entrySize, is64Bit: is64Bit))
    }

    /// Overwrites a little-endian field.
    static func patch(_ bytes: inout [UInt8], at offset: Int, width: Int, value: UInt64) {
        for index in 0..<width { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
    }
}

@Suite("ELF sections")
struct ELFFileTests {
    static let sections = [
        TestELF.Section(name: ".text", data: pseudoBytes(300)),
        TestELF.Section(name: ".bss", type: ELFFile.noBitsType, data: [UInt8](repeating: 0, count: 4096)),
        TestELF.Section(name: ".dep-v0", data: Array("payload".utf8)),
    ]

    @Test("sections are read in all four class and byte-order combinations", arguments: [(true, true), (true, false), (false, true), (false, false)])
    func layouts(_ is64Bit: Bool, _ littleEndian: Bool) throws {
        let (bytes, _) = TestELF.build(Self.sections, is64Bit: is64Bit, littleEndian: littleEndian)
        let file = try ELFFile(bytes)
        #expect(file.is64Bit == is64Bit)
        #expect(file.isLittleEndian == littleEndian)
        #expect(file.sections.map(\.name) == ["", ".text", ".bss", ".dep-v0", ".shstrtab"])
        let dep = try #require(file.section(named: ".dep-v0"))
        #expect(Array(try file.data(of: dep)) == Array("payload".utf8))
        #expect(try file.data(of: #require(file.section(named: ".text"))).elementsEqual(pseudoBytes(300)))
        #expect(try file.data(of: #require(file.section(named: ".bss"))).isEmpty)
        #expect(file.section(named: ".missing") == nil)
    }

    /// Offset 0 stands for "three bytes before the end", so the 7-byte section straddles it.
    @Test("a section whose bytes lie past the end of the file is an error when read", arguments: [UInt64(1 << 40), 0, UInt64.max - 3])
    func sectionPastEnd(_ given: UInt64) throws {
        var (bytes, layout) = TestELF.build(Self.sections)
        let offset = given == 0 ? UInt64(bytes.count - 3) : given
        // Section 3 (.dep-v0): sh_offset is at +24 in a 64-bit header.
        TestELF.patch(&bytes, at: layout.sectionTable + 3 * layout.entrySize + 24, width: 8, value: offset)
        let file = try ELFFile(bytes)
        let dep = try #require(file.section(named: ".dep-v0"))
        #expect(throws: ELFError.sectionOutOfBounds(name: ".dep-v0")) { try file.data(of: dep) }
    }

    @Test("a section whose size runs past the end is an error when read")
    func sizePastEnd() throws {
        var (bytes, layout) = TestELF.build(Self.sections)
        TestELF.patch(&bytes, at: layout.sectionTable + 3 * layout.entrySize + 32, width: 8, value: UInt64.max)
        let file = try ELFFile(bytes)
        #expect(throws: ELFError.sectionOutOfBounds(name: ".dep-v0")) { try file.data(of: #require(file.section(named: ".dep-v0"))) }
    }

    @Test("lying section table fields are errors", arguments: [
        (40, 8, UInt64(1 << 50), ELFError.sectionTableOutOfBounds),  // e_shoff
        (60, 2, UInt64(0xFFF0), ELFError.sectionTableOutOfBounds),   // e_shnum
        (58, 2, UInt64(16), ELFError.badSectionHeaderSize(16)),       // e_shentsize
    ])
    func lyingTable(_ offset: Int, _ width: Int, _ value: UInt64, _ expected: ELFError) {
        var (bytes, _) = TestELF.build(Self.sections)
        TestELF.patch(&bytes, at: offset, width: width, value: value)
        #expect(throws: expected) { try ELFFile(bytes) }
    }

    @Test("a name table out of range or a name offset past it gives empty names, not a crash")
    func badNames() throws {
        var (bytes, layout) = TestELF.build(Self.sections)
        TestELF.patch(&bytes, at: layout.sectionTable + 1 * layout.entrySize, width: 4, value: 0xFFFF_FF00)
        let file = try ELFFile(bytes)
        #expect(file.sections[1].name == "")
        #expect(file.sections[3].name == ".dep-v0")
        TestELF.patch(&bytes, at: 62, width: 2, value: 200)  // e_shstrndx past the table
        #expect(try ELFFile(bytes).sections.allSatisfy { $0.name.isEmpty })
    }

    @Test("a name table whose bytes lie outside the file is an error")
    func nameTableOutside() {
        var (bytes, layout) = TestELF.build(Self.sections)
        TestELF.patch(&bytes, at: layout.sectionTable + 4 * layout.entrySize + 24, width: 8, value: 1 << 33)
        #expect(throws: ELFError.sectionOutOfBounds(name: ".shstrtab")) { try ELFFile(bytes) }
    }

    @Test("extended numbering reads the count and name index from section 0")
    func extendedNumbering() throws {
        var (bytes, layout) = TestELF.build(Self.sections)
        TestELF.patch(&bytes, at: 60, width: 2, value: 0)
        TestELF.patch(&bytes, at: 62, width: 2, value: 0xFFFF)
        TestELF.patch(&bytes, at: layout.sectionTable + 32, width: 8, value: 5)  // section 0 sh_size: count
        TestELF.patch(&bytes, at: layout.sectionTable + 40, width: 4, value: 4)  // section 0 sh_link: name index
        #expect(try ELFFile(bytes).sections.map(\.name) == ["", ".text", ".bss", ".dep-v0", ".shstrtab"])
    }

    @Test("truncated and foreign headers are errors", arguments: [
        ([UInt8](), ELFError.notELF),
        (Array("MZ\u{0}\u{0}".utf8), ELFError.notELF),
        ([0x7f, 0x45, 0x4c, 0x46, 2, 1], ELFError.truncatedHeader),
        ([0x7f, 0x45, 0x4c, 0x46, 3, 1, 1, 0], ELFError.unsupportedClass(3)),
        ([0x7f, 0x45, 0x4c, 0x46, 2, 9, 1, 0], ELFError.unsupportedByteOrder(9)),
    ])
    func badHeaders(_ bytes: [UInt8], _ expected: ELFError) {
        #expect(throws: expected) { try ELFFile(bytes) }
    }

    @Test("every truncation of a valid file fails cleanly or reads fewer sections")
    func everyTruncation() {
        let (bytes, _) = TestELF.build(Self.sections, is64Bit: false, littleEndian: false)
        for length in 0..<bytes.count {
            let prefix = Array(bytes.prefix(length))
            if let file = try? ELFFile(prefix) {
                for section in file.sections { _ = try? file.data(of: section) }
            }
        }
        #expect(throws: ELFError.sectionTableOutOfBounds) { try ELFFile(Array(bytes.dropLast(1))) }
    }
}
