/// One member of a zip archive, as its local file header describes it.
public struct ZipEntryHeader: Sendable, Hashable {
    /// The member's name as stored (forward slashes; directories end with `/`).
    public var name: String
    /// 0 stored, 8 deflated; others are skipped.
    public var method: UInt16
    public var flags: UInt16
    /// Sizes from the local header after ZIP64 extras were applied; nil when a data descriptor holds them instead.
    public var compressedSize: UInt64?
    public var uncompressedSize: UInt64?
    /// Offset of the local header within the archive's byte stream.
    public var offset: UInt64
    /// Whether the local header carried a ZIP64 extra field (the data descriptor then has 8-byte sizes).
    public var hasZip64Extra: Bool

    /// General-purpose bit 3: CRC and sizes follow the data in a data descriptor.
    public var usesDataDescriptor: Bool { flags & 0x8 != 0 }
    public var isEncrypted: Bool { flags & 0x1 != 0 }
    public var isDirectory: Bool { name.utf8.last == UInt8(ascii: "/") }
}

/// What a delegate wants done with an entry's bytes.
public enum ZipEntryAction: Sendable, Hashable {
    /// Skip the entry without inflating it when its size is known (it is still inflated, and the output dropped,
    /// when only a data descriptor says where it ends).
    case skip
    /// Deliver the entry's uncompressed bytes.
    case read
}

/// Receives the members of a zip archive as `ZipStreamReader` walks it.
public protocol ZipStreamDelegate {
    /// A stored or deflated, unencrypted entry begins.
    mutating func zipEntryBegins(_ header: ZipEntryHeader, budget: inout ZipBudget) -> ZipEntryAction
    /// Uncompressed bytes of an entry that asked to be read (valid only during the call); `.skip` stops delivery.
    mutating func zipEntryData(_ bytes: UnsafeRawBufferPointer, budget: inout ZipBudget) -> ZipEntryAction
    /// An entry that asked to be read ended. `complete` is false when its data was cut short by corruption or truncation.
    mutating func zipEntryEnds(_ header: ZipEntryHeader, complete: Bool, budget: inout ZipBudget)
}

/// Bounds on the work a zip walk may do, so hostile archives (zip bombs, millions of entries) stay cheap.
public struct ZipLimits: Sendable, Hashable {
    /// Entries read across the archive and all archives nested in it.
    public var maxEntries: Int
    /// Bytes inflated across the archive and all nested archives, counting entries inflated only to find their end.
    public var maxInflatedBytes: Int64
    /// Bytes inflated for one entry. A bigger entry of known size is cut short and skipped (the walk goes on);
    /// one whose end only its data descriptor knows stops the walk.
    public var maxEntryInflatedBytes: Int64
    /// Bytes searched for the first local header (self-executing jars carry a launch script in front).
    public var maxPreambleBytes: Int

    public init(maxEntries: Int = 250_000, maxInflatedBytes: Int64 = 2 << 30, maxEntryInflatedBytes: Int64 = 512 << 20,
                maxPreambleBytes: Int = 1 << 20) {
        self.maxEntries = maxEntries
        self.maxInflatedBytes = maxInflatedBytes
        self.maxEntryInflatedBytes = maxEntryInflatedBytes
        self.maxPreambleBytes = maxPreambleBytes
    }
}

/// What a zip walk has spent so far; shared by an archive and the archives nested in it.
public struct ZipBudget: Sendable, Hashable {
    public let limits: ZipLimits
    public internal(set) var entries = 0
    public internal(set) var inflatedBytes: Int64 = 0

    public init(limits: ZipLimits = ZipLimits()) {
        self.limits = limits
    }
}

/// Why a zip walk stopped early.
public enum ZipStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No local file header within the preamble limit.
    case notZip
    /// Bytes that are neither a local header nor the central directory where a header should be.
    case badSignature(offset: UInt64)
    /// The stream ended inside a header or an entry's data.
    case truncated(offset: UInt64)
    /// A deflated entry whose end only its data descriptor knows could not be inflated.
    case corruptEntry(name: String)
    /// An entry whose end cannot be found: its size is deferred to a data descriptor and it is not deflated.
    case unknownEntryLength(name: String, method: UInt16)
    case tooManyEntries(limit: Int)
    case inflateLimitExceeded(limit: Int64)
    /// An entry inflating past `ZipLimits.maxEntryInflatedBytes` whose end cannot be found without inflating it.
    case entryTooLarge(name: String, limit: Int64)
    case outOfMemory

    public var description: String {
        switch self {
        case .notZip: "not a zip archive (no local file header found)"
        case .badSignature(let offset): "unexpected bytes where a zip header should be at offset \(offset)"
        case .truncated(let offset): "zip archive truncated at offset \(offset)"
        case .corruptEntry(let name): "corrupt deflate data in entry \"\(name.prefix(200))\""
        case .unknownEntryLength(let name, let method):
            "entry \"\(name.prefix(200))\" (method \(method)) defers its size to a data descriptor and cannot be skipped"
        case .tooManyEntries(let limit): "more than \(limit) zip entries"
        case .inflateLimitExceeded(let limit): "zip archive inflates to more than \(limit) bytes"
        case .entryTooLarge(let name, let limit): "entry \"\(name.prefix(200))\" inflates to more than \(limit) bytes"
        case .outOfMemory: "could not allocate an inflater"
        }
    }
}

