/// Finds Go build information in an executable as its bytes stream by, holding only the build information itself.
///
/// The Go linker writes a 32-byte header starting `\xff Go buildinf:` at a 16-byte-aligned offset of the
/// `.go.buildinfo` data (aligned in the file too), then, in the Go ≥ 1.18 layout (flags bit `0x2`), the toolchain
/// version and the module information as varint-length-prefixed strings. The scanner checks only aligned offsets,
/// keeps the bytes of a candidate header until both strings are in, and skips candidates that do not hold up (a
/// copy of the magic in a Go toolchain's read-only data, say), up to `Limits.maxCandidates`. The pre-1.18 pointer
/// layout needs the whole image mapped and is reported as unsupported.
public struct GoBuildInfoScanner: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Largest module information accepted (big monorepo binaries carry a few hundred KiB).
        public var maxModuleInfoBytes: Int
        /// Candidate headers examined before giving up.
        public var maxCandidates: Int

        public init(maxModuleInfoBytes: Int = 4 << 20, maxCandidates: Int = 64) {
            self.maxModuleInfoBytes = maxModuleInfoBytes
            self.maxCandidates = maxCandidates
        }
    }

    /// `\xff Go buildinf:`
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    static let headerSize = 32
    static let alignment: Int64 = 16

    private enum Phase: Sendable {
        case sniff
        case search
        case collect(start: Int64)
        case done
    }

    private let limits: Limits
    private var phase = Phase.sniff
    /// Absolute offset of the next byte fed.
    private var offset: Int64 = 0
    /// The first bytes, to recognise the executable format.
    private var head: [UInt8] = []
    /// Bytes of an aligned position whose 14 magic bytes are not all in yet, and that position.
    private var tail: [UInt8] = []
    private var tailStart: Int64 = 0
    /// Bytes of the candidate header being examined, from its start.
    private var collected: [UInt8] = []
    private var needed = GoBuildInfoScanner.headerSize
    private var candidates = 0
    private var outcome: Result<GoBuildInfo, GoBuildInfoError>?
    private var sawPointerFormat = false
    private var lastRejection: GoBuildInfoError?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether the scanner has decided (found the information, or found the file is not an executable):
    /// the rest of the file can be skipped.
    public var isDone: Bool {
        if case .done = phase { return true }
        return false
    }

    /// Feeds the next bytes of the file.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        let start = offset
        offset += Int64(chunk.count)
        process(chunk, start: start)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The build information, or why there is none.
    public mutating func finish() -> Result<GoBuildInfo, GoBuildInfoError> {
        if let outcome { return outcome }
        switch phase {
        case .sniff: return .failure(.unrecognizedFormat)
        case .collect: return .failure(.truncated)
        case .search, .done: break
        }
        if sawPointerFormat { return .failure(.pointerFormatUnsupported) }
        return .failure(lastRejection ?? .notGoBinary)
    }

    /// Scans a whole file held in memory.
    public static func scan(_ bytes: [UInt8], limits: Limits = Limits()) -> Result<GoBuildInfo, GoBuildInfoError> {
        var scanner = GoBuildInfoScanner(limits: limits)
        scanner.feed(bytes)
        return scanner.finish()
    }

    // MARK: - Phases

    private mutating func process(_ buffer: UnsafeRawBufferPointer, start: Int64) {
        var position = 0
        while position < buffer.count {
            switch phase {
            case .done:
                return
            case .sniff:
                let count = min(4 - head.count, buffer.count - position)
                head.append(contentsOf: buffer[position..<(position + count)])
                position += count
                if head.count == 4 {
                    if Self.isExecutable(head) {
                        phase = .search
                        // The header cannot sit at offset 0; the sniffed bytes need no search.
                    } else {
                        phase = .done
                        outcome = .failure(.unrecognizedFormat)
                    }
                }
            case .search:
                if let found = search(buffer, from: &position, start: start) {
                    phase = .collect(start: found)
                    needed = Self.headerSize
                    candidates += 1
                }
            case .collect(let candidateStart):
                let count = min(needed - collected.count, buffer.count - position)
                collected.append(contentsOf: buffer[position..<(position + count)])
                position += count
                evaluate(candidateStart)
            }
        }
        // A candidate whose needs were met exactly at the end of the buffer is judged now.
        if case .collect(let candidateStart) = phase, collected.count >= needed { evaluate(candidateStart) }
    }

    /// Looks for the magic at aligned offsets from `position`; returns a candidate's absolute start, with
    /// `collected` holding its bytes so far and `position` just past them.
    private mutating func search(_ buffer: UnsafeRawBufferPointer, from position: inout Int, start: Int64) -> Int64? {
        let magic = Self.magic
        if !tail.isEmpty {
            let want = magic.count - tail.count
            let count = min(want, buffer.count - position)
            tail.append(contentsOf: buffer[position..<(position + count)])
            position += count
            if tail.count < magic.count { return nil }
            if tail == magic {
                collected = tail
                tail = []
                return tailStart
            }
            tail = []
        }
        let absolute = start + Int64(position)
        var index = Int((absolute + Self.alignment - 1) / Self.alignment * Self.alignment - start)
        let count = buffer.count
        while index + magic.count <= count {
            if buffer[index] == 0xff && Self.matches(buffer, at: index) {
                collected = Array(buffer[index..<(index + magic.count)])
                position = index + magic.count
                return start + Int64(index)
            }
            index += Int(Self.alignment)
        }
        if index < count {
            tail = Array(buffer[index..<count])
            tailStart = start + Int64(index)
        }
        position = count
        return nil
    }

    private static func matches(_ buffer: UnsafeRawBufferPointer, at index: Int) -> Bool {
        for (offset, byte) in magic.enumerated() where buffer[index + offset] != byte { return false }
        return true
    }

    /// Judges the candidate once enough bytes are in: asks for more, accepts, or rejects and resumes the search.
    private mutating func evaluate(_ candidateStart: Int64) {
        guard collected.count >= needed else { return }
        switch Self.decode(collected, limits: limits) {
        case .needMore(let total):
            needed = total
        case .found(let version, let moduleInfo):
            phase = .done
            collected = []
            do {
                outcome = .success(try GoBuildInfo.parseModuleInfo(moduleInfo, goVersion: version))
            } catch {
                outcome = .failure(error)
            }
        case .fatal(let error):
            phase = .done
            collected = []
            outcome = .failure(error)
        case .reject(let reason):
            if reason == .pointerFormatUnsupported { sawPointerFormat = true } else { lastRejection = reason }
            let replay = Array(collected.dropFirst(Int(Self.alignment)))
            collected = []
            phase = .search
            tail = []
            if candidates >= limits.maxCandidates {
                phase = .done
                return
            }
            replay.withUnsafeBytes { process($0, start: candidateStart + Self.alignment) }
        }
    }

    private enum Decision {
        case needMore(Int)
        case found(version: String, moduleInfo: String)
        /// The header is real but unusable.
        case fatal(GoBuildInfoError)
        /// Not a build information header after all.
        case reject(GoBuildInfoError)
    }

    /// Reads a candidate header: 14 magic bytes, pointer size, flags, then (inline layout) two varint-prefixed strings.
    private static func decode(_ bytes: [UInt8], limits: Limits) -> Decision {
        let pointerSize = bytes[14]
        let flags = bytes[15]
        guard pointerSize == 4 || pointerSize == 8, flags & ~0x3 == 0 else {
            return .reject(.malformedHeader("pointer size \(pointerSize), flags \(flags)"))
        }
        guard flags & 0x2 != 0 else { return .reject(.pointerFormatUnsupported) }
        var index = headerSize
        switch varint(bytes, &index) {
        case .incomplete: return .needMore(min(bytes.count + 10, headerSize + 10))
        case .invalid: return .reject(.malformedHeader("version length is not a valid varint"))
        case .value(let length):
            guard length > 0, length <= 1024 else { return .reject(.malformedHeader("version length \(length)")) }
            let versionEnd = index + Int(length)
            guard bytes.count >= versionEnd else { return .needMore(versionEnd) }
            let version = String(decoding: bytes[index..<versionEnd], as: UTF8.self)
            guard version.hasPrefix("go") else { return .reject(.malformedHeader("version \"\(version.prefix(40))\"")) }
            index = versionEnd
            switch varint(bytes, &index) {
            case .incomplete: return .needMore(min(bytes.count + 10, versionEnd + 10))
            case .invalid: return .fatal(.malformedHeader("module information length is not a valid varint"))
            case .value(let moduleLength):
                guard moduleLength <= UInt64(limits.maxModuleInfoBytes) else {
                    return .fatal(.moduleInfoTooLarge(limit: limits.maxModuleInfoBytes))
                }
                let moduleEnd = index + Int(moduleLength)
                guard bytes.count >= moduleEnd else { return .needMore(moduleEnd) }
                let module = bytes[index..<moduleEnd]
                // The module text is framed by 16-byte sentinels; without them there is no module information.
                var text = ""
                if module.count >= 33, module[module.endIndex - 17] == 0x0a {
                    text = String(decoding: module.dropFirst(16).dropLast(16), as: UTF8.self)
                }
                return .found(version: version, moduleInfo: text)
            }
        }
    }

    private enum Varint {
        case value(UInt64)
        case incomplete
        case invalid
    }

    /// `encoding/binary.Uvarint`: at most 10 bytes, the tenth at most 1.
    private static func varint(_ bytes: [UInt8], _ index: inout Int) -> Varint {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for step in 0..<10 {
            guard index + step < bytes.count else { return .incomplete }
            let byte = bytes[index + step]
            if byte < 0x80 {
                if step == 9 && byte > 1 { return .invalid }
                index += step + 1
                return .value(value | UInt64(byte) << shift)
            }
            value |= UInt64(byte & 0x7f) << shift
            shift += 7
        }
        return .invalid
    }

    /// ELF, PE (`MZ`), Mach-O (thin either endian, or universal).
    static func isExecutable(_ head: [UInt8]) -> Bool {
        guard head.count >= 4 else { return false }
        if head[0] == 0x7f && head[1] == 0x45 && head[2] == 0x4c && head[3] == 0x46 { return true }
        if head[0] == 0x4d && head[1] == 0x5a { return true }
        let word = UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3])
        switch word {
        case 0xFEED_FACE, 0xFEED_FACF, 0xCEFA_EDFE, 0xCFFA_EDFE, 0xCAFE_BABE: return true
        default: return false
        }
    }
}
