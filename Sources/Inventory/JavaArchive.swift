/// Finds Maven artifacts in Java archives (`*.jar`, `*.war`, `*.ear`, `*.par`) as their bytes stream by, the way
/// trivy's jar analyzer does without its Java database:
///
/// * every `pom.properties` (any directory, usually `META-INF/maven/GROUP/ARTIFACT/`) with groupId, artifactId and
///   version gives a package;
/// * when none of them describes the archive itself (its artifactId and version match the file name), the
///   `MANIFEST.MF` gives one (Implementation-/Specification-/Bundle- fields, as trivy picks them);
/// * when neither does, the file name (`name-1.2.3.jar`) gives the artifactId and version, without a groupId
///   (trivy would look the groupId up in its Java DB; moat has none, so such packages carry no group);
/// * nested `.jar`/`.war`/`.ear` members are walked as they inflate, to `limits.maxDepth` levels, and their packages
///   carry the virtual path `outer.jar/BOOT-INF/lib/inner.jar`.
///
/// Memory stays bounded: only metadata members are buffered (up to `limits.metadataLimit` each), nested archives are
/// streamed, and the total inflated bytes and entry count are capped (`limits.zip`), so zip bombs end with an issue.
public struct JavaArchiveScanner: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Levels of archives inside the top one that are opened (1: `outer.jar/inner.jar` but not deeper).
        public var maxDepth: Int
        /// Bytes of one MANIFEST.MF or pom.properties kept; the rest is ignored.
        public var metadataLimit: Int
        public var zip: ZipLimits

        public init(maxDepth: Int = 8, metadataLimit: Int = 1 << 20, zip: ZipLimits = ZipLimits()) {
            self.maxDepth = maxDepth
            self.metadataLimit = metadataLimit
            self.zip = zip
        }
    }

    private var root: JavaArchiveLevel
    private var budget: ZipBudget

    /// Starts a scan of the archive at `filePath` (the image path, used for package paths and name heuristics).
    public init(filePath: String, limits: Limits = Limits()) {
        root = JavaArchiveLevel(filePath: filePath, depth: 0, limits: limits)
        budget = ZipBudget(limits: limits.zip)
    }

    /// Whether a path names a Java archive trivy analyses (`.jar`, `.war`, `.ear`, `.par`, any case).
    public static func isArchivePath(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard utf8.count >= 5 else { return false }
        var iterator = utf8.reversed().makeIterator()
        guard let c3 = iterator.next(), let c2 = iterator.next(), let c1 = iterator.next(), iterator.next() == UInt8(ascii: ".") else {
            return false
        }
        let lower = (c1 | 0x20, c2 | 0x20, c3 | 0x20)
        switch lower {
        case (0x6a, 0x61, 0x72), (0x77, 0x61, 0x72), (0x65, 0x61, 0x72), (0x70, 0x61, 0x72): return true  // jar war ear par
        default: return false
        }
    }

    /// Feeds the next bytes of the archive.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        root.feed(chunk, budget: &budget)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Whether the walk has stopped reading (central directory reached, or an error); further input is ignored.
    public var isDone: Bool { root.reader.isDone }

    /// Ends the scan: packages found (duplicates removed as trivy does) and problems met, outermost first.
    public mutating func finish() -> JavaArchiveResult {
        let result = root.finish(budget: &budget)
        return JavaArchiveResult(packages: JavaArchiveLevel.removeDuplicates(result.packages), issues: result.issues)
    }

    /// Scans a whole archive held in memory.
    public static func scan(_ bytes: [UInt8], filePath: String, limits: Limits = Limits()) -> JavaArchiveResult {
        var scanner = JavaArchiveScanner(filePath: filePath, limits: limits)
        scanner.feed(bytes)
        return scanner.finish()
    }
}

/// What a Java archive scan found.
public struct JavaArchiveResult: Sendable, Hashable {
    public var packages: [Package]
    /// Problems met, each naming the (possibly nested) archive path: truncation, corruption, limits.
    public var issues: [String]
}

/// `groupId`, `artifactId` and `version` of a Maven artifact, as pom.properties, a manifest or a file name give them.
public struct MavenCoordinates: Sendable, Hashable {
    public var groupID: String
    public var artifactID: String
    public var version: String

