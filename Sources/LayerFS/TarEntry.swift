/// One member of a tar stream, after pax and GNU extensions were applied and the name normalised.
public struct TarEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case regular, hardLink, symlink, characterDevice, blockDevice, directory, fifo
    }

    /// Normalised path: relative to the root, no `./`, no trailing `/`, `..` resolved lexically.
    public var path: String
    /// The name exactly as the archive spelled it (after pax/GNU long names), for messages.
    public var rawName: String
    public var kind: Kind
    public var size: Int64
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var linkTarget: String?
    public var modificationTime: Int64
    /// Byte offset of the member's header in the uncompressed layer.
    public var offset: Int64

    public init(path: String, rawName: String? = nil, kind: Kind, size: Int64 = 0, mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0,
                linkTarget: String? = nil, modificationTime: Int64 = 0, offset: Int64 = 0) {
        self.path = path
        self.rawName = rawName ?? path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.linkTarget = linkTarget
        self.modificationTime = modificationTime
        self.offset = offset
    }

    public var isExecutable: Bool { kind == .regular && mode & 0o111 != 0 }
    public var isSetUID: Bool { mode & 0o4000 != 0 }
    public var isSetGID: Bool { mode & 0o2000 != 0 }
    public var isWorldWritable: Bool { mode & 0o002 != 0 }
    public var isSticky: Bool { mode & 0o1000 != 0 }
    public var baseName: String { ImagePath.baseName(path) }
}
