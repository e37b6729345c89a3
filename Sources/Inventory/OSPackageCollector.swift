import LayerFS

/// Captures, while a layer streams by, the OS package databases (dpkg, apk, rpm) and the files OS detection reads,
/// parsing each database as soon as it is complete so only package records are kept, never the bytes.
public struct OSPackageCollector: ContentVisitor {
    /// Packages per database path found in this layer.
    public private(set) var databases: [String: [Package]] = [:]
    /// OS detection files and `etc/apk/repositories`, whole.
    public private(set) var systemFiles: [String: [UInt8]] = [:]
    /// Databases that could not be read, with the reason (reported as warnings, never fatal).
    public private(set) var problems: [String: String] = [:]

    public init() {}

    static let rpmPaths: Set<String> = {
        var paths = Set<String>()
        for directory in ["var/lib/rpm", "usr/lib/sysimage/rpm"] {
            for name in ["Packages", "Packages.db", "rpmdb.sqlite"] { paths.insert(directory + "/" + name) }
        }
        paths.insert("usr/share/rpm/rpmdb.sqlite")
        return paths
    }()

    static let smallFiles: Set<String> = Set(OSDetector.files + ["etc/apk/repositories"])

    /// Largest database accepted: bigger ones are reported, not read (bounded memory).
    static let databaseLimit = 256 << 20

    enum Kind { case dpkg, dpkgStatusD, apk, rpm, system }

    static func kind(of path: String) -> Kind? {
        if path == "var/lib/dpkg/status" { return .dpkg }
        if path.hasPrefix("var/lib/dpkg/status.d/") { return path.hasSuffix(".md5sums") ? nil : .dpkgStatusD }
        if path == "lib/apk/db/installed" || path == "usr/lib/apk/db/installed" { return .apk }
        if rpmPaths.contains(path) { return .rpm }
        if smallFiles.contains(path) { return .system }
        return nil
    }

    public func captureLimit(for entry: TarEntry) -> Int {
        switch Self.kind(of: entry.path) {
        case .system: 256 << 10
        case .dpkgStatusD: 4 << 20
        case .dpkg, .apk, .rpm: Self.databaseLimit
        case nil: 0
        }
    }

    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {
        guard let kind = Self.kind(of: entry.path) else { return }
        if kind != .system, entry.size > Int64(Self.databaseLimit) {
            problems[entry.path] = "package database of \(entry.size) bytes exceeds the \(Self.databaseLimit)-byte limit; not read"
            return
        }
        do {
            switch kind {
            case .system: systemFiles[entry.path] = content
            case .dpkg, .dpkgStatusD: databases[entry.path] = try DpkgStatus.parse(content, path: entry.path)
            case .apk: databases[entry.path] = try ApkInstalled.parse(content, path: entry.path)
            case .rpm: databases[entry.path] = try RpmDatabase.packages(path: entry.path, bytes: content)
            }
        } catch {
            problems[entry.path] = "\(error)"
        }
    }
}

/// Everything the inventory needs from one layer: OS databases and language packages, gathered in the same pass.
public struct InventoryVisitor: ContentVisitor {
    public private(set) var os = OSPackageCollector()
    public private(set) var languages = LanguagePackageCollector()

    public init() {}

    public func captureLimit(for entry: TarEntry) -> Int {
        max(os.captureLimit(for: entry), languages.captureLimit(for: entry))
    }

    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {
        let osLimit = os.captureLimit(for: entry)
        if osLimit > 0 { os.visit(entry, content: content.count > osLimit ? Array(content.prefix(osLimit)) : content) }
        let languageLimit = languages.captureLimit(for: entry)
        if languageLimit > 0 {
            languages.visit(entry, content: content.count > languageLimit ? Array(content.prefix(languageLimit)) : content)
        }
    }

    public mutating func beginStream(_ entry: TarEntry) -> Bool { languages.beginStream(entry) }
    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) { languages.streamChunk(chunk) }
    public mutating func endStream(_ entry: TarEntry) { languages.endStream(entry) }
}