    public init(groupID: String, artifactID: String, version: String) {
        self.groupID = groupID
        self.artifactID = artifactID
        self.version = version
    }

    /// trivy's rule: all three present.
    public var isValid: Bool { !groupID.isEmpty && !artifactID.isEmpty && !version.isEmpty }

    /// The package, named `group:artifact` (or the bare artifact when the group is unknown).
    public func package(filePath: String) -> Package {
        let name = groupID.isEmpty ? artifactID : groupID + ":" + artifactID
        return Package(type: .jar, name: name, version: version,
                       purl: PURL.make(type: "maven", namespace: groupID.isEmpty ? nil : groupID, name: artifactID, version: version),
                       filePath: filePath)
    }

    /// Reads a `pom.properties` file (`key=value` lines, trimmed).
    public static func pomProperties(_ bytes: some Collection<UInt8>) -> MavenCoordinates {
        var coordinates = MavenCoordinates(groupID: "", artifactID: "", version: "")
        for line in JavaArchiveLevel.lines(bytes) {
            let text = JavaArchiveLevel.trimmed(line)
            if let value = JavaArchiveLevel.value(of: "groupId=", in: text) { coordinates.groupID = value }
            else if let value = JavaArchiveLevel.value(of: "artifactId=", in: text) { coordinates.artifactID = value }
            else if let value = JavaArchiveLevel.value(of: "version=", in: text) { coordinates.version = value }
        }
        return coordinates
    }

    /// trivy's file-name heuristic: `artifact-1.2.3.jar` (also `-SNAPSHOT`); nil when the name does not fit.
    public static func fromFileName(_ path: String) -> MavenCoordinates? {
        let name = Array(ImagePathText.baseName(path).utf8)
        // ^([a-zA-Z0-9._-]*[^-*])-(\d\S*(?:-SNAPSHOT)?).jar$ : the last four bytes are any byte then "jar".
        guard name.count >= 7, name[name.count - 3] == UInt8(ascii: "j"), name[name.count - 2] == UInt8(ascii: "a"),
              name[name.count - 1] == UInt8(ascii: "r"), name[name.count - 4] != 0x0a
        else { return nil }
        let core = name[0..<(name.count - 4)]
        var dash = core.endIndex - 2
        while dash >= core.startIndex + 1 {
            defer { dash -= 1 }
            guard core[dash] == UInt8(ascii: "-"), isDigit(core[dash + 1]) else { continue }
            let artifact = core[core.startIndex..<dash]
            let version = core[(dash + 1)...]
            guard let last = artifact.last, last != UInt8(ascii: "-"), last != UInt8(ascii: "*"), last != 0x0a,
                  artifact.dropLast().allSatisfy(isArtifactByte), !version.contains(where: isSpace) else { continue }
            return MavenCoordinates(groupID: "", artifactID: String(decoding: artifact, as: UTF8.self),
                                    version: String(decoding: version, as: UTF8.self))
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) }
    private static func isArtifactByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

/// The fields of `META-INF/MANIFEST.MF` trivy reads, and how it turns them into coordinates.
public struct JavaManifest: Sendable, Hashable {
    public var implementationTitle = ""
    public var implementationVersion = ""
    public var implementationVendor = ""
    public var implementationVendorID = ""
    public var specificationTitle = ""
    public var specificationVersion = ""
    public var specificationVendor = ""
    public var bundleName = ""
    public var bundleVersion = ""
    public var bundleSymbolicName = ""

    public init() {}

    /// Parses a manifest line by line as trivy does: `Key: value` on one line (continuation lines are ignored),
    /// skipping values that are `%placeholders`.
    public init(_ bytes: some Collection<UInt8>) {
        for line in JavaArchiveLevel.lines(bytes) {
            let text = String(decoding: line, as: UTF8.self)
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 1, !fields[1].hasPrefix("%") else { continue }
            func take(_ key: String) -> String? { text.hasPrefix(key) ? String(text.dropFirst(key.count)) : nil }
            if let value = take("Implementation-Version:") { implementationVersion = value }
            else if let value = take("Implementation-Title:") { implementationTitle = value }
            else if let value = take("Implementation-Vendor-Id:") { implementationVendorID = value }
            else if let value = take("Implementation-Vendor:") { implementationVendor = value }
            else if let value = take("Specification-Version:") { specificationVersion = value }
            else if let value = take("Specification-Title:") { specificationTitle = value }
            else if let value = take("Specification-Vendor:") { specificationVendor = value }
            else if let value = take("Bundle-Version:") { bundleVersion = value }
            else if let value = take("Bundle-Name:") { bundleName = value }
            else if let value = take("Bundle-SymbolicName:") { bundleSymbolicName = value }
        }
    }

