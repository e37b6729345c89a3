/// A parsed JSON document kept as its bytes plus a flat *tape*: one entry per value (and per object key), in
/// document order, each with its byte range, its parent and the index just past its subtree.
///
/// Why not `JSONDecoder`: the admission formats need things it cannot give.
/// * The raw bytes of `request.object` (`AdmissionRequest.object`) without re-serialising it.
/// * Duplicate keys refused. Foundation's decoder on Linux silently keeps the *first* of two equal keys while Go
///   (the apiserver) keeps the *last*, so `{"image":"good","image":"evil"}` would be read differently.
/// * Errors that name the JSON path (`request.object.spec.containers[1].image`), and a readable error, not
///   "not valid JSON", for nesting past its fixed limit of 512 levels.
/// * One pass with no recursion: depth only costs a slot in an explicit stack, so hostile nesting cannot
///   exhaust the thread's stack; `AdmissionLimits.maxDepth` turns it into a clear error long before memory matters.
///
/// The parser is strict RFC 8259: UTF-8 validated (overlongs, surrogates and bytes past U+10FFFF refused),
/// escapes checked (an unpaired `\u` surrogate is refused), no byte order mark, nothing after the value.
/// Values are not converted while parsing; readers decode only the strings they ask for.
struct JSONDocument: Sendable {
    /// What a tape entry holds.
    enum Kind: UInt8, Sendable {
        case object, array, key, string, number, `true`, `false`, null
    }

    /// One value or object key. Offsets are `UInt32` (documents are capped far below 4 GiB) to keep the tape small.
    struct Entry: Sendable {
        /// Strings and keys: first byte after the opening quote. Others: first byte of the value.
        var start: UInt32
        /// Strings and keys: offset of the closing quote. Others: offset just past the value.
        var end: UInt32
        /// Tape index of the enclosing object or array; `JSONDocument.noParent` for the top-level value.
        var parent: UInt32
        /// Tape index just past this entry's subtree (the next sibling, if any).
        var next: UInt32
        var kind: Kind
        /// Strings and keys: the raw text contains a backslash escape and must be decoded before use.
        var escaped: Bool
    }

    static let noParent = UInt32.max
    /// The top-level value is always the first tape entry.
    static let root = 0

    let bytes: [UInt8]
    let tape: [Entry]

    /// Parses `bytes` under `limits`, or throws an `AdmissionError` that says what is wrong and where.
    init(bytes: [UInt8], limits: AdmissionLimits) throws(AdmissionError) {
        let byteLimit = min(limits.maxBytes, Int(UInt32.max) - 1)
        guard bytes.count <= byteLimit else {
            throw AdmissionError(.limitExceeded, "the document is \(bytes.count) bytes, more than the limit of \(byteLimit)")
        }
        let tape = try bytes.withUnsafeBufferPointer { (buffer) throws(AdmissionError) -> [Entry] in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                throw AdmissionError(.malformedJSON, "the document is empty")
            }
            var parser = JSONParser(base: base, count: buffer.count, limits: limits)
            return try parser.parse()
        }
        self.bytes = bytes
        self.tape = tape
    }
}

