import OCIImage
import OCIModel
import Compression
public import LayerFS

/// What the analysers need from file content, gathered while each layer streams by: small system files
/// (os-release, passwd…), package-database summaries, and secrets. File bodies are dropped as soon as seen.
public struct ContentCollector: ContentVisitor {
    /// Small system files, whole, by path.
    public private(set) var systemFiles: [String: [UInt8]] = [:]
    /// Package names listed by package databases in this layer, by database path.
    public private(set) var packageDatabases: [String: [String]] = [:]
    public private(set) var secrets: [SecretHit] = []

    /// Largest file scanned for secrets; bigger text files are rarely hand-written configuration.
    public var secretScanLimit: Int

    public init(secretScanLimit: Int = 512 << 10) {
        self.secretScanLimit = secretScanLimit
    }

    static let systemFileNames: Set<String> = [
        "etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/alpine-release", "etc/lsb-release",
        "etc/redhat-release", "etc/passwd", "etc/group", "etc/shells",
    ]

    static let packageDatabaseNames: Set<String> = ["var/lib/dpkg/status", "lib/apk/db/installed", "usr/lib/apk/db/installed"]

    /// Directories whose files are documentation, locale data, package metadata or test fixtures, not configuration.
    static let skippedPrefixes: [String] = [
        "usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/", "usr/share/i18n/", "usr/share/zoneinfo/",
        "usr/share/mime/", "usr/share/icons/", "usr/share/fonts/", "usr/share/perl/", "usr/share/perl5/", "usr/lib/locale/",
        "usr/include/", "usr/src/", "var/lib/dpkg/", "var/lib/apt/lists/", "var/cache/", "usr/share/common-licenses/",
        "lib/modules/", "usr/share/vim/", "usr/share/X11/", "usr/share/terminfo/", "usr/share/ca-certificates/", "etc/ssl/certs/",
        "proc/", "sys/",
    ]

    /// Language toolchains' own source trees (Go's src, Python's standard library): distribution files full of
    /// example keys, never the application's configuration. Installed packages (`site-packages`) are still read.
    static func isToolchainSource(_ path: String) -> Bool {
        if path.hasPrefix("usr/local/go/src/") { return true }
        if path.hasPrefix("usr/lib/go-") || path.hasPrefix("usr/share/go-") {
            return path.utf8.containsBytes("/src/".utf8)
        }
        if path.hasPrefix("usr/lib/python3.") || path.hasPrefix("usr/local/lib/python3.") {
            return !path.utf8.containsBytes("-packages/".utf8)
        }
        return false
    }

    static let skippedSegments: [String] = ["/test/", "/tests/", "/testdata/", "/testing/", "/examples/", "/fixtures/"]

    static let binaryExtensions: Set<String> = [
        "so", "a", "o", "pyc", "pyo", "gz", "xz", "bz2", "zst", "zip", "jar", "war", "png", "jpg", "jpeg", "gif", "ico",
        "woff", "woff2", "ttf", "otf", "mo", "db", "sqlite", "wasm", "class", "deb", "rpm", "apk", "whl", "svg",
    ]

    static func isSecretCandidate(_ path: String) -> Bool {
        if skippedPrefixes.contains(where: path.hasPrefix) || isToolchainSource(path) { return false }
        let slashed = "/" + path
        if skippedSegments.contains(where: { slashed.utf8.containsBytes($0.utf8) }) { return false }
        let name = ImagePath.baseName(path)
        if let dot = name.lastIndex(of: "."), binaryExtensions.contains(String(name[name.index(after: dot)...]).lowercased()) {
            return false
        }
        if name.utf8.containsBytes(".so.".utf8) { return false }
        // Language test suites ship throwaway keys by design (Go's crypto/tls examples, Python's test certs).
        if name.hasSuffix("_test.go") || name.hasPrefix("test_") || name.hasSuffix("_test.py") { return false }
        return true
    }

    public func captureLimit(for entry: TarEntry) -> Int {
        let path = entry.path
        if Self.systemFileNames.contains(path) { return 256 << 10 }
        if Self.packageDatabaseNames.contains(path) { return 64 << 20 }
        if path.hasPrefix("var/lib/dpkg/status.d/") && !path.hasSuffix(".md5sums") { return 256 << 10 }
        if entry.size <= Int64(secretScanLimit), Self.isSecretCandidate(path) { return secretScanLimit }
        return 0
    }

    public mutating func visit(_ entry: TarEntry, content: [UInt8]) {
        let path = entry.path
        if Self.systemFileNames.contains(path) { systemFiles[path] = content }
        if Self.packageDatabaseNames.contains(path) || path.hasPrefix("var/lib/dpkg/status.d/") {
            packageDatabases[path] = PackageDatabase.packageNames(content)
            return
        }
        guard entry.size <= Int64(secretScanLimit), Self.isSecretCandidate(path) else { return }
        // Binaries (ELF, NUL bytes early on) are not configuration; skip them.
        if content.starts(with: [0x7f, 0x45, 0x4c, 0x46]) || content.prefix(8192).contains(0) { return }
        secrets.append(contentsOf: SecretScanner.scan(content, path: path))
        if SecretScanner.isConfigFile(path), !path.hasPrefix("usr/share/") { secrets.append(contentsOf: SecretScanner.scanAssignments(content, path: path)) }
    }
}

/// Reads just the package names from dpkg status files and apk's installed database.
enum PackageDatabase {
    static func packageNames(_ content: [UInt8]) -> [String] {
        var names: [String] = []
        var currentName: String?
        var installed = true
        func flush() {
            if let name = currentName, installed { names.append(name) }
            currentName = nil
            installed = true
        }
        for line in content.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if line.isEmpty { flush(); continue }
            if line.starts(with: Array("Package: ".utf8)) {
                currentName = String(decoding: line.dropFirst(9), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            } else if line.starts(with: Array("P:".utf8)) {
                currentName = String(decoding: line.dropFirst(2), as: UTF8.self)
            } else if line.starts(with: Array("Status: ".utf8)) {
                // dpkg keeps removed packages as "deinstall ok config-files" or "purge"; they are not installed.
                let status = String(decoding: line.dropFirst(8), as: UTF8.self)
                installed = status.hasSuffix(" installed")
            }
        }
        flush()
        return names
    }
}

import Foundation

extension Sequence where Element == UInt8 {
    /// Byte-wise substring search without Foundation's locale-aware String machinery (this runs once per file).
    func containsBytes<Needle: Collection>(_ needle: Needle) -> Bool where Needle.Element == UInt8 {
        let haystack = Array(self)
        let pattern = Array(needle)
        guard !pattern.isEmpty else { return true }
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if haystack[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
        }
        return false
    }
}
