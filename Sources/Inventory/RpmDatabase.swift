import MoatSQLite

/// Lists the packages of an rpm database, from its bytes, with the three backends rpm uses:
/// SQLite (`rpmdb.sqlite`, Fedora 33+, RHEL 9, CBL-Mariner), BerkeleyDB (`Packages`, RHEL ≤ 8, Amazon Linux ≤ 2) and
/// NDB (`Packages.db`, SUSE). Package fields follow trivy's rpm analyzer:
/// * `gpg-pubkey` entries (keys, not packages) and headers without a name or version are skipped;
/// * `epoch` is the EPOCH tag (nil when absent or 0); `sourceEpoch` is the binary's epoch (SOURCERPM has none);
/// * `sourceName`/`sourceVersion`/`sourceRelease` come from SOURCERPM (`name-version-release.src.rpm`), all nil when
///   it is absent or does not split;
/// * an empty ARCH becomes `None` (as trivy); LICENSE becomes the single license; VENDOR is kept as `vendor` and, as
///   trivy reports it, as `maintainer`; MODULARITYLABEL is kept.
///
/// Errors: a file that is none of the three formats, a damaged container (truncated, out-of-range offsets, loops)
/// or a header blob that does not parse gives an `RpmDatabaseError` naming what is wrong; nothing crashes and no
/// allocation exceeds a small multiple of the input's size.
public enum RpmDatabase {
    public enum Backend: String, Sendable, CaseIterable {
        case sqlite, berkeleyDB, ndb
    }

    /// The backend a database file uses, from its magic bytes; nil when none matches.
    public static func backend(of bytes: [UInt8]) -> Backend? {
        if bytes.starts(with: Array("SQLite format 3\u{0}".utf8)) { return .sqlite }
        if NDB.hasMagic(bytes) { return .ndb }
        if BerkeleyDB.hasMagic(bytes) { return .berkeleyDB }
        return nil
    }

    /// The backend rpm uses for a file name (`rpmdb.sqlite`, `Packages.db`, `Packages`).
    public static func backend(forPath path: String) -> Backend? {
        switch path.split(separator: "/").last {
        case "rpmdb.sqlite": .sqlite
        case "Packages.db": .ndb
        case "Packages": .berkeleyDB
        default: nil
        }
    }

    /// The packages of a database file of any backend, chosen by its magic bytes (the file name decides only when
    /// the bytes are not recognised, to give a precise error). An empty file has no packages.
    public static func packages(path: String, bytes: [UInt8]) throws(RpmDatabaseError) -> [Package] {
        if bytes.isEmpty { return [] }
        switch backend(of: bytes) ?? backend(forPath: path) {
        case .sqlite: return try packages(sqlite: bytes, path: path)
        case .berkeleyDB: return try packages(berkeleyDB: bytes, path: path)
        case .ndb: return try packages(ndb: bytes, path: path)
        case nil: throw .notRecognized("\(path): not an rpm database (no SQLite, BerkeleyDB or NDB magic)")
        }
    }

    /// Packages of an SQLite rpm database (table `Packages(hnum, blob)`), read in memory.
    public static func packages(sqlite bytes: [UInt8], path: String = "var/lib/rpm/rpmdb.sqlite") throws(RpmDatabaseError) -> [Package] {
        var packages: [Package] = []
        do {
            let database = try Database(bytes: bytes, name: path)
            // Only a real table: a view could compute endless rows.
            let kind = try database.prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'")
            guard try kind.step(), kind.string(0) == "table" else {
                throw RpmDatabaseError.notRecognized("\(path): no Packages table (not an rpm database)")
            }
            let statement = try database.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
            while try statement.step() {
                let hnum = statement.int64(0)
                if let package = try package(blob: statement.blob(1), path: path, record: "hnum \(hnum)") {
                    packages.append(package)
                }
            }
        } catch let error as SQLiteError {
            throw .corrupt("\(path): \(error.message)")
        } catch let error as RpmDatabaseError {
            throw error
        } catch {
            throw .corrupt("\(path): \(error)")
        }
        return packages
    }

    /// Packages of a BerkeleyDB hash rpm database (`Packages`).
    public static func packages(berkeleyDB bytes: [UInt8], path: String = "var/lib/rpm/Packages") throws(RpmDatabaseError) -> [Package] {
        var packages: [Package] = []
        let values: [[UInt8]]
        do { values = try BerkeleyDB.values(bytes) } catch { throw error.prefixed(path) }
        for (number, value) in values.enumerated() {
            if let package = try package(blob: value, path: path, record: "value \(number)") { packages.append(package) }
        }
        return packages
    }

    /// Packages of an NDB rpm database (`Packages.db`).
    public static func packages(ndb bytes: [UInt8], path: String = "usr/lib/sysimage/rpm/Packages.db") throws(RpmDatabaseError) -> [Package] {
        var packages: [Package] = []
        let blobs: [(index: UInt32, blob: [UInt8])]
        do { blobs = try NDB.blobs(bytes) } catch { throw error.prefixed(path) }
        for (index, blob) in blobs {
            if let package = try package(blob: blob, path: path, record: "package \(index)") { packages.append(package) }
        }
        return packages
    }

