public import LayerFS

/// Finds language packages in one layer as it streams by (trivy's "installed package" analyzers for images):
/// Python metadata, `package.json`, Python eggs, Java archives, Go and Rust executables.
///
/// What it asks of the layer walk, per regular file:
/// * **captured** (`captureLimit`): `package.json` (whole, up to `Limits.packageJSONLimit`; larger ones are
///   skipped) and Python `METADATA` / `PKG-INFO` (the first `Limits.metadataLimit` bytes: the header block that holds
///   name, version and licenses comes first);
/// * **streamed** (`beginStream`): Java archives and eggs, walked as zip streams without being held; and every
///   executable, fed to a `GoBuildInfoScanner`, which keeps only the build information.
///
/// Rust's cargo-auditable data lives in an ELF section that can only be located through the section header table
/// at the end of the file, after the section's bytes have gone by. So an executable is also buffered whole, but
/// only when its tar size is at most `Limits.rustCaptureLimit` (32 MiB by default) and its first bytes are the ELF
/// magic; the buffer is dropped as soon as the file turns out to be a Go binary or not ELF, and at the end of the
/// file. One file streams at a time, so the collector's memory stays below that limit plus the Go build
/// information (`GoBuildInfoScanner.Limits`) and the Java walk's metadata buffers; Rust binaries above the limit
/// are not inspected. Files it wants nothing from cost a few byte comparisons on the path.
///
/// Packages carry their image path (`filePath`, no leading slash; `outer.jar/inner.jar` for nested archives);
/// `layer` is left for the caller.
public struct LanguagePackageCollector: ContentVisitor {
    public struct Limits: Sendable, Hashable {
        public var metadataLimit: Int
        public var packageJSONLimit: Int
        public var rustCaptureLimit: Int
        public var java: JavaArchiveScanner.Limits
        public var go: GoBuildInfoScanner.Limits

        public init(metadataLimit: Int = 1 << 20, packageJSONLimit: Int = 4 << 20, rustCaptureLimit: Int = 32 << 20,
                    java: JavaArchiveScanner.Limits = .init(), go: GoBuildInfoScanner.Limits = .init()) {
            self.metadataLimit = metadataLimit
            self.packageJSONLimit = packageJSONLimit
            self.rustCaptureLimit = rustCaptureLimit
            self.java = java
            self.go = go
        }
    }

    /// Packages found in this layer, in the order their files streamed by.
    public private(set) var packages: [Package] = []
    /// Files that looked like package metadata but could not be read.
    public private(set) var issues: [LanguageScanIssue] = []
    public let limits: Limits

    // The file streaming now, if any. Each is a separate optional so chunks mutate it in place: an enum payload
    // would be copied out and back, and a 32 MiB ELF buffer copied per chunk.
    private var java: JavaArchiveScanner?
    private var egg: PythonEggScanner?
    private var go: GoBuildInfoScanner?
    /// The whole executable while it may still be a cargo-auditable ELF binary.
    private var elf: [UInt8]?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func captureLimit(for entry: TarEntry) -> Int {
        guard entry.kind == .regular else { return 0 }
        let path = entry.path
        if NodePackageJSON.isPackageJSON(path) { return entry.size <= Int64(limits.packageJSONLimit) ? limits.packageJSONLimit : 0 }
        if PythonMetadata.isMetadataPath(path) { return limits.metadataLimit }
        return 0
    }

    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {
        let path = entry.path
        if NodePackageJSON.isPackageJSON(path) {
            do {
                if let package = try NodePackageJSON.parse(content, filePath: path) { packages.append(package) }
            } catch {
                issues.append(LanguageScanIssue(path: path, type: .node, message: error.description))
            }
        } else if PythonMetadata.isMetadataPath(path) {
            do {
                packages.append(try PythonMetadata.parse(content, filePath: path))
            } catch {
                issues.append(LanguageScanIssue(path: path, type: .python, message: error.description))
            }
        }
    }

    public mutating func beginStream(_ entry: TarEntry) -> Bool {
        guard entry.kind == .regular, entry.size > 0 else { return false }
        let path = entry.path
        if JavaArchiveScanner.isArchivePath(path) {
            java = JavaArchiveScanner(filePath: path, limits: limits.java)
            return true
        }
        if PythonEggScanner.isEggPath(path) {
            egg = PythonEggScanner(filePath: path, metadataLimit: limits.metadataLimit)
            return true
        }
        guard entry.mode & 0o111 != 0 else { return false }
        go = GoBuildInfoScanner(limits: limits.go)
        if entry.size <= Int64(limits.rustCaptureLimit) {
            elf = []
            elf?.reserveCapacity(Int(entry.size))
        }
        return true
    }

    public mutating func streamChunk(_ chunk: UnsafeRawBufferPointer) {
        if java != nil {
            if java?.isDone == false { java?.feed(chunk) }
        } else if egg != nil {
            egg?.feed(chunk)
        } else {
            if go?.isDone == false { go?.feed(chunk) }
            if elf != nil { captureELF(chunk) }
        }
    }

    private mutating func captureELF(_ chunk: UnsafeRawBufferPointer) {
        elf?.append(contentsOf: chunk)
        guard let count = elf?.count else { return }
        if count >= 4, count - chunk.count < 4, elf?.starts(with: [0x7f, 0x45, 0x4c, 0x46]) == false {
            elf = nil  // not ELF: nothing to keep
        } else if count > limits.rustCaptureLimit {
            elf = nil  // the tar header lied about the size
        } else if go?.isDone == true, case .success = go?.finish() {
            elf = nil  // a Go binary carries no cargo-auditable record
        }
    }

    public mutating func endStream(_ entry: TarEntry) {
        let path = entry.path
        if var scanner = java {
            java = nil
            let result = scanner.finish()
            packages.append(contentsOf: result.packages)
            issues.append(contentsOf: result.issues.map { LanguageScanIssue(path: path, type: .jar, message: $0) })
            return
        }
        if var scanner = egg {
            egg = nil
            do {
                if let package = try scanner.finish() { packages.append(package) }
            } catch {
                issues.append(LanguageScanIssue(path: path, type: .python, message: error.description))
            }
            return
        }
        guard var scanner = go else { return }
        go = nil
        let captured = elf
        elf = nil
        switch scanner.finish() {
        case .success(let info):
            packages.append(contentsOf: info.packages(filePath: path))
            return
        case .failure(.notGoBinary), .failure(.unrecognizedFormat):
            break
        case .failure(let error):
            issues.append(LanguageScanIssue(path: path, type: .gobinary, message: error.description))
        }
        guard let captured, Int64(captured.count) == entry.size, ELFFile.isELF(captured) else { return }
        do {
            let dependencies = try CargoAuditable.dependencies(inELF: captured)
            packages.append(contentsOf: CargoAuditable.packages(dependencies, filePath: path))
        } catch {
            switch error {
            case .notAuditable, .elf: break  // an ordinary (or damaged) ELF file, not a Rust dependency record
            case .compression, .json:
                issues.append(LanguageScanIssue(path: path, type: .rustbinary, message: error.description))
            }
        }
    }
}

/// A file that looked like language package metadata but could not be read, or an archive cut short.
public struct LanguageScanIssue: Sendable, Hashable, CustomStringConvertible {
    /// The image path of the file (no leading slash).
    public var path: String
    public var type: PackageType
    public var message: String

    public init(path: String, type: PackageType, message: String) {
        self.path = path
        self.type = type
        self.message = message
    }

    public var description: String { "\(path) (\(type.rawValue)): \(message)" }
}