/// Walks a zip archive front to back from its local file headers, without the central directory, so an archive
/// can be read as it streams by (from a tar layer or from inside another archive).
///
/// Stored and deflated entries are supported, with data descriptors (deflated entries are inflated to the end of
/// their deflate stream to find where they stop) and ZIP64 sizes. Walking ends at the central directory. Errors stop
/// the walk and surface from `finish`; entries already delivered stay delivered.
public struct ZipStreamReader: Sendable {
    private enum State: Sendable {
        case preamble(matched: Int)
        case header
        case stored(remaining: UInt64)
        case deflatedSized(remaining: UInt64)
        case deflatedUntilEnd
        case skipping(remaining: UInt64)
        case descriptor
        case finished
        case failed(ZipStreamError)
    }

    private struct Entry: Sendable {
        var header: ZipEntryHeader
        /// The delegate asked for the bytes and has not been told the entry ended.
        var open: Bool
        /// Bytes are still being handed to the delegate.
        var delivering: Bool
        /// Compressed bytes consumed so far.
        var consumed: UInt64 = 0
        /// Bytes inflated so far.
        var inflated: Int64 = 0
    }

    private var state = State.preamble(matched: 0)
    private var pending: [UInt8] = []
    /// Absolute offset of the next byte fed.
    private var offset: UInt64 = 0
    private var entry: Entry?
    private var inflater: ZipInflater?

    static let localSignature: UInt32 = 0x0403_4b50
    static let centralSignature: UInt32 = 0x0201_4b50
    static let endSignature: UInt32 = 0x0605_4b50
    static let zip64EndSignature: UInt32 = 0x0606_4b50
    static let descriptorSignature: UInt32 = 0x0807_4b50

    public init() {}

    /// The walk reached the central directory (or failed): further input is ignored.
    public var isDone: Bool {
        switch state {
        case .finished, .failed: true
        default: false
        }
    }

    /// The error that stopped the walk, if any.
    public var failure: ZipStreamError? {
        if case .failed(let error) = state { return error }
        return nil
    }

    /// Feeds the next bytes of the archive.
    public mutating func feed<Delegate: ZipStreamDelegate>(_ chunk: UnsafeRawBufferPointer, to delegate: inout Delegate,
                                                           budget: inout ZipBudget) {
        var position = 0
        while position < chunk.count {
            // Every step consumes input or changes state, so this loop ends.
            step(chunk, &position, &delegate, &budget)
            if isDone { break }
        }
        offset += UInt64(chunk.count)
    }

    /// Feeds bytes held in an array.
    public mutating func feed<Delegate: ZipStreamDelegate>(_ bytes: [UInt8], to delegate: inout Delegate, budget: inout ZipBudget) {
        bytes.withUnsafeBytes { feed($0, to: &delegate, budget: &budget) }
    }

    /// Ends the walk: reports an entry cut short and throws the error that stopped the walk, if any.
    public mutating func finish<Delegate: ZipStreamDelegate>(to delegate: inout Delegate, budget: inout ZipBudget) throws(ZipStreamError) {
        switch state {
        case .finished:
            return
        case .failed(let error):
            throw error
        case .preamble:
            state = .failed(.notZip)
            throw .notZip
        case .header:
            // An archive cut right after an entry (no central directory) still gave all its entries.
            if pending.isEmpty { state = .finished; return }
            fail(.truncated(offset: offset), &delegate, &budget)
        case .descriptor:
            if let length = descriptorLength(final: true), length <= pending.count {
                state = .finished
                return
            }
            fail(.truncated(offset: offset), &delegate, &budget)
        case .stored, .deflatedSized, .deflatedUntilEnd, .skipping:
            fail(.truncated(offset: offset), &delegate, &budget)
        }
        if case .failed(let error) = state { throw error }
    }

