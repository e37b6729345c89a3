import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// The families findings belong to.
public enum RuleCategory: String, Codable, Sendable, CaseIterable {
    case forbiddenContent = "forbidden-content"
    case secret
    case configuration
    case waste
    case baseImage = "base-image"
    case anomaly
}

/// One rule: a stable id, what it checks, its default severity and where its documentation lives.
public struct RuleDefinition: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var category: RuleCategory
    public var help: String
}

/// Every rule moat's image analysis can report: the one source of truth for ids, titles and docs (docs/rules.md).
public enum RuleCatalog {
    public static let shell = rule("MOAT-F001", "Shell in image", .high, .forbiddenContent,
        "A shell lets an attacker who gets code execution run anything; application images need none.")
    public static let multiCall = rule("MOAT-F002", "Multi-call binary (busybox/toybox)", .high, .forbiddenContent,
        "One binary provides a shell, wget, nc, vi and hundreds more; removing the links does not remove the capability.")
    public static let osPackageManager = rule("MOAT-F003", "OS package manager in image", .high, .forbiddenContent,
        "apt, dpkg, apk, rpm, yum… let anyone install tools at run time; install at build time in a builder stage.")
    public static let languagePackageManager = rule("MOAT-F004", "Language package manager in image", .medium, .forbiddenContent,
        "pip, npm, gem, cargo… fetch and run code; they belong in the build stage.")
    public static let networkTool = rule("MOAT-F005", "Network tool in image", .high, .forbiddenContent,
        "curl, wget, nc, ssh… are the first tools of download-and-execute and reverse shells.")
    public static let networkDiagnostic = rule("MOAT-F006", "Network diagnostic tool in image", .low, .forbiddenContent,
        "ping, ip, dig… help reconnaissance; keep them in a debug image.")
    public static let editor = rule("MOAT-F007", "Text editor in image", .medium, .forbiddenContent,
        "Editors let a running container be changed by hand; containers should be immutable.")
    public static let debugger = rule("MOAT-F008", "Debugger or tracer in image", .high, .forbiddenContent,
        "gdb, strace… read process memory and secrets; use ephemeral debug containers instead.")
    public static let buildTool = rule("MOAT-F009", "Build tool in image", .medium, .forbiddenContent,
        "Compilers, make, git… show the build stage leaked into the production image; use a multi-stage build.")
    public static let privilegeTool = rule("MOAT-F010", "Privilege escalation tool in image", .high, .forbiddenContent,
        "sudo, su, doas… exist to gain privileges; an application container has no use for them.")
    public static let interpreter = rule("MOAT-F011", "General-purpose interpreter in image", .info, .forbiddenContent,
        "perl, python, awk… can act as a shell; expected only when the application runs on them.")

    public static let privateKey = rule("MOAT-S001", "Private key in image", .critical, .secret,
        "A private key baked into a layer ships to everyone who can pull the image, even if a later layer deletes it.")
    public static let token = rule("MOAT-S002", "Cloud or VCS token in file", .critical, .secret,
        "Access tokens in image files can be extracted by anyone who can pull the image.")
    public static let credentialFile = rule("MOAT-S003", "Credentials file in image", .high, .secret,
        "Tool credential files (.aws/credentials, .docker/config.json, .npmrc, .netrc…) must be mounted at run time, not baked in.")
    public static let configSecret = rule("MOAT-S004", "Secret in image configuration", .high, .secret,
        "Env, labels and build history are readable by anyone who can pull the image; pass secrets at run time.")

    public static let configPassword = rule("MOAT-S005", "Password in a configuration file", .high, .secret,
        "Passwords written into configuration files ship with the image; read them from a mounted Secret or the environment at run time.")

    public static let runsAsRoot = rule("MOAT-C001", "Image runs as root", .high, .configuration,
        "Set USER to a non-root user (e.g. 65532) so a compromise does not start as root.")
    public static let setID = rule("MOAT-C002", "setuid/setgid file", .medium, .configuration,
        "setuid/setgid binaries are privilege escalation paths; remove them or their special bits.")
    public static let worldWritable = rule("MOAT-C003", "World-writable path", .medium, .configuration,
        "World-writable files and directories without the sticky bit let any user tamper with them.")
    public static let addFromURL = rule("MOAT-C004", "ADD from a URL", .medium, .configuration,
        "ADD from a URL downloads unverified content at build time; use a checksum-verified download in a builder stage.")
    public static let volume = rule("MOAT-C005", "State declared in the image", .info, .configuration,
        "Data belongs in volumes mounted at run time; VOLUME in an image and baked-in state directories are state in the image.")
    public static let multipleServices = rule("MOAT-C006", "More than one service in the image", .medium, .configuration,
        "Exposed ports suggest several services (e.g. a web server and a database); run one application per image.")
    public static let leftovers = rule("MOAT-C007", "Build caches or temporary files left behind", .low, .configuration,
        "Package lists, caches and temp files add size and leak build information; clean them in the same layer.")
    public static let developmentFiles = rule("MOAT-C008", "Development files in a production image", .medium, .configuration,
        "Headers, compiler internals and VCS metadata belong to the build stage.")
    public static let sshExposed = rule("MOAT-C010", "SSH port exposed", .high, .configuration,
        "An SSH daemon beside the application breaks one-app-per-image and adds a remote login; use kubectl exec or ephemeral containers.")
    public static let sensitiveVolume = rule("MOAT-C009", "Sensitive directory declared as a volume", .high, .configuration,
        "A VOLUME on /dev, /proc or /sys invites mounting host internals.")

    public static let waste = rule("MOAT-W001", "Wasted space in layers", .low, .waste,
        "Bytes overwritten or deleted by a later layer still ship in the earlier layer; combine the steps or use a multi-stage build.")
    public static let fatBase = rule("MOAT-B001", "Base image is not minimal", .medium, .baseImage,
        "A full distribution base brings a shell, a package manager and hundreds of files the application never uses.")

    public static let anomaly = rule("MOAT-A001", "Suspicious layer entry", .high, .anomaly,
        "A layer entry that climbs out of the root, links outside it or repeats is either hostile or broken tooling.")

    public static let all: [RuleDefinition] = [
        shell, multiCall, osPackageManager, languagePackageManager, networkTool, networkDiagnostic, editor, debugger, buildTool,
        privilegeTool, interpreter, privateKey, token, credentialFile, configSecret, configPassword, runsAsRoot, setID, worldWritable, addFromURL,
        volume, multipleServices, leftovers, developmentFiles, sensitiveVolume, sshExposed, waste, fatBase, anomaly,
    ]

    public static func rule(id: String) -> RuleDefinition? { all.first { $0.id == id } }

    private static func rule(_ id: String, _ title: String, _ severity: Severity, _ category: RuleCategory, _ help: String) -> RuleDefinition {
        RuleDefinition(id: id, title: title, severity: severity, category: category, help: help)
    }
}
