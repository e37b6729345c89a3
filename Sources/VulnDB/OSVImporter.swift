import Foundation

/// Imports OSV records (schema 1.x, https://ossf.github.io/osv-schema/) from a `.json` file (one record, or an
/// array of records), a directory (recursively, every `*.json`), or a zip such as OSV's per-ecosystem `all.zip`
/// (members read one at a time, each bounded by `ImportOptions.maxEntryBytes`).
///
/// Everything is written in one transaction with prepared statements. Mapping:
/// * `affected[].package.ecosystem` → `Ecosystem.normalize` (`Debian:12` → `debian:12`, `Ubuntu:22.04:LTS` →
///   `ubuntu:22.04`); names → `PackageName.normalize`. Affected entries without a package (GIT-only) are dropped.
/// * `fixedVersions` = the `fixed` events of non-GIT ranges; status `fixed` when there is one, else `affected`.
/// * `severity[]`: `CVSS_V2`/`CVSS_V3` vectors are scored here, `CVSS_V4` kept with the advisory's score only;
///   any other type (`Ubuntu`) is a vendor rating. `database_specific.severity` (GHSA) is the advisory's own rating;
///   `affected[].ecosystem_specific`/`database_specific` `severity` or `urgency` (Debian) the per-package rating;
///   `database_specific.cwe_ids` become CWEs.
/// * Withdrawn records are skipped (counted in `ImportReport.withdrawn`).
public struct OSVImporter: Sendable {
    public var options: ImportOptions

    public init(options: ImportOptions = ImportOptions()) {
        self.options = options
    }

    /// Imports `path` (file, directory or zip) as `source`, replacing that source's previous data
    /// (`ImportOptions.replaceSource`), and records the source with its counts.
    public func importPath(_ path: String, source: String, into database: VulnDatabase, now: Date = Date()) throws -> ImportReport {
        let started = Date()
        var report = ImportReport(source: source)
        let decoder = JSONDecoder()
        try database.transaction {
            if options.replaceSource { try database.deleteSource(source) }
            try DocumentReader(options: options).forEachDocument(at: path) { data, file, entry in
                report.documents += 1
                let advisories: [Advisory]
                do {
                    advisories = try parse(data, source: source, decoder: decoder, report: &report, file: file, entry: entry)
                } catch let error as VulnDBError {
                    throw error
                } catch {
                    try report.skip(ImportIssue(file: file, entry: entry, reason: describe(error)), options: options)
                    return
                }
                for advisory in advisories { try database.insert(advisory) }
            }
            let counts = try database.refreshCounts(source: source)
            report.advisories = counts.advisories
            report.affected = counts.affected
            try database.recordSource(SourceRecord(name: source, kind: options.sourceKind, url: path,
                                                   advisoryCount: counts.advisories, affectedCount: counts.affected,
                                                   updatedAt: now, checkedAt: now))
        }
        report.duration = Date().timeIntervalSince(started)
        return report
    }

    /// Parses one JSON document (a record or an array of records) into advisories without storing them.
    public func parse(_ data: Data, source: String, file: String = "<memory>", entry: String? = nil) throws -> [Advisory] {
        var report = ImportReport(source: source)
        do {
            return try parse(data, source: source, decoder: JSONDecoder(), report: &report, file: file, entry: entry)
        } catch let error as VulnDBError {
            throw error
        } catch {
            throw VulnDBError.invalidData(file: file, entry: entry, reason: describe(error))
        }
    }

