import Foundation
import ImageAnalysis
import Inventory
import ImageSigning
public import ImagePolicy
import OCIImage
public import Prometheus
public import OCIModel
public import Registry
import Scanner
import SigstoreKeys
import VulnDB
import VulnMatch

/// Facts about images for policy decisions, from the registry (digests), the cosign verifier (signatures) and the
/// scanner (vulnerabilities, footprint), cached so that a warm decision costs no I/O: digests for a short time (tags
/// move), signature results by repository, digest and requirement, scan results by digest and database version.
/// Every fact is bounded by the deadline; what is still running then keeps running and lands in the cache.
public final class RegistryImageFacts: ImageFacts {
    public struct Settings: Sendable {
        /// How long a fact may take before the decision goes on without it (the webhook timeout minus a margin).
        public var deadline: Duration = .seconds(4)
        public var digestLifetime: Duration = .seconds(30)
        public var signatureLifetime: Duration = .seconds(300)
        public var scanLifetime: Duration = .seconds(86_400)
        /// The vulnerability database; nil when none is installed (a vulnerabilities rule then cannot pass).
        public var databasePath: String?
        public var platform: Platform?
        /// The SQLite file facts persist in across restarts; nil keeps them in memory only.
        public var storePath: String?

        public init() {}
    }

    let client: RegistryClient
    let settings: Settings
    let digests: FactCache<TagKey, Digest>
    let signatureResults: FactCache<SignatureKey, SignatureFact>
    let scans: FactCache<ScanKey, ImageScanFacts>
    /// Each signature requirement's keys parsed, and its cache-key part written, once: the warm path must not parse
    /// PEM or sort key hints for every decision. By requirement index (one policy per server).
    let requirements = BoundedCache<Int, ParsedRequirement>(capacity: 1024)
    let databaseVersion: DatabaseVersion

    struct ParsedRequirement: Sendable {
        var keys: [VerificationKey]
        /// The key hints and required annotations, sorted: what makes two requirements' results interchangeable.
        var cacheKey: String
    }

    /// A tag's digest is cached per normalised reference (`nginx` and `docker.io/library/nginx:latest` are one).
    struct TagKey: FactKey {
        var domain: String
        var path: [String]
        var tag: String
        var storeKey: String { domain + "/" + path.joined(separator: "/") + ":" + tag }
    }

    struct SignatureKey: FactKey {
        var domain: String
        var path: [String]
        var digest: Digest
        var requirement: String
        var storeKey: String { domain + "/" + path.joined(separator: "/") + "|" + digest.description + "|" + requirement }
    }

    struct ScanKey: FactKey {
        var digest: Digest
        var databaseVersion: Double
        var storeKey: String { "\(digest)|\(databaseVersion)" }
    }

    /// `metrics` gets `moat_admission_fact_cache_total{fact,result}` (hit or miss) for the cache-hit ratio.
    public init(client: RegistryClient, settings: Settings = Settings(), metrics: PrometheusCollectorRegistry? = nil) throws {
        func counter(_ fact: String) -> (@Sendable (Bool) -> Void)? {
            guard let metrics else { return nil }
            let hit = metrics.makeCounter(name: "moat_admission_fact_cache_total", labels: [("fact", fact), ("result", "hit")])
            let miss = metrics.makeCounter(name: "moat_admission_fact_cache_total", labels: [("fact", fact), ("result", "miss")])
            return { found in (found ? hit : miss).increment() }
        }
        self.client = client
        self.settings = settings
        let store: FactStore?
        do {
            store = try settings.storePath.map(FactStore.init)
        } catch {
            throw FactError("cannot open the fact store \(settings.storePath ?? ""): \(error); check that the cache directory is writable")
        }
        self.digests = FactCache(lifetime: settings.digestLifetime, persistence: store.map { store in
            FactPersistence(store: store, kind: "digest", encode: { Array($0.description.utf8) },
                            decode: { try? Digest(parsing: String(decoding: $0, as: UTF8.self)) })
        }, onLookup: counter("digest"))
        self.signatureResults = FactCache(lifetime: settings.signatureLifetime, persistence: store.map { store in
            FactPersistence(store: store, kind: "signature", encode: { fact in
                (try? JSONSerialization.data(withJSONObject: ["verified": fact.verified, "detail": fact.detail])).map(Array.init)
            }, decode: { bytes in
                guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
                      let verified = object["verified"] as? Bool, let detail = object["detail"] as? String else { return nil }
                return SignatureFact(verified: verified, detail: detail)
            })
        }, onLookup: counter("signature"))
        self.scans = FactCache(lifetime: settings.scanLifetime, capacity: 1_000, persistence: store.map { store in
            FactPersistence(store: store, kind: "scan", encode: ImageScanFacts.encode, decode: ImageScanFacts.decode)
        }, onLookup: counter("scan"))
        self.databaseVersion = DatabaseVersion(path: settings.databasePath)
    }

