/// Receives the members of a tar stream as `TarStreamParser` finds them.
public protocol TarEntryHandler {
    /// How many leading bytes of this member's content the handler wants (0 for none).
    mutating func captureLimit(for entry: TarEntry) -> Int
    /// Called once the member's data was passed; `content` holds at most `captureLimit` bytes.
    mutating func entry(_ entry: TarEntry, content: [UInt8]) throws
    /// Called for a member whose name climbs out of the root; it is not delivered.
    mutating func rejectedEntry(rawName: String, offset: Int64)
    /// Whether to receive this member's whole data as it streams by (`streamChunk`) instead of a captured prefix.
    mutating func streamsContent(of entry: TarEntry) -> Bool
    /// A piece of a streamed member's data, valid only during the call.
    mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) throws
}

extension TarEntryHandler {
    public mutating func streamsContent(of entry: TarEntry) -> Bool { false }
    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) throws {}
}

/// Limits that keep a hostile tar stream from using unbounded memory.
public struct TarLimits: Sendable, Equatable {
    /// Largest pax or GNU long-name body accepted.
    public var maxExtensionBytes: Int = 1 << 20
    /// Most members accepted in one layer.
    public var maxEntries: Int = 2_000_000

    public init(maxExtensionBytes: Int = 1 << 20, maxEntries: Int = 2_000_000) {
        self.maxExtensionBytes = maxExtensionBytes
        self.maxEntries = maxEntries
    }
}

/// A push parser for tar streams: feed it bytes in chunks of any size, it calls the handler per member.
/// It never seeks and keeps at most one header block plus the captured prefix of the current member.
public struct TarStreamParser {
    private enum State {
        case header
        case data(entry: TarEntry?, remaining: Int64, padding: Int64, capture: Int, streaming: Bool)
        case extensionBody(kind: ExtensionKind, remaining: Int64, padding: Int64)
        case skipPadding(Int64)
        case finished
    }

    private enum ExtensionKind { case paxLocal, paxGlobal, longName, longLink }

    private var state: State = .header
    private var headerBuffer: [UInt8] = []
    private var captured: [UInt8] = []
    private var extensionBuffer: [UInt8] = []
    private var pendingPax: PaxRecords?
    private var globalPax: PaxRecords?
    private var pendingLongName: String?
    private var pendingLongLink: String?
    private var sawZeroBlock = false
    private var entries = 0
    public private(set) var offset: Int64 = 0
    public let limits: TarLimits

    public init(limits: TarLimits = TarLimits()) {
        self.limits = limits
        headerBuffer.reserveCapacity(512)
    }

    /// Whether the end-of-archive marker was seen.
    public var isFinished: Bool { if case .finished = state { true } else { false } }

    public mutating func feed<H: TarEntryHandler>(_ input: UnsafeRawBufferPointer, to handler: inout H) throws {
        var cursor = input.startIndex
        while cursor < input.endIndex {
            switch state {
            case .finished:
                return
            case .header:
                let take = min(512 - headerBuffer.count, input.endIndex - cursor)
                headerBuffer.append(contentsOf: input[cursor..<(cursor + take)])
                cursor += take
                offset += Int64(take)
                if headerBuffer.count == 512 {
                    try headerBuffer.withUnsafeBytes { block in try processHeader(block, handler: &handler) }
                    headerBuffer.removeAll(keepingCapacity: true)
                }
            case .data(let entry, let remaining, let padding, let capture, let streaming):
                let take = Int(min(remaining, Int64(input.endIndex - cursor)))
                if streaming {
                    try handler.streamChunk(UnsafeRawBufferPointer(rebasing: input[cursor..<(cursor + take)]))
                } else if captured.count < capture {
                    let wanted = min(take, capture - captured.count)
                    captured.append(contentsOf: input[cursor..<(cursor + wanted)])
                }
                cursor += take
                offset += Int64(take)
                let left = remaining - Int64(take)
                if left == 0 {
                    if let entry { try handler.entry(entry, content: captured) }
                    captured.removeAll(keepingCapacity: true)
                    state = padding > 0 ? .skipPadding(padding) : .header
                } else {
                    state = .data(entry: entry, remaining: left, padding: padding, capture: capture, streaming: streaming)
                }
            case .extensionBody(let kind, let remaining, let padding):
                let take = Int(min(remaining, Int64(input.endIndex - cursor)))
                extensionBuffer.append(contentsOf: input[cursor..<(cursor + take)])
                cursor += take
                offset += Int64(take)
                let left = remaining - Int64(take)
                if left == 0 {
                    try finishExtension(kind)
                    state = padding > 0 ? .skipPadding(padding) : .header
                } else {
                    state = .extensionBody(kind: kind, remaining: left, padding: padding)
                }
            case .skipPadding(let remaining):
                let take = Int(min(remaining, Int64(input.endIndex - cursor)))
                cursor += take
                offset += Int64(take)
                state = remaining - Int64(take) == 0 ? .header : .skipPadding(remaining - Int64(take))
            }
        }
    }

