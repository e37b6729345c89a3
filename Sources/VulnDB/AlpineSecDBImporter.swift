import Foundation

/// Imports Alpine's security database (`https://secdb.alpinelinux.org/v3.X/{main,community}.json`):
/// `{"distroversion": "v3.10", "reponame": "main", "packages": [{"pkg": {"name": …, "secfixes": {version: [ids]}}}]}`.
///
/// Following trivy-db (`pkg/vulnsrc/alpine`): every secfixes entry becomes a *fixed* advisory for the **origin**
/// package name in ecosystem `alpine:<branch>`; each id string is split on whitespace (`CVE-2017-2616 (+ regression
/// fix)`), `CVE_` is read as `CVE-`, and only `CVE-YYYY-NNNN…` ids are kept (`XSA-207`, `CVE-????-?????` are dropped
/// and counted in `ImportReport.droppedIDs`). One advisory per CVE, with one affected entry per package.
///
/// The version `0` is Alpine's "never affected" marker: trivy stores it as fixed version `0`, which no installed
/// version is below, so it never matches. Here it is stored as status `not_affected` with fixed version `0` (and no
/// range), which gives the same result and says so. If a CVE is listed under `0` and under a real version for the
/// same package, the real version wins (the conservative reading).
///
/// Several fixed versions for one CVE and package (backports, e.g. `2.6-r7` and `2.7-r0`) are all kept, in one
/// `ECOSYSTEM` range `introduced 0, fixed a, fixed b…`: the package is vulnerable below the smallest of them.
public struct AlpineSecDBImporter: Sendable {
    public var options: ImportOptions

    public init(options: ImportOptions = ImportOptions()) {
        self.options = options
    }

    /// The default source name for a secdb file: `alpine/<branch>/<repo>` (e.g. `alpine/v3.10/main`).
    public static func sourceName(branch: String, repository: String) -> String {
        "alpine/\(Ecosystem.alpineBranch(branch))/\(repository)"
    }

    /// Imports one secdb JSON file. `branch` overrides the file's `distroversion`; `source` defaults to
    /// `alpine/<branch>/<reponame>`. Replaces the source's previous data (`ImportOptions.replaceSource`).
    public func importFile(_ path: String, source: String? = nil, branch: String? = nil, into database: VulnDatabase,
                           now: Date = Date()) throws -> ImportReport {
        let data = try DocumentReader(options: options).readFile(path)
        return try importData(data, file: path, source: source, branch: branch, into: database, now: now)
    }

    public func importData(_ data: Data, file: String, source: String? = nil, branch: String? = nil,
                           into database: VulnDatabase, now: Date = Date()) throws -> ImportReport {
        let started = Date()
        let (advisories, partial) = try parse(data, file: file, source: source, branch: branch)
        var report = partial
        try database.transaction {
            if options.replaceSource { try database.deleteSource(report.source) }
            for advisory in advisories { try database.insert(advisory) }
            let counts = try database.refreshCounts(source: report.source)
            report.advisories = counts.advisories
            report.affected = counts.affected
            try database.recordSource(SourceRecord(name: report.source, kind: options.sourceKind, url: file,
                                                   advisoryCount: counts.advisories, affectedCount: counts.affected,
                                                   updatedAt: now, checkedAt: now))
        }
        report.duration = Date().timeIntervalSince(started)
        return report
    }

    /// Parses a secdb document into advisories (sorted by CVE) without storing them.
    public func parse(_ data: Data, file: String, source: String? = nil, branch: String? = nil) throws -> ([Advisory], ImportReport) {
        guard Int64(data.count) <= options.maxEntryBytes else {
            throw VulnDBError.tooLarge(file: file, entry: nil, limit: options.maxEntryBytes)
        }
        let document: SecDBDocument
        do { document = try JSONDecoder().decode(SecDBDocument.self, from: data) } catch {
            throw VulnDBError.invalidData(file: file, entry: nil, reason: describe(error))
        }
        guard let branchName = branch ?? document.distroversion, !branchName.isEmpty else {
            throw VulnDBError.invalidData(file: file, entry: nil, reason: "no distroversion; pass the branch (e.g. v3.18)")
        }
        let ecosystem = "alpine:" + Ecosystem.alpineBranch(branchName)
        let sourceName = source ?? Self.sourceName(branch: branchName, repository: document.reponame ?? "main")
        var report = ImportReport(source: sourceName)
        report.documents = 1

        // CVE → package → fixed versions (a dictionary keeps packages unique; order is fixed by sorting below).
        var fixes: [String: [String: Set<String>]] = [:]
        for (index, wrapper) in (document.packages ?? []).enumerated() {
            guard let package = wrapper.pkg, let name = package.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                try report.skip(ImportIssue(file: file, entry: "packages[\(index)]", reason: "package without a name"), options: options)
                continue
            }
            for (version, ids) in package.secfixes ?? [:] {
                let version = version.trimmingCharacters(in: .whitespaces)
                guard !version.isEmpty else { continue }
                for text in ids ?? [] {
                    for token in text.split(whereSeparator: \.isWhitespace) {
                        let id = token.replacingOccurrences(of: "CVE_", with: "CVE-")
                        guard Self.isCVE(id) else {
                            report.droppedIDs += 1
                            continue
                        }
                        fixes[id, default: [:]][name, default: []].insert(version)
                    }
                }
            }
        }
        var advisories: [Advisory] = []
        for id in fixes.keys.sorted() {
            var advisory = Advisory(source: sourceName, id: id,
                                    references: [Reference(type: "ADVISORY", url: "https://security.alpinelinux.org/vuln/\(id)")])
            for (name, versionSet) in (fixes[id] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let real = versionSet.filter { $0 != "0" }.sorted()
                if real.isEmpty {
                    advisory.affected.append(AffectedPackage(ecosystem: ecosystem, name: name, fixedVersions: ["0"],
                                                             status: .notAffected))
                } else {
                    let events = [RangeEvent(.introduced, "0")] + real.map { RangeEvent(.fixed, $0) }
                    advisory.affected.append(AffectedPackage(ecosystem: ecosystem, name: name,
                                                             ranges: [AffectedRange(type: "ECOSYSTEM", events: events)],
                                                             fixedVersions: real, status: .fixed))
                }
            }
            advisories.append(advisory)
        }
        return (advisories, report)
    }

    /// `CVE-` + four digits + `-` + at least four digits.
    static func isCVE(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, parts[2].count >= 4 else { return false }
        return parts[1].allSatisfy { $0.isASCII && $0.isNumber } && parts[2].allSatisfy { $0.isASCII && $0.isNumber }
    }
}

struct SecDBDocument: Decodable {
    var distroversion: String?
    var reponame: String?
    var packages: [SecDBPackageWrapper]?
}

struct SecDBPackageWrapper: Decodable {
    var pkg: SecDBPackage?
}

struct SecDBPackage: Decodable {
    var name: String?
    var secfixes: [String: [String]?]?
}