    public func digest(of reference: ImageReference) async throws -> Digest {
        if let pinned = reference.digest { return try Digest(parsing: pinned) }
        let tag = reference.effectiveTag ?? "latest"
        let key = TagKey(domain: reference.domain, path: reference.pathComponents, tag: tag)
        if let known = digests.cached(key) { return known }
        let client = self.client
        let repository = Repository(registry: reference.domain, path: reference.path)
        return try await digests.value(for: key, within: settings.deadline, what: "resolving \(reference)") {
            try await client.resolve(repository, reference: tag).digest
        }
    }

    public func signatures(of reference: ImageReference, digest: Digest, requirement: SignatureRequirement) async throws -> SignatureFact {
        let parsed = try requirements.value(for: requirement.index) { try Self.parse(requirement) }
        let key = SignatureKey(domain: reference.domain, path: reference.pathComponents, digest: digest, requirement: parsed.cacheKey)
        if let known = signatureResults.cached(key) { return known }
        let keys = parsed.keys
        let annotations = requirement.annotations
        let repository = Repository(registry: reference.domain, path: reference.path)
        let client = self.client
        return try await signatureResults.value(for: key, within: settings.deadline,
                                                what: "verifying the signatures of \(reference.name)@\(digest)") {
            let image = SignedImage(store: RegistryArtifactStore(client: client, repository: repository),
                                    descriptor: Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: 0),
                                    identity: SignedImage.cosignIdentity(reference), reference: reference.description, namedByTag: false)
            let policy = VerificationPolicy(keys: keys, requiredAnnotations: annotations,
                                            referenceCheck: .repository(SignedImage.cosignIdentity(reference)))
            let report = try await SignatureVerifier(policy: policy).verify(image)
            if let verified = report.verified.first {
                return SignatureFact(verified: true, detail: "signed by \(verified.signer)")
            }
            if report.rejected.isEmpty { return SignatureFact(verified: false, detail: "no signatures found") }
            return SignatureFact(verified: false, detail: report.rejected.map(\.description).joined(separator: "; "))
        }
    }

    static func parse(_ requirement: SignatureRequirement) throws -> ParsedRequirement {
        let keys = try requirement.keys.map { key in
            do {
                return try VerificationKey(pem: key.pem)
            } catch {
                throw FactError("the policy key \(key.source) is not a usable public key: \(error)")
            }
        }
        let annotations = requirement.annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ParsedRequirement(keys: keys, cacheKey: (keys.map(\.hint).sorted() + annotations).joined(separator: "|"))
    }

    public func vulnerabilities(of reference: ImageReference, digest: Digest) async throws -> [VulnerabilityFact] {
        guard settings.databasePath != nil else {
            throw FactError("no vulnerability database is installed; run `moat db update` (or `moat db import`) where moat serve runs")
        }
        return try await scan(reference, digest: digest).vulnerabilities
    }

    public func footprint(of reference: ImageReference, digest: Digest) async throws -> Set<FootprintCategory> {
        try await scan(reference, digest: digest).footprint
    }

    /// One pass over the image gives both the vulnerabilities and the footprint.
    func scan(_ reference: ImageReference, digest: Digest) async throws -> ImageScanFacts {
        let databasePath = settings.databasePath
        let version = databaseVersion.current()
        let client = self.client
        let platform = settings.platform
        let key = ScanKey(digest: digest, databaseVersion: version)
        if let known = scans.cached(key) { return known }
        let pinned = try ImageReference(parsing: "\(reference.name)@\(digest)")
        return try await scans.value(for: key, within: settings.deadline, what: "scanning \(reference.name)@\(digest)") {
            try await ImageScanFacts.scan(pinned, client: client, platform: platform, databasePath: databasePath)
        }
    }
}