    /// Declares the end of input: fine after the end marker or at a member boundary, an error mid-member.
    public mutating func finish() throws {
        switch state {
        case .finished:
            return
        case .header where headerBuffer.isEmpty && pendingPax == nil && pendingLongName == nil && pendingLongLink == nil:
            return  // Missing end-of-archive blocks are common (e.g. some layer writers); the content is complete.
        default:
            throw TarError(.truncated, offset: offset, "tar stream is truncated in the middle of a member")
        }
    }

    private mutating func processHeader<H: TarEntryHandler>(_ block: UnsafeRawBufferPointer, handler: inout H) throws {
        let headerOffset = offset - 512
        if TarHeader.isZeroBlock(block) {
            if sawZeroBlock { state = .finished } else { sawZeroBlock = true }
            return
        }
        sawZeroBlock = false
        var header = try TarHeader(block: block, offset: headerOffset)
        switch header.type {
        case .paxLocal, .paxGlobal, .gnuLongName, .gnuLongLink:
            guard header.size <= Int64(limits.maxExtensionBytes) else {
                throw TarError(.oversizedExtension, offset: headerOffset,
                               "tar extension header of \(header.size) bytes exceeds the \(limits.maxExtensionBytes)-byte limit")
            }
            let kind: ExtensionKind = switch header.type {
            case .paxLocal: .paxLocal
            case .paxGlobal: .paxGlobal
            case .gnuLongName: .longName
            default: .longLink
            }
            extensionBuffer.removeAll(keepingCapacity: true)
            let padding = TarHeader.padded(header.size) - header.size
            if header.size == 0 {
                try finishExtension(kind)
            } else {
                state = .extensionBody(kind: kind, remaining: header.size, padding: padding)
            }
            return
        case .entry, .other:
            break
        }
        entries += 1
        guard entries <= limits.maxEntries else {
            throw TarError(.tooManyEntries, offset: headerOffset, "layer has more than \(limits.maxEntries) entries; raise --max-entries if this is expected")
        }
        for (pax, isLocal) in [(globalPax, false), (pendingPax, true)] {
            guard let pax else { continue }
            // A global path or size would rename or resize every member; only local records may do that.
            if isLocal, let path = pax.path { header.name = path }
            if isLocal, let link = pax.linkPath { header.linkName = link }
            if isLocal, let size = pax.size { header.size = size }
            if let mtime = pax.mtime { header.mtime = mtime }
            if let uid = pax.uid { header.uid = uid }
            if let gid = pax.gid { header.gid = gid }
        }
        if let longName = pendingLongName { header.name = longName }
        if let longLink = pendingLongLink { header.linkName = longLink }
        pendingPax = nil
        pendingLongName = nil
        pendingLongLink = nil

        let dataSize = header.dataSize
        let padding = TarHeader.padded(dataSize) - dataSize
        var delivered: TarEntry?
        var capture = 0
        var streaming = false
        if case .entry(let kind) = header.type {
            switch ImagePath.normalise(header.name) {
            case .escapes:
                handler.rejectedEntry(rawName: header.name, offset: headerOffset)
            case .inside(let path, _):
                let entry = TarEntry(
                    path: path, rawName: header.name, kind: kind, size: dataSize, mode: header.mode & 0o7777,
                    uid: header.uid, gid: header.gid,
                    linkTarget: (kind == .symlink || kind == .hardLink) ? header.linkName : nil,
                    modificationTime: header.mtime, offset: headerOffset)
                delivered = entry
                if kind == .regular {
                    streaming = handler.streamsContent(of: entry)
                    capture = streaming ? 0 : min(handler.captureLimit(for: entry), Int(clamping: dataSize))
                }
            }
        }
        if dataSize == 0 {
            if let delivered { try handler.entry(delivered, content: []) }
            state = .header
        } else {
            state = .data(entry: delivered, remaining: dataSize, padding: padding, capture: capture, streaming: streaming)
        }
    }

    private mutating func finishExtension(_ kind: ExtensionKind) throws {
        let extensionOffset = offset
        switch kind {
        case .paxLocal: pendingPax = try PaxRecords(extensionBuffer, offset: extensionOffset)
        case .paxGlobal: globalPax = try PaxRecords(extensionBuffer, offset: extensionOffset)
        case .longName: pendingLongName = Self.cString(extensionBuffer)
        case .longLink: pendingLongLink = Self.cString(extensionBuffer)
        }
        extensionBuffer.removeAll(keepingCapacity: true)
        state = .header
    }

    private static func cString(_ bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