    func parse(_ data: Data, source: String, decoder: JSONDecoder, report: inout ImportReport,
               file: String, entry: String?) throws -> [Advisory] {
        let records: [OSVRecord]
        if data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "[") {
            records = try decoder.decode([OSVRecord].self, from: data)
        } else {
            records = [try decoder.decode(OSVRecord.self, from: data)]
        }
        var advisories: [Advisory] = []
        for record in records {
            let id = record.id.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !id.isEmpty, id.utf8.count <= 256 else {
                try report.skip(ImportIssue(file: file, entry: entry, reason: "record without a usable id"), options: options)
                continue
            }
            if record.withdrawn != nil {
                report.withdrawn += 1
                continue
            }
            advisories.append(advisory(from: record, id: id, source: source, report: &report, file: file, entry: entry))
        }
        return advisories
    }

    private func advisory(from record: OSVRecord, id: String, source: String, report: inout ImportReport,
                          file: String, entry: String?) -> Advisory {
        var advisory = Advisory(source: source, id: id)
        advisory.aliases = unique((record.aliases ?? []).filter { $0 != id })
        advisory.upstream = unique((record.upstream ?? []).filter { $0 != id })
        advisory.summary = record.summary
        advisory.details = record.details
        advisory.published = record.published
        advisory.modified = record.modified
        advisory.references = (record.references ?? []).compactMap { reference in
            guard let url = reference.url else { return nil }
            return Reference(type: reference.type ?? "WEB", url: url)
        }
        let vendor = Advisory.vendorName(forID: id)
        var notes: [String] = []
        apply(record.severity ?? [], to: &advisory, notes: &notes)
        for affected in record.affected ?? [] where advisory.cvssV3 == nil && advisory.cvssV2 == nil {
            apply(affected.severity ?? [], to: &advisory, notes: &notes)
        }
        if let specific = record.database_specific {
            if let text = specific.severity {
                advisory.vendorSeverities[vendor] = text
                if let severity = Severity(vendorText: text) {
                    advisory.severity = severity
                    advisory.severitySource = vendor
                }
            }
            advisory.cwes = specific.cweIDs
        }
        for issue in notes where report.issues.count < options.maxIssues {
            report.issues.append(ImportIssue(file: file, entry: entry ?? id, reason: issue))
        }
        for affected in record.affected ?? [] {
            guard let package = affected.package, let rawEcosystem = package.ecosystem, let rawName = package.name,
                  !rawName.isEmpty else { continue }
            if let filter = options.ecosystemFilter,
               Ecosystem.family(of: rawEcosystem).lowercased() != Ecosystem.family(of: filter).lowercased() { continue }
            let ecosystem = Ecosystem.normalize(rawEcosystem)
            let ranges = (affected.ranges ?? []).map { AffectedRange(type: $0.type, repo: $0.repo, events: $0.events) }
            var fixed: [String] = []
            for range in ranges where range.type.uppercased() != "GIT" {
                for event in range.events where event.kind == .fixed && !fixed.contains(event.version) { fixed.append(event.version) }
            }
            let severityText = affected.ecosystem_specific?.severityOrUrgency ?? affected.database_specific?.severityOrUrgency
            advisory.affected.append(AffectedPackage(
                ecosystem: ecosystem, name: PackageName.normalize(rawName, ecosystem: ecosystem), originalName: rawName,
                purl: package.purl, ranges: ranges, versions: affected.versions ?? [], fixedVersions: fixed,
                status: fixed.isEmpty ? .affected : .fixed,
                severity: severityText.flatMap(Severity.init(vendorText:)), severityText: severityText))
        }
        return advisory
    }

    private func apply(_ severities: [OSVSeverity], to advisory: inout Advisory, notes: inout [String]) {
        for entry in severities {
            guard let type = entry.type, let score = entry.score else { continue }
            switch type.uppercased() {
            case "CVSS_V2", "CVSS_V3", "CVSS_V4":
                do {
                    let vector = try CVSS.parse(score)
                    let value = CVSSScore(vector: vector.text, score: vector.baseScore)
                    switch vector.version {
                    case .v2: advisory.cvssV2 = value
                    case .v3_0: if advisory.cvssV3 == nil { advisory.cvssV3 = value }
                    case .v3_1: advisory.cvssV3 = value
                    case .v4_0: advisory.cvssV4 = value
                    }
                } catch {
                    notes.append("severity \(type): \(error.description)")
                }
            default:
                let vendor = type.lowercased()
                advisory.vendorSeverities[vendor] = score
                if advisory.severity == nil, let severity = Severity(vendorText: score) {
                    advisory.severity = severity
                    advisory.severitySource = vendor
                }
            }
        }
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

// MARK: - OSV wire format (only the fields used; unknown keys are ignored)

struct OSVRecord: Decodable {
    var id: String
    var modified: String?
    var published: String?
    var withdrawn: String?
    var aliases: [String]?
    var upstream: [String]?
    var summary: String?
    var details: String?
    var severity: [OSVSeverity]?
    var affected: [OSVAffected]?
    var references: [OSVReference]?
    var database_specific: OSVSpecific?
}

struct OSVSeverity: Decodable {
    var type: String?
    var score: String?
}

struct OSVReference: Decodable {
    var type: String?
    var url: String?
}

struct OSVPackage: Decodable {
    var ecosystem: String?
    var name: String?
    var purl: String?
}

struct OSVAffected: Decodable {
    var package: OSVPackage?
    var severity: [OSVSeverity]?
    var ranges: [OSVRange]?
    var versions: [String]?
    var ecosystem_specific: OSVSpecific?
    var database_specific: OSVSpecific?
}

struct OSVRange: Decodable {
    var type: String
    var repo: String?
    var events: [RangeEvent]
}

/// The parts of free-form `database_specific` / `ecosystem_specific` objects that are used. Lenient: a value of
/// an unexpected type (or a non-object) is ignored rather than failing the record, and nothing else is decoded.
struct OSVSpecific: Decodable {
    var severity: String?
    var urgency: String?
    var cweIDs: [String] = []

    var severityOrUrgency: String? { severity ?? urgency }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: DynamicKey.self) else { return }
        severity = try? container.decodeIfPresent(String.self, forKey: DynamicKey("severity"))
        urgency = try? container.decodeIfPresent(String.self, forKey: DynamicKey("urgency"))
        cweIDs = ((try? container.decodeIfPresent([String].self, forKey: DynamicKey("cwe_ids"))) ?? nil) ?? []
    }
}