/// What one scan of an image tells the policy.
struct ImageScanFacts: Sendable {
    var vulnerabilities: [VulnerabilityFact]
    var footprint: Set<FootprintCategory>

    static func scan(_ reference: ImageReference, client: RegistryClient, platform: Platform?, databasePath: String?) async throws -> ImageScanFacts {
        let image = try await RegistryImageSource(client: client).open(reference, platform: platform)
        let scanner = ImageScanner(footprint: FootprintAnalyzer(toolVersion: "moat"), scanners: [.vuln, .secret, .footprint])
        var result = try await scanner.read(image)
        if let databasePath {
            try ImageScanner.match(&result, database: try VulnDatabase.open(at: databasePath))
        }
        let vulnerabilities = result.vulnerabilities.map { found in
            VulnerabilityFact(id: found.vulnerabilityID, severity: found.severity.rawValue, fixedVersion: found.fixedVersion,
                              package: found.package.name)
        }
        return ImageScanFacts(vulnerabilities: vulnerabilities, footprint: Set(result.footprint.findings.compactMap(category)))
    }

    static func encode(_ facts: ImageScanFacts) -> [UInt8]? {
        let object: [String: Any] = [
            "vulnerabilities": facts.vulnerabilities.map { fact -> [String: String] in
                var entry = ["id": fact.id, "severity": fact.severity, "package": fact.package]
                entry["fixedVersion"] = fact.fixedVersion
                return entry
            },
            "footprint": facts.footprint.map(\.rawValue).sorted(),
        ]
        return (try? JSONSerialization.data(withJSONObject: object)).map(Array.init)
    }

    static func decode(_ bytes: [UInt8]) -> ImageScanFacts? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let vulnerabilities = object["vulnerabilities"] as? [[String: String]],
              let footprint = object["footprint"] as? [String] else { return nil }
        return ImageScanFacts(
            vulnerabilities: vulnerabilities.compactMap { entry in
                guard let id = entry["id"], let severity = entry["severity"], let package = entry["package"] else { return nil }
                return VulnerabilityFact(id: id, severity: severity, fixedVersion: entry["fixedVersion"], package: package)
            },
            footprint: Set(footprint.compactMap(FootprintCategory.init(rawValue:))))
    }

    /// The policy's footprint categories for the analyser's findings.
    static func category(_ finding: Finding) -> FootprintCategory? {
        switch finding.ruleID {
        case RuleCatalog.shell.id, RuleCatalog.multiCall.id: return .shell
        case RuleCatalog.osPackageManager.id, RuleCatalog.languagePackageManager.id: return .packageManager
        case RuleCatalog.networkTool.id, RuleCatalog.networkDiagnostic.id: return .networkTool
        case RuleCatalog.editor.id: return .editor
        case RuleCatalog.debugger.id: return .debugger
        case RuleCatalog.buildTool.id: return .buildTool
        default: return finding.category == .secret ? .secret : nil
        }
    }
}

/// A fact that cannot be gathered, with what to do.
public struct FactError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// When the vulnerability data last changed, looked up at most once a minute: scan results are keyed by it, so a
/// `moat db update` makes the next decisions rescan.
final class DatabaseVersion: @unchecked Sendable {
    private let path: String?
    private let lock = NSLock()
    private var value: Double = 0
    private var checked: ContinuousClock.Instant?

    init(path: String?) {
        self.path = path
    }

    func current() -> Double {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if let checked, now - checked < .seconds(60) { return value }
        checked = now
        value = path.flatMap { try? DatabaseStatus.load(path: $0).lastDataChange?.timeIntervalSince1970 } ?? 0
        return value
    }
}
