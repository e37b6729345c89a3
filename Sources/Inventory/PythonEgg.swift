/// Python eggs installed as zip files (`*.egg`): the package comes from the archive's `EGG-INFO/PKG-INFO`, as in
/// trivy's python-egg analyzer. Walks the zip as it streams by and keeps only that member.
public struct PythonEggScanner: Sendable {
    private var reader = ZipStreamReader()
    private var state: PythonEggState
    private var budget: ZipBudget
    private let filePath: String

    public init(filePath: String, metadataLimit: Int = 1 << 20, limits: ZipLimits = ZipLimits(maxEntries: 100_000, maxInflatedBytes: 1 << 30)) {
        self.filePath = filePath
        state = PythonEggState(limit: metadataLimit)
        budget = ZipBudget(limits: limits)
    }

    /// Whether the path names an egg archive (`.egg`).
    public static func isEggPath(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard utf8.count > 4, utf8.last == UInt8(ascii: "g") else { return false }
        return utf8.suffix(4).elementsEqual(".egg".utf8)
    }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        guard !reader.isDone, state.metadata == nil else { return }
        reader.feed(chunk, to: &state, budget: &budget)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The egg's package; nil when the archive has no `EGG-INFO/PKG-INFO`.
    public mutating func finish() throws(PythonMetadataError) -> Package? {
        if let metadata = state.metadata { return try PythonMetadata.parse(metadata, filePath: filePath) }
        do {
            try reader.finish(to: &state, budget: &budget)
        } catch {
            throw PythonMetadataError(message: error.description)
        }
        guard let metadata = state.metadata else { return nil }
        return try PythonMetadata.parse(metadata, filePath: filePath)
    }
}

private struct PythonEggState: ZipStreamDelegate, Sendable {
    let limit: Int
    var capturing = false
    var buffer: [UInt8] = []
    var metadata: [UInt8]?

    init(limit: Int) {
        self.limit = limit
    }

    mutating func zipEntryBegins(_ header: ZipEntryHeader, budget: inout ZipBudget) -> ZipEntryAction {
        capturing = header.name == "EGG-INFO/PKG-INFO"
        buffer.removeAll()
        return capturing ? .read : .skip
    }

    mutating func zipEntryData(_ bytes: UnsafeRawBufferPointer, budget: inout ZipBudget) -> ZipEntryAction {
        buffer.append(contentsOf: bytes.prefix(max(0, limit - buffer.count)))
        return buffer.count >= limit ? .skip : .read
    }

    mutating func zipEntryEnds(_ header: ZipEntryHeader, complete: Bool, budget: inout ZipBudget) {
        if capturing { metadata = buffer }
        capturing = false
    }
}
