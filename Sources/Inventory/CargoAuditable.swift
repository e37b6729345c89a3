/// Rust crates recorded by cargo-auditable: zlib-compressed JSON in an ELF section named `.dep-v0` (or
/// `.rust-deps-v0` from rust-audit 0.1), read as trivy's rustbinary analyzer reads it through go-rustaudit.
public enum CargoAuditable {
    /// One entry of the `packages` array.
    public struct Dependency: Sendable, Hashable {
        public var name: String
        public var version: String
        public var source: String
        /// `runtime` (the default) or `build`.
        public var kind: String
        /// Indices into the package list.
        public var dependencies: [Int]
        public var root: Bool

        public init(name: String, version: String, source: String = "", kind: String = "runtime", dependencies: [Int] = [], root: Bool = false) {
            self.name = name
            self.version = version
            self.source = source
            self.kind = kind
            self.dependencies = dependencies
            self.root = root
        }
    }

    /// Section names cargo-auditable and its predecessor use, in the order they are tried.
    public static let sectionNames = [".dep-v0", ".rust-deps-v0"]

    /// Largest JSON accepted after inflating (the compressed section is inflated no further).
    public static let defaultJSONLimit = 8 << 20

    /// The crates of an ELF executable held in memory. `.notAuditable` when it has no dependency section.
    public static func dependencies(inELF bytes: [UInt8], jsonLimit: Int = defaultJSONLimit) throws(CargoAuditableError) -> [Dependency] {
        let file: ELFFile
        do {
            file = try ELFFile(bytes)
        } catch {
            throw .elf(error)
        }
        guard let section = sectionNames.lazy.compactMap({ file.section(named: $0) }).first else { throw .notAuditable }
        let data: ArraySlice<UInt8>
        do {
            data = try file.data(of: section)
        } catch {
            throw .elf(error)
        }
        return try decode(data, jsonLimit: jsonLimit)
    }

    /// Inflates and reads a dependency section's content.
    public static func decode(_ compressed: some Collection<UInt8>, jsonLimit: Int = defaultJSONLimit) throws(CargoAuditableError) -> [Dependency] {
        let json: [UInt8]
        switch ZipInflater.inflateAll(compressed, format: .zlib, limit: jsonLimit) {
        case .success(let bytes): json = bytes
        case .failure(let error): throw .compression(error)
        }
        let document: LanguageJSON
        do {
            document = try LanguageJSON.parse(json)
        } catch {
            throw .json(error.description)
        }
        guard let items = document["packages"]?.array else { throw .json("no \"packages\" array") }
        var dependencies: [Dependency] = []
        dependencies.reserveCapacity(items.count)
        for item in items {
            guard case .object = item else { throw .json("a package is not an object") }
            func text(_ key: String) throws(CargoAuditableError) -> String? {
                switch item[key] {
                case .string(let value)?: return value
                case .null?, nil: return nil
                default: throw .json("\"\(key)\" is not a string")
                }
            }
            var indices: [Int] = []
            if let list = item["dependencies"]?.array {
                for entry in list {
                    guard let index = entry.integer, index >= 0 else { throw .json("a dependency index is not a non-negative integer") }
                    indices.append(index)
                }
            }
            dependencies.append(Dependency(name: try text("name") ?? "", version: try text("version") ?? "", source: try text("source") ?? "",
                                           kind: try text("kind") ?? "runtime", dependencies: indices, root: item["root"]?.bool ?? false))
        }
        return dependencies
    }

    /// The packages trivy reports: every runtime crate (build-only crates are left out), root included.
    public static func packages(_ dependencies: [Dependency], filePath: String) -> [Package] {
        dependencies.filter { $0.kind == "runtime" }.map { dependency in
            Package(type: .rustbinary, name: dependency.name, version: dependency.version,
                    purl: PURL.make(type: "cargo", name: dependency.name, version: dependency.version), filePath: filePath)
        }
    }
}

/// Why no crates were read from a binary.
public enum CargoAuditableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An executable without a cargo-auditable section.
    case notAuditable
    case elf(ELFError)
    case compression(ZipInflateError)
    case json(String)

    public var description: String {
        switch self {
        case .notAuditable: "no cargo-auditable dependency section"
        case .elf(let error): error.description
        case .compression(let error): "cargo-auditable section: " + error.description
        case .json(let reason): "cargo-auditable JSON: " + reason
        }
    }
}
