/// What a file's first bytes say it is; only sniffed for executables.
public enum ContentKind: Sendable, Hashable, Codable {
    case unknown
    case elf
    /// A `#!` script and its interpreter path.
    case script(interpreter: String)
    case other

    static func sniff(_ prefix: [UInt8]) -> ContentKind {
        if prefix.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return .elf }
        if prefix.starts(with: [0x23, 0x21]) {
            let line = prefix.dropFirst(2).prefix { $0 != 0x0a }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: " \t\r")
            return .script(interpreter: String(text.split(separator: " ").first ?? ""))
        }
        return prefix.isEmpty ? .unknown : .other
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var slice = Substring(self)
        while let first = slice.first, chars.contains(first) { slice.removeFirst() }
        while let last = slice.last, chars.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

/// One file as a single layer records it.
public struct LayerFile: Sendable, Hashable {
    public var path: String
    public var kind: TarEntry.Kind
    public var size: Int64
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var linkTarget: String?
    public var contentKind: ContentKind

    public init(_ entry: TarEntry, contentKind: ContentKind = .unknown) {
        path = entry.path
        kind = entry.kind
        size = entry.size
        mode = entry.mode
        uid = entry.uid
        gid = entry.gid
        linkTarget = entry.linkTarget
        self.contentKind = contentKind
    }

    public var isSetUID: Bool { mode & 0o4000 != 0 }
    public var isSetGID: Bool { mode & 0o2000 != 0 }
    public var isExecutable: Bool { mode & 0o111 != 0 }
}

/// Something odd or hostile found while reading a layer; reported, never fatal.
public struct LayerAnomaly: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case pathEscapesRoot = "path-escapes-root"
        case absolutePath = "absolute-path"
        case symlinkEscapesRoot = "symlink-escapes-root"
        case hardLinkEscapesRoot = "hard-link-escapes-root"
        case hardLinkTargetMissing = "hard-link-target-missing"
        case duplicateEntry = "duplicate-entry"
        case whiteoutOfRoot = "whiteout-of-root"
    }
    public var kind: Kind
    public var path: String
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }
}

/// The whole of one layer: its files, its whiteouts and opaque markers, and anomalies. No file content.
public struct LayerIndex: Sendable {
    public internal(set) var files: [LayerFile] = []
    /// Paths this layer deletes from the layers below (`.wh.NAME`).
    public internal(set) var whiteouts: [String] = []
    /// Directories whose lower contents this layer hides (`.wh..wh..opq`).
    public internal(set) var opaqueDirectories: [String] = []
    public internal(set) var anomalies: [LayerAnomaly] = []
    /// Sum of regular file sizes (bytes the layer adds to disk when unpacked).
    public internal(set) var contentBytes: Int64 = 0
    /// Size of the uncompressed tar stream.
    public internal(set) var tarBytes: Int64 = 0

    public init() {}

    /// Builds an index directly (test support and synthetic layers).
    public init(files: [LayerFile], whiteouts: [String] = [], opaqueDirectories: [String] = []) {
        self.files = files
        self.whiteouts = whiteouts
        self.opaqueDirectories = opaqueDirectories
        self.contentBytes = files.filter { $0.kind == .regular }.reduce(0) { $0 + $1.size }
    }
}