    /// The coordinates trivy derives, or nil when group, artifact or version is missing.
    public var coordinates: MavenCoordinates? {
        var group: String
        if !implementationVendorID.isEmpty {
            group = implementationVendorID
        } else if !bundleSymbolicName.isEmpty {
            // "com.fasterxml.jackson.core.jackson-databind" → "com.fasterxml.jackson.core"
            group = bundleSymbolicName
            if let dot = bundleSymbolicName.lastIndex(of: "."), dot > bundleSymbolicName.startIndex {
                group = String(bundleSymbolicName[..<dot])
            }
        } else if !implementationVendor.isEmpty {
            group = implementationVendor
        } else if !specificationVendor.isEmpty {
            group = specificationVendor
        } else {
            return nil
        }
        let artifact = [implementationTitle, specificationTitle, bundleName].first { !$0.isEmpty }
        let version = [implementationVersion, specificationVersion, bundleVersion].first { !$0.isEmpty }
        guard let artifact, let version else { return nil }
        group = JavaArchiveLevel.trimmed(group)
        let coordinates = MavenCoordinates(groupID: group, artifactID: JavaArchiveLevel.trimmed(artifact),
                                           version: JavaArchiveLevel.trimmed(version))
        return coordinates.isValid ? coordinates : nil
    }
}

/// One archive being walked: the top one or one nested in it.
struct JavaArchiveLevel: Sendable {
    var reader = ZipStreamReader()
    var state: JavaArchiveState

    init(filePath: String, depth: Int, limits: JavaArchiveScanner.Limits) {
        state = JavaArchiveState(filePath: filePath, depth: depth, limits: limits)
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, budget: inout ZipBudget) {
        reader.feed(chunk, to: &state, budget: &budget)
    }

    /// Ends the walk of this archive and assembles its packages as trivy orders its sources.
    mutating func finish(budget: inout ZipBudget) -> (packages: [Package], issues: [String]) {
        do {
            try reader.finish(to: &state, budget: &budget)
        } catch {
            state.issues.append(state.filePath + ": " + error.description)
        }
        var packages = state.packages
        if !state.foundOwnPOM {
            if let coordinates = state.manifest?.coordinates {
                packages.append(coordinates.package(filePath: state.filePath))
            } else if let guess = state.fileCoordinates {
                packages.append(guess.package(filePath: state.filePath))
            }
        }
        return (packages, state.issues)
    }

    /// trivy keeps one package per name and path for versions Maven considers equal (`2.17` and `2.17.0`).
    static func removeDuplicates(_ packages: [Package]) -> [Package] {
        var seen: Set<String> = []
        return packages.filter { package in
            seen.insert(package.name + "::" + package.filePath + "::" + mavenVersionKey(package.version)).inserted
        }
    }

    /// A version with trailing zero components removed and letters lower-cased (enough for Maven's equality).
    static func mavenVersionKey(_ version: String) -> String {
        var parts = version.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        while parts.count > 1, let last = parts.last, last.allSatisfy({ $0 == "0" }), !last.isEmpty { parts.removeLast() }
        return parts.joined(separator: ".")
    }

    static func lines(_ bytes: some Collection<UInt8>) -> [ArraySlice<UInt8>] {
        let array = Array(bytes)
        return array.split(separator: 0x0a, omittingEmptySubsequences: false).map { line in
            line.last == 0x0d ? line.dropLast() : line
        }
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        trimmed(String(decoding: bytes, as: UTF8.self))
    }

    static func value(of key: String, in line: String) -> String? {
        line.hasPrefix(key) ? String(line.dropFirst(key.count)) : nil
    }
}

/// The per-archive bookkeeping `JavaArchiveLevel` hands to its zip reader.
struct JavaArchiveState: ZipStreamDelegate, Sendable {
    enum Capture: Sendable { case manifest, pom }

