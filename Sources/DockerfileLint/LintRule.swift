import Foundation

// The rule table: stable ids, severities, titles, help text and hadolint equivalents.

/// Severity, ordered like hadolint: error > warning > info > style.
public enum LintSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case style, info, warning, error

    var rank: Int {
        switch self {
        case .style: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }

    public static func < (lhs: LintSeverity, rhs: LintSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// One lint rule.
public struct LintRule: Sendable, Equatable, Hashable {
    public var id: String
    public var severity: LintSeverity
    public var title: String
    /// The doc entry: why it matters and how to fix it.
    public var help: String
    /// The equivalent hadolint rule, so hadolint ignore lists can be mapped.
    public var hadolintID: String?

    public init(id: String, severity: LintSeverity, title: String, help: String, hadolintID: String? = nil) {
        self.id = id
        self.severity = severity
        self.title = title
        self.help = help
        self.hadolintID = hadolintID
    }
}

extension LintRule {
    // Base image
    public static let untaggedImage = LintRule(
        id: "MOAT-D001", severity: .warning, title: "Base image has no tag",
        help: "FROM without a tag or digest means `latest`, which changes under you. Pin a version tag, ideally plus a digest.",
        hadolintID: "DL3006")
    public static let latestTag = LintRule(
        id: "MOAT-D002", severity: .warning, title: "Base image uses the `latest` tag",
        help: "`latest` is a moving target; builds are not reproducible. Use an explicit version tag (and a digest).",
        hadolintID: "DL3007")
    public static let noDigest = LintRule(
        id: "MOAT-D003", severity: .info, title: "Base image is not pinned by digest",
        help: "A tag can be re-pointed. Add `@sha256:…` so the build uses exactly the image that was reviewed; let a bot update it.")
    public static let untrustedRegistry = LintRule(
        id: "MOAT-D004", severity: .error, title: "Image from a registry outside trustedRegistries",
        help: "FROM, `COPY --from=image` and `RUN --mount=from=image` must use a registry from `trustedRegistries` (only checked when the list is set).",
        hadolintID: "DL3026")
    public static let untrustedPublisher = LintRule(
        id: "MOAT-D005", severity: .info, title: "Base image is not from an official or trusted publisher",
        help: "Prefer Docker Official Images (docker.io/library/…), distroless, Chainguard, or publishers listed in `trustedPublishers`.")
    public static let nonMinimalBase = LintRule(
        id: "MOAT-D006", severity: .info, title: "A smaller variant of the final base image exists",
        help: "The final stage uses a full image where a slim, alpine or distroless variant of the same software exists; it ships fewer packages and CVEs.")

    // Final stage contents
    public static let packageManagerInFinal = LintRule(
        id: "MOAT-D010", severity: .warning, title: "Final stage keeps a package manager",
        help: "Installing packages in the final stage leaves apt/apk/dnf (and their databases) in the runtime image. Install in a build stage and copy the result, or use a distroless base.")
    public static let downloaderInFinal = LintRule(
        id: "MOAT-D011", severity: .warning, title: "Final stage keeps curl/wget",
        help: "Network downloaders in a runtime image make download-and-execute easy. Fetch files in a build stage, or remove the tool in the same RUN.")
    public static let editorInFinal = LintRule(
        id: "MOAT-D012", severity: .warning, title: "Final stage keeps a text editor",
        help: "Editors (vim, nano, …) are not needed at run time. Remove them from the final stage.")
    public static let buildToolsInFinal = LintRule(
        id: "MOAT-D013", severity: .warning, title: "Final stage keeps build tools",
        help: "Compilers, make, build-essential and -dev packages belong in a build stage; copy only the artifacts into the final stage.")
    public static let debugToolsInFinal = LintRule(
        id: "MOAT-D014", severity: .warning, title: "Final stage keeps debugging or network tools",
        help: "gdb, strace, tcpdump, netcat and similar tools help an attacker. Use an ephemeral debug container instead.")
    public static let buildOnlyShellInFinal = LintRule(
        id: "MOAT-D015", severity: .info, title: "Final stage installs a shell that only the build uses",
        help: "A shell installed for RUN steps but not used by CMD/ENTRYPOINT stays in the runtime image. Install it in a build stage.")
    public static let noMultiStage = LintRule(
        id: "MOAT-D016", severity: .warning, title: "Build tools without a multi-stage build",
        help: "The Dockerfile installs build tools or compiles in its only stage. Split into a build stage and a minimal final stage.")

    // Package hygiene
    public static let aptRecommends = LintRule(
        id: "MOAT-D020", severity: .info, title: "apt-get install without --no-install-recommends",
        help: "Recommended packages add size and attack surface. Use `apt-get install --no-install-recommends`.",
        hadolintID: "DL3015")
    public static let aptListsKept = LintRule(
        id: "MOAT-D021", severity: .info, title: "apt lists are not removed",
        help: "Run `rm -rf /var/lib/apt/lists/*` in the same RUN as `apt-get update`/`install` (or use a cache mount).",
        hadolintID: "DL3009")
    public static let apkCache = LintRule(
        id: "MOAT-D022", severity: .info, title: "apk add without --no-cache",
        help: "Use `apk add --no-cache` (or a cache mount on /var/cache/apk) so the index is not kept in the layer.",
        hadolintID: "DL3019")
    public static let pipCache = LintRule(
        id: "MOAT-D023", severity: .warning, title: "pip install without --no-cache-dir",
        help: "Use `pip install --no-cache-dir`, set PIP_NO_CACHE_DIR, or use a cache mount, so wheels are not kept in the layer.",
        hadolintID: "DL3042")
    public static let addLocalFile = LintRule(
        id: "MOAT-D024", severity: .error, title: "ADD used for a plain local file",
        help: "ADD has extra behaviour (URLs, archive extraction). Use COPY for files and directories.",
        hadolintID: "DL3020")
    public static let addRemoteURL = LintRule(
        id: "MOAT-D025", severity: .warning, title: "ADD downloads a URL without a checksum",
        help: "ADD <url> fetches unverified content at build time. Use `ADD --checksum=sha256:…`, or download and verify in a build stage and COPY the result.")
    public static let addArchive = LintRule(
        id: "MOAT-D026", severity: .style, title: "ADD extracts a local archive",
        help: "ADD silently unpacks tar archives. If you meant to copy the archive as is, use COPY; if you meant to unpack, say so in a comment.")

    // Secrets, users, services, state
    public static let secretName = LintRule(
        id: "MOAT-D030", severity: .warning, title: "Secret-like name in ENV, ARG or LABEL",
        help: "ENV and LABEL values and ARG values are stored in the image config and history. Use build secrets (`RUN --mount=type=secret`) or runtime injection.",
        hadolintID: "DL3064")
    public static let secretValue = LintRule(
        id: "MOAT-D031", severity: .error, title: "Credential-like value in ENV, ARG or LABEL",
        help: "The value has the shape of a real credential (cloud key, token, private key). Rotate it and remove it from the Dockerfile.")
    public static let noUser = LintRule(
        id: "MOAT-D032", severity: .warning, title: "Final stage has no USER",
        help: "Without USER the container runs as root. Add `USER <non-root uid>` to the final stage (or use a base that sets a non-root user).")
    public static let rootUser = LintRule(
        id: "MOAT-D033", severity: .warning, title: "Last USER is root",
        help: "The stage switches to root and never back. End the stage with a non-root USER.",
        hadolintID: "DL3002")
    public static let multipleServices = LintRule(
        id: "MOAT-D034", severity: .warning, title: "Several long-running services in one image",
        help: "A process supervisor, or a web server plus a database (or sshd), in one image breaks one-process-per-container. Split into separate images.")
    public static let stateVolume = LintRule(
        id: "MOAT-D035", severity: .info, title: "VOLUME declared in the image",
        help: "VOLUME bakes an anonymous volume for application state into the image; it cannot be removed by child images. Mount storage at run time instead.")

    // Further hadolint-equivalent checks
    public static let shellFormCommand = LintRule(
        id: "MOAT-D040", severity: .warning, title: "CMD/ENTRYPOINT in shell form",
        help: "Shell form needs /bin/sh in the image (absent in distroless) and breaks signal handling. Use JSON (exec) form.",
        hadolintID: "DL3025")
    public static let sudo = LintRule(
        id: "MOAT-D041", severity: .error, title: "sudo used in RUN",
        help: "RUN already runs as the current USER; sudo adds a setuid binary and unpredictable behaviour. Switch USER instead.",
        hadolintID: "DL3004")
    public static let duplicateStageName = LintRule(
        id: "MOAT-D042", severity: .error, title: "Duplicate stage name",
        help: "Two FROM … AS use the same name; COPY --from becomes ambiguous.",
        hadolintID: "DL3024")
    public static let curlAndWget = LintRule(
        id: "MOAT-D043", severity: .warning, title: "Both curl and wget are used",
        help: "Use one downloader so the image needs only one.",
        hadolintID: "DL4001")
    public static let aptMissingYes = LintRule(
        id: "MOAT-D044", severity: .warning, title: "apt-get install without -y",
        help: "Without -y the build stops at the prompt. Use `apt-get install -y`.",
        hadolintID: "DL3014")
    public static let pipeWithoutPipefail = LintRule(
        id: "MOAT-D045", severity: .warning, title: "Pipe in RUN without pipefail",
        help: "A failing command before `|` is ignored. Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN.",
        hadolintID: "DL4006")
    public static let aptInsteadOfAptGet = LintRule(
        id: "MOAT-D046", severity: .warning, title: "apt used instead of apt-get",
        help: "`apt` has no stable CLI for scripts. Use apt-get or apt-cache.",
        hadolintID: "DL3027")

    /// Every rule, in id order.
    public static let all: [LintRule] = [
        untaggedImage, latestTag, noDigest, untrustedRegistry, untrustedPublisher, nonMinimalBase,
        packageManagerInFinal, downloaderInFinal, editorInFinal, buildToolsInFinal, debugToolsInFinal, buildOnlyShellInFinal, noMultiStage,
        aptRecommends, aptListsKept, apkCache, pipCache, addLocalFile, addRemoteURL, addArchive,
        secretName, secretValue, noUser, rootUser, multipleServices, stateVolume,
        shellFormCommand, sudo, duplicateStageName, curlAndWget, aptMissingYes, pipeWithoutPipefail, aptInsteadOfAptGet,
    ]

    /// The rule with this moat id (case-insensitive).
    public static func rule(id: String) -> LintRule? {
        let upper = id.uppercased()
        return all.first { $0.id == upper }
    }

    /// moat ids for a moat id or a hadolint id (`DL3007` → `MOAT-D002`). Unknown ids give an empty set.
    public static func moatIDs(for id: String) -> Set<String> {
        let upper = id.trimmingCharacters(in: .whitespaces).uppercased()
        if let rule = rule(id: upper) { return [rule.id] }
        return Set(all.filter { $0.hadolintID == upper }.map(\.id))
    }

    /// The rule catalogue as Markdown (one doc entry per rule).
    public static func markdownCatalogue() -> String {
        var text = "# Dockerfile lint rules\n\n| Id | Severity | hadolint | Title |\n|---|---|---|---|\n"
        for rule in all {
            text += "| \(rule.id) | \(rule.severity.rawValue) | \(rule.hadolintID ?? "—") | \(rule.title) |\n"
        }
        for rule in all {
            text += "\n## \(rule.id): \(rule.title)\n\nSeverity: \(rule.severity.rawValue)"
            if let hadolint = rule.hadolintID { text += " · hadolint: \(hadolint)" }
            text += "\n\n\(rule.help)\n"
        }
        return text
    }
}