    // MARK: - Steps

    private mutating func step<Delegate: ZipStreamDelegate>(_ chunk: UnsafeRawBufferPointer, _ position: inout Int,
                                                            _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        switch state {
        case .finished, .failed:
            position = chunk.count
        case .preamble(let matched):
            findFirstHeader(chunk, &position, matched: matched, &budget)
        case .header:
            readHeader(chunk, &position, &delegate, &budget)
        case .stored(let remaining):
            let count = Int(min(remaining, UInt64(chunk.count - position)))
            let piece = UnsafeRawBufferPointer(rebasing: chunk[position..<(position + count)])
            position += count
            entry?.consumed += UInt64(count)
            deliver(piece, &delegate, &budget)
            let left = remaining - UInt64(count)
            if left == 0 {
                endEntry(complete: true, &delegate, &budget)
                afterData()
            } else if entry?.delivering == false {
                skip(left)
            } else {
                state = .stored(remaining: left)
            }
        case .deflatedSized(let remaining):
            inflateSized(chunk, &position, remaining: remaining, &delegate, &budget)
        case .deflatedUntilEnd:
            inflateUntilEnd(chunk, &position, &delegate, &budget)
        case .skipping(let remaining):
            let count = Int(min(remaining, UInt64(chunk.count - position)))
            position += count
            skip(remaining - UInt64(count))
        case .descriptor:
            readDescriptor(chunk, &position)
        }
    }

    private mutating func findFirstHeader(_ chunk: UnsafeRawBufferPointer, _ position: inout Int, matched: Int, _ budget: inout ZipBudget) {
        let signature: [UInt8] = [0x50, 0x4b, 0x03, 0x04]
        var matched = matched
        while position < chunk.count {
            let byte = chunk[position]
            position += 1
            if byte == signature[matched] {
                matched += 1
                if matched == 4 {
                    pending = signature
                    state = .header
                    return
                }
            } else {
                matched = byte == signature[0] ? 1 : 0
            }
            if offset + UInt64(position) > UInt64(budget.limits.maxPreambleBytes) {
                state = .failed(.notZip)
                return
            }
        }
        state = .preamble(matched: matched)
    }

    private mutating func readHeader<Delegate: ZipStreamDelegate>(_ chunk: UnsafeRawBufferPointer, _ position: inout Int,
                                                                  _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        take(chunk, &position, upTo: 4)
        if pending.count < 4 { return }
        switch Self.le32(pending, 0) {
        case Self.localSignature: break
        case Self.centralSignature, Self.endSignature, Self.zip64EndSignature:
            state = .finished
            return
        default:
            state = .failed(.badSignature(offset: offset + UInt64(position) - UInt64(pending.count)))
            return
        }
        take(chunk, &position, upTo: 30)
        if pending.count < 30 { return }
        let nameLength = Int(Self.le16(pending, 26))
        let extraLength = Int(Self.le16(pending, 28))
        take(chunk, &position, upTo: 30 + nameLength + extraLength)
        if pending.count < 30 + nameLength + extraLength { return }
        let headerOffset = offset + UInt64(position) - UInt64(pending.count)
        beginEntry(nameLength: nameLength, extraLength: extraLength, headerOffset: headerOffset, &delegate, &budget)
    }

    private mutating func beginEntry<Delegate: ZipStreamDelegate>(nameLength: Int, extraLength: Int, headerOffset: UInt64,
                                                                  _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        let flags = Self.le16(pending, 6)
        let method = Self.le16(pending, 8)
        var compressed = UInt64(Self.le32(pending, 18))
        var uncompressed = UInt64(Self.le32(pending, 22))
        let name = String(decoding: pending[30..<(30 + nameLength)], as: UTF8.self)
        var hasZip64 = false
        var extra = 30 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = Self.le16(pending, extra)
            let size = Int(Self.le16(pending, extra + 2))
            let body = extra + 4
            guard body + size <= extraEnd else { break }
            if id == 0x0001 {
                hasZip64 = true
                var field = body
                if uncompressed == 0xFFFF_FFFF, field + 8 <= body + size {
                    uncompressed = Self.le64(pending, field)
                    field += 8
                }
                if compressed == 0xFFFF_FFFF, field + 8 <= body + size {
                    compressed = Self.le64(pending, field)
                }
            }
            extra = body + size
        }
        pending.removeAll(keepingCapacity: true)

