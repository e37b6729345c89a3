import Foundation

/// One download the updater keeps in the database.
public struct UpdateSource: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An OSV zip (`all.zip`), a single OSV JSON record, or a JSON array of records.
        case osv
        /// An Alpine secdb JSON file.
        case alpineSecDB = "alpine-secdb"
    }

    /// Unique name, also the advisories' `source` (`osv/PyPI`, `alpine/v3.18/main`).
    public var name: String
    public var kind: Kind
    /// `https://…`, `http://…`, `file:///…` or an absolute path.
    public var url: String
    /// OSV: keep only affected entries of this ecosystem family (per-ecosystem zips also list other ecosystems).
    public var ecosystem: String?
    /// Alpine: the branch (`v3.18`) when the file has no `distroversion`.
    public var branch: String?
    /// Extra request headers, e.g. `Authorization` for a private mirror. Values are never logged or stored.
    public var headers: [String: String]?

    public init(name: String, kind: Kind, url: String, ecosystem: String? = nil, branch: String? = nil,
                headers: [String: String]? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.ecosystem = ecosystem
        self.branch = branch
        self.headers = headers
    }
}

/// The sources `moat db update` keeps, read from a JSON config file (YAML is not available) or built from defaults.
///
/// ```json
/// {
///   "osvBaseURL": "https://mirror.internal/osv",
///   "osvEcosystems": ["Debian", "Ubuntu", "PyPI", "npm", "Go", "Maven", "crates.io", "RubyGems"],
///   "alpineBaseURL": "https://mirror.internal/alpine-secdb",
///   "alpineBranches": ["v3.18", "v3.19"],
///   "alpineRepositories": ["main", "community"],
///   "extraSources": [{"name": "osv/internal", "kind": "osv", "url": "file:///srv/advisories/internal.zip"}],
///   "staleAfterDays": 7,
///   "maxDownloadBytes": 4294967296,
///   "timeoutSeconds": 300
/// }
/// ```
/// Every key is optional. `sources` (same shape as `extraSources`) replaces the generated list entirely.
/// OSV URLs are `<osvBaseURL>/<Ecosystem>/all.zip`, Alpine URLs `<alpineBaseURL>/<branch>/<repository>.json`,
/// so an air-gapped mirror only changes the two base URLs. Unknown keys are rejected (typos would silently
/// fall back to public URLs otherwise).
public struct UpdateConfiguration: Sendable, Hashable, Codable {
    public static let defaultOSVBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"
    public static let defaultAlpineBaseURL = "https://secdb.alpinelinux.org"
    /// Alpine comes from secdb (per branch), not from OSV, to avoid duplicate records.
    public static let defaultOSVEcosystems = ["Debian", "Ubuntu", "PyPI", "npm", "Go", "Maven", "crates.io", "RubyGems",
                                              "Packagist", "NuGet"]

    public var osvBaseURL: String
    public var osvEcosystems: [String]
    public var alpineBaseURL: String
    public var alpineBranches: [String]
    public var alpineRepositories: [String]
    public var sources: [UpdateSource]?
    public var extraSources: [UpdateSource]?
    public var staleAfterDays: Double?
    public var maxDownloadBytes: Int64?
    public var timeoutSeconds: Double?