    static func package(blob: [UInt8], path: String, record: String) throws(RpmDatabaseError) -> Package? {
        do {
            return package(header: try RpmHeader(blob: blob), path: path)
        } catch {
            throw .badHeader("\(path): \(record): \(error.description)")
        }
    }

    /// The package a header describes, or nil for `gpg-pubkey` and headers without a name or version.
    public static func package(header: RpmHeader, path: String) -> Package? {
        func text(_ tag: Int32) -> String? {
            guard let value = header.string(tag), !value.isEmpty, value != "(none)" else { return nil }
            return value
        }
        guard let name = text(RpmTag.name), name != "gpg-pubkey", let version = text(RpmTag.version) else { return nil }
        let epoch = header.int32(RpmTag.epoch).map(Int.init).flatMap { $0 == 0 ? nil : $0 }
        var source: (name: String, version: String, release: String)?
        if let sourceRPM = text(RpmTag.sourceRPM) { source = splitSourceRPM(sourceRPM) }
        let vendor = text(RpmTag.vendor)
        return Package(
            type: .rpm, name: name, version: version, epoch: epoch, release: text(RpmTag.release),
            arch: text(RpmTag.arch) ?? "None",
            sourceName: source?.name, sourceVersion: source?.version, sourceRelease: source?.release,
            sourceEpoch: epoch,
            licenses: text(RpmTag.license).map { [$0] } ?? [], maintainer: vendor, vendor: vendor,
            modularityLabel: text(RpmTag.modularityLabel), filePath: path)
    }

    /// Splits a source rpm file name as trivy's `splitFileName` does:
    /// `foo-1.0-1.src.rpm` → (`foo`, `1.0`, `1`); nil when it lacks the `.arch` or either `-`.
    public static func splitSourceRPM(_ fileName: String) -> (name: String, version: String, release: String)? {
        var base = Substring(fileName)
        if base.hasSuffix(".rpm") { base = base.dropLast(4) }
        guard let archDot = base.lastIndex(of: ".") else { return nil }
        let beforeArch = base[..<archDot]
        guard let releaseDash = beforeArch.lastIndex(of: "-") else { return nil }
        let beforeRelease = beforeArch[..<releaseDash]
        guard let versionDash = beforeRelease.lastIndex(of: "-") else { return nil }
        return (String(beforeRelease[..<versionDash]),
                String(beforeRelease[beforeRelease.index(after: versionDash)...]),
                String(beforeArch[beforeArch.index(after: releaseDash)...]))
    }

    /// Trivy's purl for an rpm package once the OS is known:
    /// `pkg:rpm/<family>/<name>@<version>-<release>?arch=<arch>&distro=<family>-<versionID>[&epoch=<n>][&modularitylabel=<label>]`.
    /// `id` is trivy's OS family (`redhat`, `centos`, `rocky`, `alma`, `amazon`, `fedora`, `oracle`, `sles`,
    /// `opensuse-leap`, `photon`, `azurelinux`, `cbl-mariner`…); the os-release ID `rhel` is taken as `redhat`.
    public static func purl(for package: Package, distro id: String, versionID: String) -> String {
        var family = id.lowercased()
        if family == "rhel" { family = "redhat" }
        if family == "suse linux enterprise server" { family = "sles" }
        var qualifiers: [String: String] = ["distro": family + "-" + versionID]
        if let arch = package.arch, !arch.isEmpty { qualifiers["arch"] = arch }
        if let epoch = package.epoch, epoch != 0 { qualifiers["epoch"] = String(epoch) }
        if let label = package.modularityLabel, !label.isEmpty { qualifiers["modularitylabel"] = label }
        var version = package.version
        if let release = package.release, !release.isEmpty { version += "-" + release }
        return PURL.make(type: "rpm", namespace: family, name: package.name, version: version, qualifiers: qualifiers)
    }
}

public enum RpmDatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The bytes are not a database of the expected kind.
    case notRecognized(String)
    /// The file ends before what its own structures describe.
    case truncated(String)
    /// The container's structures are inconsistent (bad offsets, loops, bad magic numbers, SQLite errors).
    case corrupt(String)
    /// A package header blob does not parse.
    case badHeader(String)

    public var description: String {
        switch self {
        case .notRecognized(let text), .truncated(let text), .corrupt(let text), .badHeader(let text): text
        }
    }

    func prefixed(_ path: String) -> RpmDatabaseError {
        switch self {
        case .notRecognized(let text): .notRecognized("\(path): \(text)")
        case .truncated(let text): .truncated("\(path): \(text)")
        case .corrupt(let text): .corrupt("\(path): \(text)")
        case .badHeader(let text): .badHeader("\(path): \(text)")
        }
    }
}