        budget.entries += 1
        if budget.entries > budget.limits.maxEntries {
            state = .failed(.tooManyEntries(limit: budget.limits.maxEntries))
            return
        }
        let usesDescriptor = flags & 0x8 != 0
        var header = ZipEntryHeader(name: name, method: method, flags: flags, compressedSize: compressed, uncompressedSize: uncompressed,
                                    offset: headerOffset, hasZip64Extra: hasZip64)
        if usesDescriptor && !(method == 0 && compressed > 0) {
            // The local sizes are zero (or meaningless) when a descriptor follows; a stored entry that still states
            // its size is trusted, since nothing else could say where it ends.
            header.compressedSize = nil
            header.uncompressedSize = nil
        }
        let readable = (method == 0 || method == 8) && flags & 0x1 == 0
        guard readable else {
            entry = Entry(header: header, open: false, delivering: false)
            if let size = header.compressedSize {
                skip(size)
            } else {
                state = .failed(.unknownEntryLength(name: name, method: method))
            }
            return
        }
        let wanted = delegate.zipEntryBegins(header, budget: &budget) == .read
        entry = Entry(header: header, open: wanted, delivering: wanted)
        switch (method, header.compressedSize) {
        case (0, let size?):
            if size == 0 {
                endEntry(complete: true, &delegate, &budget)
                afterData()
            } else if wanted {
                state = .stored(remaining: size)
            } else {
                skip(size)
            }
        case (0, nil):
            endEntry(complete: false, &delegate, &budget)
            state = .failed(.unknownEntryLength(name: name, method: method))
        case (_, let size?):
            if !wanted {
                skip(size)
            } else if size == 0 {
                endEntry(complete: false, &delegate, &budget)
                afterData()
            } else {
                guard prepareInflater() else { fail(.outOfMemory, &delegate, &budget); return }
                state = .deflatedSized(remaining: size)
            }
        case (_, nil):
            guard prepareInflater() else { fail(.outOfMemory, &delegate, &budget); return }
            state = .deflatedUntilEnd
        }
    }

    private mutating func prepareInflater() -> Bool {
        if let inflater {
            inflater.reset()
            return true
        }
        inflater = ZipInflater(.raw)
        return inflater != nil
    }

    private mutating func inflateSized<Delegate: ZipStreamDelegate>(_ chunk: UnsafeRawBufferPointer, _ position: inout Int, remaining: UInt64,
                                                                    _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        guard let inflater else { fail(.outOfMemory, &delegate, &budget); return }
        let available = Int(min(remaining, UInt64(chunk.count - position)))
        let input = UnsafeRawBufferPointer(rebasing: chunk[position..<(position + available)])
        let (used, produced, status) = inflater.inflate(input) { output in deliver(output, &delegate, &budget) }
        position += used
        entry?.consumed += UInt64(used)
        let left = remaining - UInt64(used)
        switch chargeInflation(produced, &delegate, &budget) {
        case .within: break
        case .walkStopped: return
        case .entryTooLarge:
            endEntry(complete: false, &delegate, &budget)
            skip(left)
            return
        }
        switch status {
        case .streamEnd:
            endEntry(complete: true, &delegate, &budget)
            skip(left)
        case .corrupt:
            // The size is known, so the walk survives a corrupt entry.
            endEntry(complete: false, &delegate, &budget)
            skip(left)
        case .progressing:
            if left == 0 {
                // All compressed bytes were used and the deflate stream has not ended.
                endEntry(complete: false, &delegate, &budget)
                afterData()
            } else if entry?.delivering == false {
                skip(left)
            } else if used == 0 && produced == 0 && available > 0 {
                endEntry(complete: false, &delegate, &budget)
                skip(left)
            } else {
                state = .deflatedSized(remaining: left)
            }
        }
    }

    private mutating func inflateUntilEnd<Delegate: ZipStreamDelegate>(_ chunk: UnsafeRawBufferPointer, _ position: inout Int,
                                                                       _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        guard let inflater else { fail(.outOfMemory, &delegate, &budget); return }
        let input = UnsafeRawBufferPointer(rebasing: chunk[position...])
        let (used, produced, status) = inflater.inflate(input) { output in deliver(output, &delegate, &budget) }
        position += used
        entry?.consumed += UInt64(used)
        switch chargeInflation(produced, &delegate, &budget) {
        case .within: break
        case .walkStopped: return
        case .entryTooLarge:
            fail(.entryTooLarge(name: entry?.header.name ?? "", limit: budget.limits.maxEntryInflatedBytes), &delegate, &budget)
            return
        }
        switch status {
        case .streamEnd:
            endEntry(complete: true, &delegate, &budget)
            state = .descriptor
            pending.removeAll(keepingCapacity: true)
        case .corrupt:
            fail(.corruptEntry(name: entry?.header.name ?? ""), &delegate, &budget)
        case .progressing:
            if used == 0 && produced == 0 && !input.isEmpty {
                fail(.corruptEntry(name: entry?.header.name ?? ""), &delegate, &budget)
            }
        }
    }

    private enum Charge { case within, walkStopped, entryTooLarge }

    /// Counts inflated bytes against the archive's and the entry's limits.
    private mutating func chargeInflation<Delegate: ZipStreamDelegate>(_ produced: Int, _ delegate: inout Delegate,
                                                                       _ budget: inout ZipBudget) -> Charge {
        budget.inflatedBytes += Int64(produced)
        entry?.inflated += Int64(produced)
        if budget.inflatedBytes > budget.limits.maxInflatedBytes {
            fail(.inflateLimitExceeded(limit: budget.limits.maxInflatedBytes), &delegate, &budget)
            return .walkStopped
        }
        if let inflated = entry?.inflated, inflated > budget.limits.maxEntryInflatedBytes { return .entryTooLarge }
        return .within
    }

    private mutating func deliver<Delegate: ZipStreamDelegate>(_ bytes: UnsafeRawBufferPointer, _ delegate: inout Delegate,
                                                               _ budget: inout ZipBudget) {
        guard entry?.delivering == true, !bytes.isEmpty else { return }
        if delegate.zipEntryData(bytes, budget: &budget) == .skip {
            entry?.delivering = false
            endEntry(complete: true, &delegate, &budget)
        }
    }

    private mutating func endEntry<Delegate: ZipStreamDelegate>(complete: Bool, _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        guard var current = entry, current.open else { return }
        current.open = false
        current.delivering = false
        entry = current
        delegate.zipEntryEnds(current.header, complete: complete, budget: &budget)
    }

    /// Skips `count` more bytes of the current entry's data, then moves on.
    private mutating func skip(_ count: UInt64) {
        if count == 0 { afterData() } else { state = .skipping(remaining: count) }
    }

    /// Moves past an entry's data: to its data descriptor, or to the next header.
    private mutating func afterData() {
        pending.removeAll(keepingCapacity: true)
        if let current = entry, current.header.usesDataDescriptor {
            state = .descriptor
        } else {
            state = .header
        }
    }

    private mutating func fail<Delegate: ZipStreamDelegate>(_ error: ZipStreamError, _ delegate: inout Delegate, _ budget: inout ZipBudget) {
        endEntry(complete: false, &delegate, &budget)
        state = .failed(error)
    }

    private mutating func readDescriptor(_ chunk: UnsafeRawBufferPointer, _ position: inout Int) {
        // Collect enough to tell the descriptor's layout: optional signature, CRC, then 4- or 8-byte sizes.
        take(chunk, &position, upTo: 24)
        guard let length = descriptorLength(final: false) else { return }
        let rest = Array(pending.dropFirst(min(length, pending.count)))
        pending = rest
        state = .header
    }

    /// The data descriptor's length, once enough bytes are buffered to decide (or the stream ended).
    private func descriptorLength(final: Bool) -> Int? {
        guard pending.count >= 24 || final else { return nil }
        guard pending.count >= 12 else { return final ? 12 : nil }
        let signed = Self.le32(pending, 0) == Self.descriptorSignature
        let base = signed ? 4 : 0
        let consumed = entry?.consumed ?? 0
        let wide = entry?.header.hasZip64Extra ?? false
        for width in wide ? [8, 4] : [4, 8] {
            let end = base + 4 + 2 * width
            guard end <= pending.count else { continue }
            let stated = width == 8 ? Self.le64(pending, base + 4) : UInt64(Self.le32(pending, base + 4))
            if stated == (width == 8 ? consumed : consumed & 0xFFFF_FFFF) { return end }
        }
        return base + 4 + 2 * (wide ? 8 : 4)
    }

    private mutating func take(_ chunk: UnsafeRawBufferPointer, _ position: inout Int, upTo total: Int) {
        let count = min(total - pending.count, chunk.count - position)
        guard count > 0 else { return }
        pending.append(contentsOf: chunk[position..<(position + count)])
        position += count
    }

    static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    static func le64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(le32(bytes, at)) | UInt64(le32(bytes, at + 4)) << 32
    }
}
