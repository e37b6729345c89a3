import Foundation

/// What `moat secret check` reports: the registries a credential file covers, the user for each (never a
/// password, token or `auth`), and whether each credential works against its registry.
///
/// Exit status (`exitCode`): 0 when every checked credential works or nothing was checked, 2 when a registry
/// rejected a credential, 3 when a registry could not be reached (and none rejected), 1 when a credential could
/// not even be read (a failing credential helper). Unreadable files are errors before any report exists (1 too).
public struct CredentialCheckReport: Sendable, Equatable {
    /// Whether credentials were tried against their registries.
    public enum ProbeMode: String, Sendable, Equatable, Codable {
        /// Each credential was tried with the probe.
        case probed
        /// `--no-probe`: listing only.
        case disabled
        /// No probe is available in this build; listing only.
        case unavailable
    }

    /// The outcome for one registry.
    public enum Status: Sendable, Equatable {
        case works
        case rejected(String)
        case unreachable(String)
        /// Not tried; the reason says why (`--no-probe`, a wildcard key, no credential in the entry).
        case notChecked(String)
        /// The credential could not be read (a credential helper failed).
        case error(String)

        var code: String {
            switch self {
            case .works: return "works"
            case .rejected: return "rejected"
            case .unreachable: return "unreachable"
            case .notChecked: return "not-checked"
            case .error: return "error"
            }
        }

        var reason: String? {
            switch self {
            case .works: return nil
            case .rejected(let reason), .unreachable(let reason), .notChecked(let reason), .error(let reason): return reason
            }
        }
    }

    /// One entry of the file: where it is, whom it authenticates, and what the probe said.
    public struct Item: Sendable, Equatable {
        /// `namespace/name` of the Secret, or the credential store (`auths`, `credHelpers: ecr-login`).
        public let source: String
        /// The key as written in the file.
        public let key: String
        /// The registry host probed (`docker.io`, `ghcr.io`); nil for keys that name no single host (globs).
        public let registry: String?
        /// The user name (`<token>` for identity tokens); nil when there is none.
        public let username: String?
        /// `basic`, `identityToken`, `registryToken`, or nil without a credential.
        public let credentialKind: String?
        /// The outcome for this entry.
        public let status: Status
    }

    /// The file the credentials were read from.
    public let file: String
    /// `pull secret` or `docker config`.
    public let fileKind: String
    /// Every entry, in file order.
    public let items: [Item]
    /// Whether the entries were tried against their registries.
    public let probeMode: ProbeMode

    /// The exit status `moat secret check` uses (see the type's documentation).
    public var exitCode: Int32 {
        if items.contains(where: { if case .error = $0.status { return true } else { return false } }) { return 1 }
        if items.contains(where: { if case .rejected = $0.status { return true } else { return false } }) { return 2 }
        if items.contains(where: { if case .unreachable = $0.status { return true } else { return false } }) { return 3 }
        return 0
    }

    // MARK: - Building

    /// Lists the credentials of `file` and, when `probe` is given, tries each against its registry.
    /// - Parameters:
    ///   - probe: The probe to use; nil lists only.
    ///   - mode: What to say about probing when `probe` is nil (`disabled` for `--no-probe`, `unavailable` otherwise).
    public static func build(for file: CredentialFile, probe: (any CredentialProbe)?, mode: ProbeMode) async -> CredentialCheckReport {
        let effectiveMode: ProbeMode = probe == nil ? (mode == .probed ? .unavailable : mode) : .probed
        let notChecked = effectiveMode == .disabled ? "--no-probe" : "no registry probe in this build"
        var items: [Item] = []
        for candidate in candidates(of: file) {
            var status: Status
            if let failure = candidate.failure {
                status = .error(failure)
            } else if let reason = candidate.skipReason {
                status = .notChecked(reason)
            } else if let probe, let registry = candidate.registry {
                switch await probe.probe(registry: registry, credential: candidate.credential) {
                case .works: status = .works
                case .rejected(let reason): status = .rejected(reason)
                case .unreachable(let reason): status = .unreachable(reason)
                }
            } else {
                status = .notChecked(notChecked)
            }
            items.append(Item(source: candidate.source, key: candidate.key, registry: candidate.registry,
                              username: candidate.credential?.username, credentialKind: candidate.credential?.kind, status: status))
        }
        let kind: String
        switch file {
        case .pullSecret: kind = "pull secret"
        case .dockerConfig: kind = "docker config"
        }
        return CredentialCheckReport(file: file.path, fileKind: kind, items: items, probeMode: effectiveMode)
    }

    private struct Candidate {
        var source: String
        var key: String
        var registry: String?
        var credential: RegistryCredential?
        var skipReason: String?
        var failure: String?
    }

