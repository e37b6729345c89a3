/// Sees the content of selected files while a layer streams by, so analysers never need a second read.
public protocol ContentVisitor: Sendable {
    /// Leading bytes of this regular file the visitor needs (0 for none).
    func captureLimit(for entry: TarEntry) -> Int
    /// The captured bytes of an entry that asked for some.
    mutating func visit(_ entry: TarEntry, content: [UInt8])
    /// Whether to receive this regular file's whole content as it streams by (for files too big to capture,
    /// such as binaries and archives); `visit` still gets the captured prefix afterwards.
    mutating func beginStream(_ entry: TarEntry) -> Bool
    /// A piece of the streamed file, valid only during the call.
    mutating func streamChunk(_ chunk: UnsafeRawBufferPointer)
    /// The streamed file ended.
    mutating func endStream(_ entry: TarEntry)
}

extension ContentVisitor {
    public mutating func beginStream(_ entry: TarEntry) -> Bool { false }
    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) {}
    public mutating func endStream(_ entry: TarEntry) {}
}

/// Turns a tar stream into a `LayerIndex`, applying the OCI whiteout naming rules and sniffing executables.
public struct LayerIndexer<Visitor: ContentVisitor>: TarEntryHandler {
    public private(set) var index = LayerIndex()
    public private(set) var visitor: Visitor
    private var positions: [String: Int] = [:]
    private var whiteoutSet: Set<String> = []
    /// While a file streams to the visitor: its prefix, collected here since the parser captures nothing then.
    private var streamed: (limit: Int, prefix: [UInt8])?

    /// Bytes of an executable read to tell ELF binaries from scripts.
    static var sniffBytes: Int { 128 }

    public init(visitor: Visitor) {
        self.visitor = visitor
    }

    public mutating func captureLimit(for entry: TarEntry) -> Int {
        let wanted = visitor.captureLimit(for: entry)
        return entry.mode & 0o111 != 0 ? max(wanted, Self.sniffBytes) : wanted
    }

    public mutating func streamsContent(of entry: TarEntry) -> Bool {
        guard entry.size > 0, visitor.beginStream(entry) else { return false }
        streamed = (captureLimit(for: entry), [])
        return true
    }

    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) throws {
        if var current = streamed, current.prefix.count < current.limit {
            current.prefix.append(contentsOf: chunk.prefix(current.limit - current.prefix.count))
            streamed = current
        }
        visitor.streamChunk(chunk)
    }

    public mutating func rejectedEntry(rawName: String, offset: Int64) {
        index.anomalies.append(LayerAnomaly(kind: .pathEscapesRoot, path: rawName,
                                            detail: "member name climbs out of the image root with '..' (byte \(offset)); ignored"))
    }

    public mutating func entry(_ entry: TarEntry, content: [UInt8]) throws {
        var content = content
        if let current = streamed {
            streamed = nil
            visitor.endStream(entry)
            content = current.prefix
        }
        if entry.rawName.hasPrefix("/") {
            index.anomalies.append(LayerAnomaly(kind: .absolutePath, path: entry.rawName,
                                                detail: "member name is absolute; read as relative to the image root"))
        }
        if entry.kind == .regular { index.contentBytes += entry.size }
        let name = entry.baseName
        if name.hasPrefix(".wh.") {
            recordWhiteout(entry, name: name)
            return
        }
        if entry.path.isEmpty { return }  // "./" itself
        var contentKind = ContentKind.unknown
        if entry.kind == .regular, entry.mode & 0o111 != 0 { contentKind = ContentKind.sniff(Array(content.prefix(Self.sniffBytes))) }
        let limit = entry.kind == .regular && !content.isEmpty ? visitor.captureLimit(for: entry) : 0
        if limit > 0 {
            // The executable sniff may have captured more than the visitor asked for; give it only its share.
            visitor.visit(entry, content: content.count > limit ? Array(content.prefix(limit)) : content)
        }
        var file = LayerFile(entry, contentKind: contentKind)
        switch entry.kind {
        case .symlink:
            if let target = entry.linkTarget, ImagePath.linkEscapesRoot(target, from: entry.path) {
                index.anomalies.append(LayerAnomaly(kind: .symlinkEscapesRoot, path: entry.path,
                                                    detail: "symlink target \"\(target.prefix(200))\" climbs out of the image root; resolved inside the root"))
            }
        case .hardLink:
            let target = entry.linkTarget ?? ""
            switch ImagePath.normalise(target) {
            case .escapes:
                index.anomalies.append(LayerAnomaly(kind: .hardLinkEscapesRoot, path: entry.path,
                                                    detail: "hard link target \"\(target.prefix(200))\" climbs out of the image root"))
            case .inside(let targetPath, _):
                file.linkTarget = targetPath
                if let at = positions[targetPath], index.files[at].kind == .regular {
                    file.contentKind = index.files[at].contentKind
                    file.mode = index.files[at].mode
                } else {
                    index.anomalies.append(LayerAnomaly(kind: .hardLinkTargetMissing, path: entry.path,
                                                        detail: "hard link to \"\(target.prefix(200))\", which is not an earlier regular file of this layer"))
                }
            }
        default:
            break
        }
        if let existing = positions[entry.path] {
            // Tar extraction keeps the last copy; the earlier bytes still ship in the blob.
            if index.files[existing].kind != .directory || entry.kind != .directory {
                index.anomalies.append(LayerAnomaly(kind: .duplicateEntry, path: entry.path,
                                                    detail: "path appears more than once in this layer; the last copy wins"))
            }
            index.files[existing] = file
        } else {
            positions[entry.path] = index.files.count
            index.files.append(file)
        }
    }

    private mutating func recordWhiteout(_ entry: TarEntry, name: String) {
        let directory = ImagePath.parent(entry.path)
        if name == ".wh..wh..opq" {
            index.opaqueDirectories.append(directory)
            return
        }
        let target = String(name.dropFirst(4))
        guard !target.isEmpty, target != ".", target != ".." else {
            index.anomalies.append(LayerAnomaly(kind: .whiteoutOfRoot, path: entry.rawName, detail: "whiteout names no file; ignored"))
            return
        }
        let path = directory.isEmpty ? target : directory + "/" + target
        if whiteoutSet.insert(path).inserted { index.whiteouts.append(path) }
    }

    /// Records the uncompressed size once the stream has ended.
    public mutating func finish(tarBytes: Int64) {
        index.tarBytes = tarBytes
    }
}

/// A visitor that reads nothing.
public struct NoContent: ContentVisitor {
    public init() {}
    public func captureLimit(for entry: TarEntry) -> Int { 0 }
    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {}
}
