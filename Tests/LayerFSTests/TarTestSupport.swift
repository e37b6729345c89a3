import LayerFS
import MoatTesting

/// One member as a handler received it.
struct Delivered: Equatable {
    var entry: TarEntry
    var content: [UInt8]
}

/// A `TarEntryHandler` that records everything the parser tells it.
struct RecordingHandler: TarEntryHandler {
    /// Bytes captured per regular file; `Int.max` means everything.
    var capture: Int = .max
    /// Paths whose content is streamed through `streamChunk` instead of captured.
    var streamPaths: Set<String> = []

    var delivered: [Delivered] = []
    var rejected: [(name: String, offset: Int64)] = []
    var captureRequests: [String] = []
    var streamRequests: [String] = []
    var streamed: [UInt8] = []
    var streamChunks = 0

    init(capture: Int = .max, streamPaths: Set<String> = []) {
        self.capture = capture
        self.streamPaths = streamPaths
    }

    mutating func captureLimit(for entry: TarEntry) -> Int {
        captureRequests.append(entry.path)
        return capture
    }

    mutating func entry(_ entry: TarEntry, content: [UInt8]) throws {
        delivered.append(Delivered(entry: entry, content: content))
    }

    mutating func rejectedEntry(rawName: String, offset: Int64) {
        rejected.append((rawName, offset))
    }

    mutating func streamsContent(of entry: TarEntry) -> Bool {
        streamRequests.append(entry.path)
        return streamPaths.contains(entry.path)
    }

    mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) throws {
        streamChunks += 1
        streamed.append(contentsOf: chunk)
    }

    var paths: [String] { delivered.map(\.entry.path) }

    func entry(_ path: String) -> Delivered? { delivered.first { $0.entry.path == path } }
}

/// Feeds `bytes` to `parser` in pieces of `chunkSize` (the whole stream when nil).
func feed<H: TarEntryHandler>(_ bytes: [UInt8], to parser: inout TarStreamParser, handler: inout H, chunkSize: Int? = nil) throws {
    let step = max(1, chunkSize ?? max(bytes.count, 1))
    try bytes.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
            let end = min(start + step, all.count)
            try parser.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]), to: &handler)
            start = end
        }
    }
}

/// Parses a whole stream (feed + finish) and returns the handler.
func parse(_ bytes: [UInt8], handler: RecordingHandler = RecordingHandler(), chunkSize: Int? = nil,
           limits: TarLimits = TarLimits()) throws -> RecordingHandler {
    var parser = TarStreamParser(limits: limits)
    var handler = handler
    try feed(bytes, to: &parser, handler: &handler, chunkSize: chunkSize)
    try parser.finish()
    return handler
}

/// Runs `body` and returns the `TarError` it threw, or nil.
func tarError(_ body: () throws -> Void) -> TarError? {
    do {
        try body()
        return nil
    } catch let error as TarError {
        return error
    } catch {
        return nil
    }
}

/// Indexes a tar stream with `LayerIndexer`.
func indexLayer<V: ContentVisitor>(_ bytes: [UInt8], visitor: V, chunkSize: Int? = nil) throws -> LayerIndexer<V> {
    var parser = TarStreamParser()
    var indexer = LayerIndexer(visitor: visitor)
    try feed(bytes, to: &parser, handler: &indexer, chunkSize: chunkSize)
    try parser.finish()
    indexer.finish(tarBytes: Int64(bytes.count))
    return indexer
}

func indexLayer(_ bytes: [UInt8]) throws -> LayerIndex {
    try indexLayer(bytes, visitor: NoContent()).index
}

/// A pax extended-header body with correctly computed record lengths.
func paxBody(_ records: [(String, String)]) -> [UInt8] {
    var body: [UInt8] = []
    for (key, value) in records {
        let payload = " \(key)=\(value)\n"
        var length = payload.utf8.count + 1
        while String(length).utf8.count + payload.utf8.count != length { length = String(length).utf8.count + payload.utf8.count }
        body += Array("\(length)\(payload)".utf8)
    }
    return body
}

/// Rewrites the header block at `offset` and fixes its checksum, to build headers `TarBuilder` cannot.
func patchHeader(_ bytes: inout [UInt8], at offset: Int, _ change: (inout [UInt8]) -> Void) {
    var header = Array(bytes[offset..<(offset + 512)])
    change(&header)
    for i in 148..<156 { header[i] = 0x20 }
    let sum = header.reduce(0) { $0 + Int($1) }
    let octal = String(sum, radix: 8)
    let text = Array((String(repeating: "0", count: 6 - octal.count) + octal).utf8)
    for i in 0..<6 { header[148 + i] = text[i] }
    header[154] = 0
    header[155] = 0x20
    bytes.replaceSubrange(offset..<(offset + 512), with: header)
}

/// Writes `value` big-endian in GNU base-256 (two's complement, high bit of the first byte set) into a header field.
func putBase256(_ value: Int64, into header: inout [UInt8], at start: Int, length: Int) {
    var remaining = value
    for i in stride(from: start + length - 1, through: start, by: -1) {
        header[i] = UInt8(truncatingIfNeeded: remaining)
        remaining >>= 8  // arithmetic shift keeps the sign bits for negative values
    }
    header[start] |= 0x80
}

func text(_ string: String) -> [UInt8] { Array(string.utf8) }