    private static func candidates(of file: CredentialFile) -> [Candidate] {
        switch file {
        case .pullSecret(let pullSecret):
            let ignored = Set(pullSecret.ignoredKeys)
            return pullSecret.secrets.flatMap { secret in
                secret.entries.map { entry in
                    var candidate = Candidate(source: secret.displayName, key: entry.key, registry: nil, credential: entry.credential)
                    if ignored.contains(entry.key) {
                        candidate.skipReason = "the kubelet ignores this key (not a valid URL)"
                    } else if let indexKey = KubeletKeyring<Int>.indexKey(for: entry.key) {
                        let host = String(indexKey.prefix { $0 != "/" })
                        if host.contains("*") || host.contains("?") || host.contains("[") {
                            candidate.skipReason = "wildcard key: no single registry to try"
                        } else {
                            candidate.registry = RegistryHost.isDockerHub(host) ? RegistryHost.dockerHub : host
                        }
                    }
                    if candidate.skipReason == nil && entry.credential == nil { candidate.skipReason = "no credential in this entry" }
                    return candidate
                }
            }
        case .dockerConfig(let config):
            var candidates: [Candidate] = []
            var seen: Set<String> = []
            var keys: [(key: String, source: String)] = []
            for entry in config.auths { keys.append((entry.key, "auths")) }
            for entry in config.credentialHelpers { keys.append((entry.key, "credHelpers: \(entry.helper)")) }
            if let store = config.credentialsStore {
                do {
                    for listed in try config.helperRunner.list(helper: store) { keys.append((listed.serverURL, "credsStore: \(store)")) }
                } catch {
                    candidates.append(Candidate(source: "credsStore: \(store)", key: "*", registry: nil, credential: nil, failure: error.message))
                }
            }
            for (key, listedSource) in keys {
                let registry = RegistryHost.normalize(key)
                guard seen.insert(registry).inserted else { continue }
                var candidate = Candidate(source: listedSource, key: key, registry: registry, credential: nil)
                if let helper = config.helper(forRegistry: registry) {
                    candidate.source = config.credentialHelpers.contains { $0.registry == registry } ? "credHelpers: \(helper)" : "credsStore: \(helper)"
                }
                do {
                    candidate.credential = try config.credential(forRegistry: registry)
                    if candidate.credential == nil { candidate.skipReason = "no credential for this registry" }
                } catch let error as CredentialError {
                    candidate.failure = error.message
                } catch {
                    candidate.failure = "credential lookup failed"
                }
                candidates.append(candidate)
            }
            return candidates
        }
    }

    // MARK: - Output

    /// A table for people; every text from the file is escaped so it cannot forge lines or terminal sequences.
    public func text() -> String {
        var lines: [String] = []
        let registries = Set(items.compactMap(\.registry)).count
        lines.append("\(CredentialCheckReport.safe(file)): \(fileKind), \(items.count) \(items.count == 1 ? "entry" : "entries") for \(registries) \(registries == 1 ? "registry" : "registries")")
        let header = ["SOURCE", "KEY", "REGISTRY", "USER", "CHECK"]
        let rows = items.map { item in
            [CredentialCheckReport.safe(item.source), CredentialCheckReport.safe(item.key), item.registry.map(CredentialCheckReport.safe) ?? "-",
             item.username.map(CredentialCheckReport.safe) ?? (item.credentialKind == "registryToken" ? "(registry token)" : "-"),
             item.status.code + (item.status.reason.map { ": " + CredentialCheckReport.safe($0) } ?? "")]
        }
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }
            lines.append(line)
        }
        switch probeMode {
        case .probed: break
        case .disabled: lines.append("Credentials were not tried against the registries (--no-probe).")
        case .unavailable: lines.append("Credentials were not tried against the registries: this build of moat has no registry probe. Pass --no-probe to only list them.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as pretty-printed JSON with sorted keys (no secrets), ending in a newline.
    public func json() -> String {
        struct Output: Encodable {
            var file: String
            var kind: String
            var probe: String
            var exitCode: Int32
            var entries: [Entry]
        }
        struct Entry: Encodable {
            var source: String
            var key: String
            var registry: String?
            var username: String?
            var credential: String?
            var check: String
            var reason: String?
        }
        let output = Output(file: file, kind: fileKind, probe: probeMode.rawValue, exitCode: exitCode, entries: items.map {
            Entry(source: $0.source, key: $0.key, registry: $0.registry, username: $0.username, credential: $0.credentialKind,
                  check: $0.status.code, reason: $0.status.reason)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(output) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Control characters and terminal escapes shown as `\u{…}`.
    static func safe(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if scalar.value < 0x20 || scalar.value == 0x7F || category == .control || category == .format
                || category == .lineSeparator || category == .paragraphSeparator {
                output += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