    let filePath: String
    let depth: Int
    let limits: JavaArchiveScanner.Limits
    /// Coordinates the archive's own file name suggests.
    let fileCoordinates: MavenCoordinates?

    var packages: [Package] = []
    var manifest: JavaManifest?
    /// A pom.properties matched the archive's file name: the manifest and name are then not consulted.
    var foundOwnPOM = false
    var issues: [String] = []

    private var capture: Capture?
    private var captured: [UInt8] = []
    /// The nested archive being walked (0 or 1 element; an array gives the recursion its indirection).
    private var child: [JavaArchiveLevel] = []

    init(filePath: String, depth: Int, limits: JavaArchiveScanner.Limits) {
        self.filePath = filePath
        self.depth = depth
        self.limits = limits
        fileCoordinates = MavenCoordinates.fromFileName(filePath)
    }

    mutating func zipEntryBegins(_ header: ZipEntryHeader, budget: inout ZipBudget) -> ZipEntryAction {
        guard !header.isDirectory else { return .skip }
        let base = ImagePathText.baseName(header.name)
        if base == "pom.properties" || base == "MANIFEST.MF" {
            capture = base == "MANIFEST.MF" ? .manifest : .pom
            captured.removeAll(keepingCapacity: true)
            return .read
        }
        guard Self.isNestedArchive(base) else { return .skip }
        // Zip slip: a member that climbs out of its archive names nothing inside it.
        guard let inner = ImagePathText.join(filePath, header.name) else { return .skip }
        guard depth < limits.maxDepth else {
            issues.append(inner + ": nested archive depth limit (\(limits.maxDepth)) reached; not opened")
            return .skip
        }
        child = [JavaArchiveLevel(filePath: inner, depth: depth + 1, limits: limits)]
        return .read
    }

    mutating func zipEntryData(_ bytes: UnsafeRawBufferPointer, budget: inout ZipBudget) -> ZipEntryAction {
        if capture != nil {
            let room = limits.metadataLimit - captured.count
            captured.append(contentsOf: bytes.prefix(max(0, room)))
            return captured.count >= limits.metadataLimit ? .skip : .read
        }
        guard !child.isEmpty else { return .skip }
        child[0].feed(bytes, budget: &budget)
        return child[0].reader.isDone ? .skip : .read
    }

    mutating func zipEntryEnds(_ header: ZipEntryHeader, complete: Bool, budget: inout ZipBudget) {
        if let kind = capture {
            capture = nil
            switch kind {
            case .manifest:
                manifest = JavaManifest(captured)
            case .pom:
                let coordinates = MavenCoordinates.pomProperties(captured)
                if coordinates.isValid {
                    packages.append(coordinates.package(filePath: filePath))
                    if let own = fileCoordinates, own.artifactID == coordinates.artifactID, own.version == coordinates.version {
                        foundOwnPOM = true
                    }
                }
            }
            captured.removeAll(keepingCapacity: true)
            return
        }
        guard var nested = child.first else { return }
        child.removeAll()
        if !complete { issues.append(nested.state.filePath + ": archive data is corrupt or truncated") }
        let result = nested.finish(budget: &budget)
        packages.append(contentsOf: result.packages)
        issues.append(contentsOf: result.issues)
    }

    /// trivy opens nested members named `*.jar`, `*.war` or `*.ear` (exact case).
    static func isNestedArchive(_ name: String) -> Bool {
        name.hasSuffix(".jar") || name.hasSuffix(".war") || name.hasSuffix(".ear")
    }
}

/// Path helpers on `/`-separated text, for names inside images and archives.
enum ImagePathText {
    static func baseName(_ path: String) -> String {
        var utf8 = Substring(path).utf8
        while utf8.last == UInt8(ascii: "/") { utf8 = utf8.dropLast() }
        if let slash = utf8.lastIndex(of: UInt8(ascii: "/")) {
            return String(Substring(utf8[utf8.index(after: slash)...]))
        }
        return String(Substring(utf8))
    }

    /// `root` joined with a relative member name and cleaned lexically; nil when the name climbs out of `root`.
    static func join(_ root: String, _ member: String) -> String? {
        var parts: [Substring] = []
        for part in member.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if parts.isEmpty { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        guard !parts.isEmpty else { return nil }
        return root + "/" + parts.joined(separator: "/")
    }
}