    public init(osvBaseURL: String = defaultOSVBaseURL, osvEcosystems: [String] = defaultOSVEcosystems,
                alpineBaseURL: String = defaultAlpineBaseURL, alpineBranches: [String] = [],
                alpineRepositories: [String] = ["main", "community"], sources: [UpdateSource]? = nil,
                extraSources: [UpdateSource]? = nil, staleAfterDays: Double? = nil, maxDownloadBytes: Int64? = nil,
                timeoutSeconds: Double? = nil) {
        self.osvBaseURL = osvBaseURL
        self.osvEcosystems = osvEcosystems
        self.alpineBaseURL = alpineBaseURL
        self.alpineBranches = alpineBranches
        self.alpineRepositories = alpineRepositories
        self.sources = sources
        self.extraSources = extraSources
        self.staleAfterDays = staleAfterDays
        self.maxDownloadBytes = maxDownloadBytes
        self.timeoutSeconds = timeoutSeconds
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case osvBaseURL, osvEcosystems, alpineBaseURL, alpineBranches, alpineRepositories, sources, extraSources
        case staleAfterDays, maxDownloadBytes, timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: DynamicKey.self).allKeys.map(\.stringValue)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: [DynamicKey(unknown)], debugDescription:
                "unknown key '\(unknown)' (known: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            osvBaseURL: try container.decodeIfPresent(String.self, forKey: .osvBaseURL) ?? Self.defaultOSVBaseURL,
            osvEcosystems: try container.decodeIfPresent([String].self, forKey: .osvEcosystems) ?? Self.defaultOSVEcosystems,
            alpineBaseURL: try container.decodeIfPresent(String.self, forKey: .alpineBaseURL) ?? Self.defaultAlpineBaseURL,
            alpineBranches: try container.decodeIfPresent([String].self, forKey: .alpineBranches) ?? [],
            alpineRepositories: try container.decodeIfPresent([String].self, forKey: .alpineRepositories) ?? ["main", "community"],
            sources: try container.decodeIfPresent([UpdateSource].self, forKey: .sources),
            extraSources: try container.decodeIfPresent([UpdateSource].self, forKey: .extraSources),
            staleAfterDays: try container.decodeIfPresent(Double.self, forKey: .staleAfterDays),
            maxDownloadBytes: try container.decodeIfPresent(Int64.self, forKey: .maxDownloadBytes),
            timeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds))
    }

    /// Reads a JSON config file; errors name the file and the offending key.
    public static func load(from path: String) throws -> UpdateConfiguration {
        let data = try DocumentReader(options: ImportOptions(maxEntryBytes: 1 << 20)).readFile(path)
        do { return try JSONDecoder().decode(UpdateConfiguration.self, from: data) } catch {
            throw VulnDBError.invalidData(file: path, entry: nil, reason: describe(error))
        }
    }

    /// Adds Alpine branches (e.g. the one detected in an image) to the configured ones.
    public func adding(alpineBranches branches: [String]) -> UpdateConfiguration {
        var copy = self
        for branch in branches.map(Ecosystem.alpineBranch) where !copy.alpineBranches.map(Ecosystem.alpineBranch).contains(branch) {
            copy.alpineBranches.append(branch)
        }
        return copy
    }

    /// The sources to keep, in order, with unique names (a later duplicate name is an error).
    public func resolvedSources() throws -> [UpdateSource] {
        var list: [UpdateSource]
        if let sources {
            list = sources
        } else {
            list = osvEcosystems.map { ecosystem in
                UpdateSource(name: "osv/\(ecosystem)", kind: .osv,
                             url: Self.join(osvBaseURL, [ecosystem, "all.zip"]), ecosystem: ecosystem)
            }
            for branch in alpineBranches.map(Ecosystem.alpineBranch) {
                for repository in alpineRepositories {
                    list.append(UpdateSource(name: AlpineSecDBImporter.sourceName(branch: branch, repository: repository),
                                             kind: .alpineSecDB, url: Self.join(alpineBaseURL, [branch, repository + ".json"]),
                                             branch: branch))
                }
            }
        }
        list += extraSources ?? []
        var seen = Set<String>()
        for source in list {
            guard !source.name.isEmpty else { throw VulnDBError.invalidData(file: "configuration", entry: nil, reason: "a source has an empty name") }
            guard seen.insert(source.name).inserted else {
                throw VulnDBError.invalidData(file: "configuration", entry: source.name, reason: "duplicate source name")
            }
        }
        return list
    }

    static func join(_ base: String, _ components: [String]) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        for component in components {
            url += "/" + (component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? component)
        }
        return url
    }
}
