import Foundation
import ZIPFoundation

/// Bounds and policy shared by the importers.
public struct ImportOptions: Sendable, Hashable {
    /// When true the first invalid entry throws (naming file and entry); otherwise it is skipped and reported in
    /// `ImportReport.issues`. Limit violations (oversized files or zip members, too many entries) always throw.
    public var strict: Bool
    /// Largest single JSON document (file or zip member), uncompressed.
    public var maxEntryBytes: Int64
    /// Largest total uncompressed size read from one zip or directory.
    public var maxTotalBytes: Int64
    /// Most JSON documents read from one zip or directory.
    public var maxEntries: Int
    /// Issues kept in the report (all are counted in `skipped`).
    public var maxIssues: Int
    /// Delete the source's previous data first (in the same transaction).
    public var replaceSource: Bool
    /// OSV only: keep affected entries of this ecosystem family only (`Debian` keeps `Debian:11`, `Debian:12`).
    /// Used for OSV's per-ecosystem zips, whose records may also list other ecosystems.
    public var ecosystemFilter: String?
    /// The `kind` recorded in the `sources` table.
    public var sourceKind: String

    public init(strict: Bool = false, maxEntryBytes: Int64 = 64 << 20, maxTotalBytes: Int64 = 16 << 30,
                maxEntries: Int = 5_000_000, maxIssues: Int = 100, replaceSource: Bool = true,
                ecosystemFilter: String? = nil, sourceKind: String = "local") {
        self.strict = strict
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
        self.maxIssues = maxIssues
        self.replaceSource = replaceSource
        self.ecosystemFilter = ecosystemFilter
        self.sourceKind = sourceKind
    }
}

/// A skipped entry or value: the file, the entry inside it (zip member, JSON path) and the reason.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var entry: String?
    public var reason: String
    public var description: String { "\(file)\(entry.map { ": entry '\($0)'" } ?? ""): \(reason)" }
}

public struct ImportReport: Sendable {
    public var source: String
    /// JSON documents read (files or zip members).
    public var documents = 0
    /// Advisories stored (after duplicates replaced one another).
    public var advisories = 0
    /// Affected entries stored.
    public var affected = 0
    /// Documents or records skipped as invalid.
    public var skipped = 0
    /// OSV records skipped because they are withdrawn.
    public var withdrawn = 0
    /// Identifiers dropped (Alpine: non-CVE ids such as `XSA-207`, or malformed ones).
    public var droppedIDs = 0
    public var issues: [ImportIssue] = []
    public var duration: TimeInterval = 0

    public init(source: String) { self.source = source }
}

/// Reads JSON documents one at a time from a file, a directory (recursively, `*.json`) or a zip (`*.json` members),
/// enforcing `ImportOptions` bounds, and hands each to `body` with its file and entry names.
struct DocumentReader {
    var options: ImportOptions

    func forEachDocument(at path: String, _ body: (Data, String, String?) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VulnDBError.io(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            try readDirectory(path, body)
        } else if path.lowercased().hasSuffix(".zip") || isZip(path) {
            try readZip(path, body)
        } else {
            try body(try readFile(path), path, nil)
        }
    }

    private func isZip(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic == Data([0x50, 0x4B, 0x03, 0x04]) || magic == Data([0x50, 0x4B, 0x05, 0x06])
    }

    func readFile(_ path: String) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw VulnDBError.io(path: path, reason: "cannot stat: \(error.localizedDescription)")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        guard size <= options.maxEntryBytes else { throw VulnDBError.tooLarge(file: path, entry: nil, limit: options.maxEntryBytes) }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VulnDBError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    private func readDirectory(_ path: String, _ body: (Data, String, String?) throws -> Void) throws {
        let root = URL(fileURLWithPath: path)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw VulnDBError.io(path: path, reason: "cannot list directory")
        }
        var files: [String] = []
        for case let url as URL in enumerator where url.pathExtension.lowercased() == "json" {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url.path) }
        }
        files.sort()
        guard files.count <= options.maxEntries else {
            throw VulnDBError.invalidData(file: path, entry: nil, reason: "more than \(options.maxEntries) JSON files")
        }
        var total: Int64 = 0
        for file in files {
            let data = try readFile(file)
            total += Int64(data.count)
            guard total <= options.maxTotalBytes else { throw VulnDBError.tooLarge(file: path, entry: nil, limit: options.maxTotalBytes) }
            try body(data, file, nil)
        }
    }

    private func readZip(_ path: String, _ body: (Data, String, String?) throws -> Void) throws {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw VulnDBError.invalidData(file: path, entry: nil, reason: "not a readable zip archive (\(error))")
        }
        var count = 0
        var total: Int64 = 0
        let limit = options.maxEntryBytes
        for entry in archive where entry.type == .file && entry.path.lowercased().hasSuffix(".json") {
            let name = String(entry.path.prefix(300))
            count += 1
            guard count <= options.maxEntries else {
                throw VulnDBError.invalidData(file: path, entry: nil, reason: "more than \(options.maxEntries) JSON entries")
            }
            // The declared size is checked first; the real size is counted while inflating (a lying header cannot help).
            guard entry.uncompressedSize <= UInt64(limit) else { throw VulnDBError.tooLarge(file: path, entry: name, limit: limit) }
            var data = Data()
            data.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, bufferSize: 64 << 10, skipCRC32: false) { chunk in
                    guard Int64(data.count) + Int64(chunk.count) <= limit else {
                        throw VulnDBError.tooLarge(file: path, entry: name, limit: limit)
                    }
                    data.append(chunk)
                }
            } catch let error as VulnDBError {
                throw error
            } catch {
                throw VulnDBError.invalidData(file: path, entry: name, reason: "cannot extract (\(error))")
            }
            total += Int64(data.count)
            guard total <= options.maxTotalBytes else { throw VulnDBError.tooLarge(file: path, entry: nil, limit: options.maxTotalBytes) }
            try body(data, path, name)
        }
    }
}

/// Describes a DecodingError with its JSON path (`affected[0].ranges[1].events`).
func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return String(describing: error) }
    func pathText(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "top level" : text
    }
    switch error {
    case .typeMismatch(let type, let context):
        return "\(pathText(context.codingPath)): expected \(type) (\(context.debugDescription))"
    case .valueNotFound(let type, let context):
        return "\(pathText(context.codingPath)): missing \(type) value"
    case .keyNotFound(let key, let context):
        return "\(pathText(context.codingPath + [key])): required key missing"
    case .dataCorrupted(let context):
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        return "\(pathText(context.codingPath)): \(context.debugDescription)\(underlying)"
    @unknown default:
        return String(describing: error)
    }
}

extension ImportReport {
    /// Records a skipped document or value, or throws in strict mode.
    mutating func skip(_ issue: ImportIssue, options: ImportOptions) throws {
        if options.strict { throw VulnDBError.invalidData(file: issue.file, entry: issue.entry, reason: issue.reason) }
        skipped += 1
        if issues.count < options.maxIssues { issues.append(issue) }
    }
}
