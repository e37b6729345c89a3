import OCIModel
import Foundation

/// Runs the rule table over a parsed Dockerfile, then applies pragmas and the config's ignore list.
public struct DockerfileLinter: Sendable {
    public var config: LintConfig

    public init(config: LintConfig = LintConfig()) {
        self.config = config
    }

    /// Parses and lints text.
    public func lint(text: String, path: String) throws -> [LintFinding] {
        lint(try DockerfileParser.parse(text, path: path))
    }

    /// The stage treated as the final image: `config.target` when it names a stage, else the last stage.
    public func finalStageIndex(in dockerfile: Dockerfile) -> Int {
        if let target = config.target, let stage = dockerfile.stage(named: target) { return stage.index }
        return max(0, dockerfile.stages.count - 1)
    }

    /// All findings, sorted by line then rule id, after pragmas and `config.ignored`.
    public func lint(_ dockerfile: Dockerfile) -> [LintFinding] {
        var context = LintContext(dockerfile: dockerfile, config: config, finalIndex: finalStageIndex(in: dockerfile))
        context.run()
        let pragmas = Pragmas(dockerfile: dockerfile)
        return context.findings
            .filter { finding in
                !config.ignored.contains(finding.ruleID) && !pragmas.global.contains(finding.ruleID)
                    && !(pragmas.perLine[finding.line]?.contains(finding.ruleID) ?? false)
            }
            .sorted { ($0.line, $0.ruleID) < ($1.line, $1.ruleID) }
    }
}

/// `# moat ignore=ID[,ID]` / `# hadolint ignore=DL…` (next instruction) and `# moat global ignore=…` (whole file).
struct Pragmas {
    var global: Set<String> = []
    var perLine: [Int: Set<String>] = [:]

    init(dockerfile: Dockerfile) {
        let starts = dockerfile.instructions.map(\.startLine)
        for comment in dockerfile.comments {
            guard let (isGlobal, ids) = Self.parse(comment.text) else { continue }
            if isGlobal {
                global.formUnion(ids)
            } else if let next = starts.first(where: { $0 > comment.line }) {
                perLine[next, default: []].formUnion(ids)
            }
        }
    }

    /// Parses the text after `#`; nil when it is not a pragma.
    static func parse(_ text: String) -> (global: Bool, ids: Set<String>)? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let tool = words.first?.lowercased(), tool == "moat" || tool == "hadolint", words.count >= 2 else { return nil }
        var rest = words.dropFirst()
        var isGlobal = false
        if rest.first?.lowercased() == "global" {
            isGlobal = true
            rest = rest.dropFirst()
        }
        let joined = rest.joined(separator: " ")
        guard joined.lowercased().hasPrefix("ignore") else { return nil }
        let afterKey = joined.dropFirst("ignore".count).drop(while: { $0 == " " })
        guard afterKey.first == "=" else { return nil }
        let list = afterKey.dropFirst().drop(while: { $0 == " " }).prefix(while: { !$0.isWhitespace })
        var ids: Set<String> = []
        for id in list.split(separator: ",") { ids.formUnion(LintRule.moatIDs(for: String(id))) }
        return (isGlobal, ids)
    }
}

enum PackageAction { case install, remove, update, other }

struct PackageOperation {
    var manager: String
    var action: PackageAction
    var packages: [String]
    var command: ShellCommand
    var isOSManager: Bool
}

struct LintContext {
    let dockerfile: Dockerfile
    let config: LintConfig
    let finalIndex: Int
    var findings: [LintFinding] = []

    init(dockerfile: Dockerfile, config: LintConfig, finalIndex: Int) {
        self.dockerfile = dockerfile
        self.config = config
        self.finalIndex = finalIndex
    }

    mutating func report(_ rule: LintRule, line: Int, _ message: String) {
        findings.append(
            LintFinding(ruleID: rule.id, severity: rule.severity, path: dockerfile.path, line: line, message: message, hadolintID: rule.hadolintID))
    }

    /// The final stage and the stages it is built FROM (their layers are in the final image), root first.
    var finalChain: [Int] {
        var chain: [Int] = []
        var current: Int? = finalIndex
        while let index = current, dockerfile.stages.indices.contains(index), !chain.contains(index) {
            chain.insert(index, at: 0)
            current = dockerfile.stages[index].baseStageIndex
        }
        return chain
    }

    /// Stages whose content reaches another stage (COPY --from, RUN --mount=from, FROM alias) or the final image.
    var reusedStages: Set<Int> {
        var used = Set(finalChain)
        for stage in dockerfile.stages {
            if let base = stage.baseStageIndex { used.insert(base) }
            for instruction in stage.instructions {
                for reference in Self.stageReferences(instruction) {
                    if let referenced = dockerfile.stage(named: reference) { used.insert(referenced.index) }
                }
            }
        }
        return used
    }

    static func stageReferences(_ instruction: Instruction) -> [String] {
        var references: [String] = []
        if instruction.keyword == "COPY" || instruction.keyword == "ADD", let from = instruction.flag("from"), !from.isEmpty {
            references.append(from)
        }
        if instruction.keyword == "RUN" {
            for mount in instruction.flagValues("mount") {
                if let from = mountOptions(mount)["from"] { references.append(from) }
            }
        }
        return references
    }

    static func mountOptions(_ mount: String) -> [String: String] {
        var options: [String: String] = [:]
        for part in mount.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            let key = String(pieces.first ?? "").lowercased()
            options[key] = pieces.count > 1 ? String(pieces[1]) : ""
        }
        if let dst = options["dst"] ?? options["destination"] { options["target"] = dst }
        return options
    }

    static func hasMount(_ instruction: Instruction, targetPrefix: String, types: Set<String> = ["cache", "tmpfs"]) -> Bool {
        instruction.flagValues("mount").contains { mount in
            let options = mountOptions(mount)
            guard let target = options["target"], types.contains(options["type"] ?? "bind") else { return false }
            return target.hasPrefix(targetPrefix) || targetPrefix.hasPrefix(target)
        }
    }

    /// The shell script a RUN executes: the shell-form text, plus heredoc bodies that are the script itself.
    static func script(of instruction: Instruction) -> String {
        switch instruction.arguments {
        case .json(let items):
            // ["sh", "-c", "script"] runs the script; otherwise the items are one command.
            if items.count >= 3, ["sh", "bash", "/bin/sh", "/bin/bash", "ash", "/bin/ash"].contains(items[0]), items[1] == "-c" {
                return items[2]
            }
            return items.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        case .shell(let text):
            var script = text
            let firstWord = text.split(separator: " ").first.map(String.init) ?? ""
            let runsBody = firstWord.hasPrefix("<<") || ["sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash"].contains(firstWord)
            if runsBody {
                for heredoc in instruction.heredocs { script += "\n" + heredoc.body }
            }
            return script
        }
    }

    static func commands(of instruction: Instruction) -> [ShellCommand] {
        ShellSplitter.commands(in: script(of: instruction))
    }

    static let osManagers: Set<String> = ["apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"]

    static func packageOperation(_ command: ShellCommand) -> PackageOperation? {
        let valueOptions: Set<String>
        switch command.name {
        case "apt-get", "apt", "aptitude": valueOptions = ["-o", "-t", "-c", "--target-release", "--option", "--config-file"]
        case "apk": valueOptions = ["-X", "--repository", "-t", "--virtual", "--arch", "-p", "--root", "--keys-dir", "--repositories-file", "--cache-dir"]
        case "yum", "dnf", "microdnf", "tdnf": valueOptions = ["--setopt", "--enablerepo", "--disablerepo", "-c", "--releasever", "--installroot", "-x", "--exclude"]
        case "zypper": valueOptions = ["-r", "--repo", "--from"]
        case "pip", "pip3", "pipx": valueOptions = ["-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-t", "--target", "-e", "--editable", "--prefix", "--root", "-f", "--find-links"]
        default: return nil
        }
        var operands: [String] = []
        var skip = false
        for argument in command.arguments {
            if skip {
                skip = false
                continue
            }
            if argument.hasPrefix("-") {
                if valueOptions.contains(argument) { skip = true }
                continue
            }
            operands.append(argument)
        }
        guard let sub = operands.first?.lowercased() else { return nil }
        let action: PackageAction
        switch (command.name, sub) {
        case (_, "install"), ("apk", "add"), ("zypper", "in"): action = .install
        case (_, "remove"), (_, "purge"), (_, "autoremove"), (_, "erase"), ("apk", "del"), ("zypper", "rm"): action = .remove
        case (_, "update"), ("zypper", "refresh"), ("zypper", "ref"): action = .update
        default: action = .other
        }
        let packages = operands.dropFirst().compactMap(Self.normalizePackage)
        return PackageOperation(
            manager: command.name, action: action, packages: packages, command: command, isOSManager: osManagers.contains(command.name))
    }

    static func normalizePackage(_ raw: String) -> String? {
        if raw.contains("$") || raw.contains("/") || raw.hasSuffix(".deb") || raw.hasSuffix(".rpm") || raw.isEmpty { return nil }
        var name = raw.lowercased()
        if let cut = name.firstIndex(where: { "=<>~@!;[".contains($0) }) { name = String(name[..<cut]) }
        if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
        return name.isEmpty ? nil : name
    }

    // MARK: - Rules

    mutating func run() {
        checkBaseImages()
        checkStageNames()
        checkFinalStageContents()
        checkRunCommands()
        checkAdd()
        checkSecrets()
        checkUsers()
        checkCommandForms()
    }

    func isStageReference(_ name: String, before index: Int) -> Bool {
        guard let stage = dockerfile.stage(named: name) else { return false }
        return stage.index < index || Int(name) != nil
    }

    mutating func checkRegistry(_ reference: ImageReference, written: String, line: Int, context: String) {
        guard !config.trustedRegistries.isEmpty else { return }
        if !config.trustedRegistries.contains(where: { reference.registryMatches($0) }) {
            report(
                .untrustedRegistry, line: line,
                "\(context) uses \(written) from registry \(reference.registry), which is not in trustedRegistries")
        }
    }

    mutating func checkBaseImages() {
        for stage in dockerfile.stages {
            guard stage.baseStageIndex == nil, let resolved = stage.resolvedBaseImage, resolved.lowercased() != "scratch",
                let reference = ImageReference(resolved)
            else { continue }
            let line = stage.fromLine
            if reference.digest == nil {
                if reference.tag == nil {
                    report(.untaggedImage, line: line, "FROM \(resolved) has no tag, so it means :latest; pin a version")
                } else if reference.tag == "latest" {
                    report(.latestTag, line: line, "FROM \(resolved) uses the latest tag; pin a version")
                }
                report(.noDigest, line: line, "FROM \(resolved) is not pinned by digest (@sha256:…)")
            }
            checkRegistry(reference, written: resolved, line: line, context: "FROM")
            let normalized = reference.name + "/"
            let trusted = (Catalog.trustedPublishers + config.trustedPublishers).contains { prefix in
                normalized.hasPrefix(Self.normalizePublisherPrefix(prefix))
            }
            if !trusted {
                report(.untrustedPublisher, line: line, "FROM \(resolved) is neither an official image nor from a trusted publisher")
            }
        }
        // COPY --from=image and RUN --mount=from=image are registry pulls too.
        for instruction in dockerfile.instructions {
            for reference in Self.stageReferences(instruction) {
                let stageIndex = instruction.stageIndex ?? 0
                if isStageReference(reference, before: stageIndex) || reference.contains("$") { continue }
                guard let image = ImageReference(reference) else { continue }
                checkRegistry(image, written: reference, line: instruction.startLine, context: instruction.keyword + " --from")
            }
        }
        // A smaller variant of the final image's base.
        if let root = finalChain.first, let resolved = dockerfile.stages[root].resolvedBaseImage,
            let reference = ImageReference(resolved), reference.isOfficial, let variant = Catalog.minimalVariants[reference.shortName]
        {
            let tag = (reference.tag ?? "").lowercased()
            if !Catalog.minimalMarkers.contains(where: { tag.contains($0) }) {
                let suggestion: String
                if variant.contains(" ") {
                    suggestion = variant
                } else if tag.isEmpty || tag == "latest" {
                    suggestion = "\(reference.shortName):\(variant)"
                } else {
                    suggestion = "\(reference.shortName):\(tag)-\(variant)"
                }
                report(
                    .nonMinimalBase, line: dockerfile.stages[root].fromLine,
                    "the final image is based on \(resolved); a smaller variant exists: \(suggestion)")
            }
        }
    }

    /// `acme/` → `docker.io/acme/`; `ghcr.io/acme` → `ghcr.io/acme/`.
    static func normalizePublisherPrefix(_ prefix: String) -> String {
        var p = prefix.lowercased()
        if !p.hasSuffix("/") { p += "/" }
        let first = p.split(separator: "/").first.map(String.init) ?? ""
        if !(first.contains(".") || first.contains(":") || first == "localhost") { p = "docker.io/" + p }
        return p
    }

    mutating func checkStageNames() {
        var seen: Set<String> = []
        for stage in dockerfile.stages {
            guard let name = stage.name else { continue }
            if !seen.insert(name).inserted {
                report(.duplicateStageName, line: stage.fromLine, "stage name '\(name)' is used by an earlier FROM")
            }
        }
    }

    mutating func checkFinalStageContents() {
        let chain = finalChain
        let singleStage = dockerfile.stages.count == 1
        var installed: [String: (category: ToolCategory, line: Int)] = [:]
        var packageManagerLine: (manager: String, line: Int)?
        var servicePackages: [(name: String, line: Int)] = []
        var supervisorLine: Int?
        var entrypointWords: [String] = []
        var buildCommandLines: [(line: Int, name: String)] = []

        if let root = chain.first, let resolved = dockerfile.stages[root].resolvedBaseImage, let reference = ImageReference(resolved) {
            let imageServices = ["nginx": "nginx", "httpd": "httpd", "postgres": "postgresql", "mysql": "mysql-server", "mariadb": "mariadb-server",
                                 "redis": "redis-server", "mongo": "mongodb"]
            if let service = imageServices[reference.shortName] { servicePackages.append((service, dockerfile.stages[root].fromLine)) }
        }
        for index in chain {
            for instruction in dockerfile.stages[index].instructions {
                switch instruction.keyword {
                case "RUN":
                    for command in Self.commands(of: instruction) {
                        if Catalog.supervisorCommands.contains(command.name), supervisorLine == nil { supervisorLine = instruction.startLine }
                        if Catalog.isBuildCommand(command) { buildCommandLines.append((instruction.startLine, command.name)) }
                        guard let operation = Self.packageOperation(command) else { continue }
                        switch operation.action {
                        case .install:
                            if operation.isOSManager, packageManagerLine == nil, !operation.packages.isEmpty {
                                packageManagerLine = (operation.manager, instruction.startLine)
                            }
                            for package in operation.packages {
                                guard let category = Catalog.category(ofPackage: package) else { continue }
                                installed[package] = (category, instruction.startLine)
                                switch category {
                                case .webServer, .database, .sshServer: servicePackages.append((package, instruction.startLine))
                                case .supervisor: if supervisorLine == nil { supervisorLine = instruction.startLine }
                                default: break
                                }
                            }
                        case .remove:
                            for package in operation.packages { installed.removeValue(forKey: package) }
                        case .update, .other:
                            break
                        }
                    }
                case "CMD", "ENTRYPOINT":
                    let words = instruction.arguments.isJSON
                        ? (instruction.arguments.text.isEmpty ? [] : { if case .json(let items) = instruction.arguments { return items } else { return [] } }())
                        : ["sh"] + ShellSplitter.commands(in: instruction.arguments.text).flatMap { [$0.name] + $0.arguments }
                    entrypointWords += words
                    if words.contains(where: { Catalog.supervisorCommands.contains(ShellSplitter.basename($0)) }), supervisorLine == nil {
                        supervisorLine = instruction.startLine
                    }
                case "VOLUME":
                    let paths: [String]
                    if case .json(let items) = instruction.arguments { paths = items } else {
                        paths = DockerfileParser.instructionWords(instruction.arguments.text, escape: dockerfile.escapeCharacter)
                    }
                    report(
                        .stateVolume, line: instruction.startLine,
                        "VOLUME \(paths.joined(separator: " ")) bakes an anonymous volume for state into the final image")
                default:
                    break
                }
            }
        }

        if let pm = packageManagerLine {
            report(.packageManagerInFinal, line: pm.line, "the final stage installs packages with \(pm.manager), so the package manager stays in the runtime image")
        }
        var grouped: [Int: [ToolCategory: [String]]] = [:]
        for (package, entry) in installed { grouped[entry.line, default: [:]][entry.category, default: []].append(package) }
        let usesScriptEntrypoint = entrypointWords.contains { $0.hasSuffix(".sh") }
        for (line, categories) in grouped {
            for (category, packages) in categories {
                let list = packages.sorted().joined(separator: ", ")
                switch category {
                case .downloader:
                    report(.downloaderInFinal, line: line, "the final stage installs \(list) (\(category.rawValue)) and never removes it")
                case .editor:
                    report(.editorInFinal, line: line, "the final stage installs \(list) (\(category.rawValue))")
                case .buildTool:
                    if singleStage {
                        report(.noMultiStage, line: line, "build tools (\(list)) are installed in the only stage; use a multi-stage build")
                    } else {
                        report(.buildToolsInFinal, line: line, "the final stage installs build tools: \(list)")
                    }
                case .debugTool:
                    report(.debugToolsInFinal, line: line, "the final stage installs \(list) (\(category.rawValue))")
                case .shell:
                    let used = packages.filter { shell in entrypointWords.contains { ShellSplitter.basename($0) == shell } }
                    if used.isEmpty, !usesScriptEntrypoint {
                        report(.buildOnlyShellInFinal, line: line, "the final stage installs \(list) but CMD/ENTRYPOINT never runs it")
                    }
                case .languagePackageManager:
                    report(.packageManagerInFinal, line: line, "the final stage installs \(list) (\(category.rawValue))")
                case .webServer, .database, .supervisor, .sshServer:
                    break
                }
            }
        }
        if singleStage {
            var reported: Set<Int> = Set(findings.filter { $0.ruleID == LintRule.noMultiStage.id }.map(\.line))
            for (line, name) in buildCommandLines where reported.insert(line).inserted {
                report(.noMultiStage, line: line, "the only stage builds software (\(name)); build in a separate stage and copy the result")
            }
        }
        let distinctServices = Set(servicePackages.map(\.name))
        if let line = supervisorLine {
            report(.multipleServices, line: line, "a process supervisor runs several services in one image")
        } else if distinctServices.count >= 2, let line = servicePackages.map(\.line).max() {
            report(.multipleServices, line: line, "the image contains several services (\(distinctServices.sorted().joined(separator: ", ")))")
        }
    }

    mutating func checkRunCommands() {
        let reused = reusedStages
        var curlLines: [Int] = []
        var wgetLines: [Int] = []
        var shellByStage: [Int: [String]] = [:]
        for instruction in dockerfile.instructions {
            guard let stageIndex = instruction.stageIndex else { continue }
            if instruction.keyword == "FROM" {
                shellByStage[stageIndex] = dockerfile.stages[stageIndex].baseStageIndex.flatMap { shellByStage[$0] } ?? ["/bin/sh", "-c"]
                continue
            }
            if instruction.keyword == "SHELL", case .json(let items) = instruction.arguments {
                shellByStage[stageIndex] = items
                continue
            }
            guard instruction.keyword == "RUN" else { continue }
            let line = instruction.startLine
            let commands = Self.commands(of: instruction)
            let script = Self.script(of: instruction)
            var aptUsed = false
            var sudoReported = false
            for command in commands {
                if command.name == "curl" { curlLines.append(line) }
                if command.name == "wget" { wgetLines.append(line) }
                if !sudoReported, command.name == "sudo" || command.wrappers.contains("sudo") {
                    sudoReported = true
                    report(.sudo, line: line, "RUN uses sudo; switch USER instead")
                }
                if command.name == "apt" {
                    report(.aptInsteadOfAptGet, line: line, "use apt-get instead of apt in scripts")
                }
                guard let operation = Self.packageOperation(command) else { continue }
                switch (operation.manager, operation.action) {
                case ("apt-get", .install), ("apt", .install):
                    aptUsed = true
                    let noRecommends = command.hasOption(long: ["--no-install-recommends"])
                        || command.arguments.contains { $0.contains("Install-Recommends=false") || $0.contains("Install-Recommends=0") }
                    if !noRecommends {
                        report(.aptRecommends, line: line, "\(operation.manager) install without --no-install-recommends")
                    }
                    let quietTwice = command.arguments.contains { $0 == "-qq" || $0 == "-q=2" || $0 == "--quiet=2" }
                    if !command.hasOption(long: ["--yes", "--assume-yes"], short: ["y"]), !quietTwice {
                        report(.aptMissingYes, line: line, "\(operation.manager) install without -y")
                    }
                case ("apt-get", .update), ("apt", .update):
                    aptUsed = true
                case ("apk", .install):
                    if !command.hasOption(long: ["--no-cache"]), !Self.hasMount(instruction, targetPrefix: "/var/cache/apk") {
                        report(.apkCache, line: line, "apk add without --no-cache")
                    }
                case ("pip", .install), ("pip3", .install):
                    if !command.hasOption(long: ["--no-cache-dir"]), !pipCacheDisabled(stageIndex: stageIndex, before: line),
                        !Self.hasMount(instruction, targetPrefix: "/root/.cache/pip"), !Self.hasMount(instruction, targetPrefix: "/root/.cache")
                    {
                        report(.pipCache, line: line, "\(operation.manager) install without --no-cache-dir")
                    }
                default:
                    break
                }
            }
            if aptUsed, reused.contains(stageIndex) {
                let cleaned = commands.contains { $0.name == "rm" && $0.arguments.contains { $0.hasPrefix("/var/lib/apt/lists") } }
                if !cleaned, !Self.hasMount(instruction, targetPrefix: "/var/lib/apt/lists") {
                    report(.aptListsKept, line: line, "apt-get leaves /var/lib/apt/lists in the layer; add rm -rf /var/lib/apt/lists/*")
                }
            }
            if case .shell = instruction.arguments, commands.contains(where: { $0.followedBy == "|" }) {
                let shell = shellByStage[stageIndex] ?? ["/bin/sh", "-c"]
                let shellName = ShellSplitter.basename(shell.first ?? "sh").lowercased()
                let nonPosix = ["pwsh", "powershell", "powershell.exe", "cmd", "cmd.exe"].contains(shellName)
                let hasPipefail = zip(shell, shell.dropFirst()).contains { $0 == "-o" && $1 == "pipefail" }
                    || shell.contains { $0.hasPrefix("-") && $0.contains("o") && shell.contains("pipefail") }
                if !nonPosix, !hasPipefail, !script.contains("pipefail") {
                    report(.pipeWithoutPipefail, line: line, "RUN uses a pipe but the shell does not set -o pipefail")
                }
            }
        }
        if !curlLines.isEmpty, !wgetLines.isEmpty {
            for line in Set(curlLines + wgetLines).sorted() {
                report(.curlAndWget, line: line, "both curl and wget are used in this Dockerfile; use one")
            }
        }
    }

    func pipCacheDisabled(stageIndex: Int, before line: Int) -> Bool {
        var stages: [Int] = []
        var current: Int? = stageIndex
        while let index = current, !stages.contains(index) {
            stages.append(index)
            current = dockerfile.stages[index].baseStageIndex
        }
        return stages.contains { index in
            dockerfile.stages[index].instructions.contains { instruction in
                instruction.keyword == "ENV" && instruction.startLine < line
                    && DockerfileParser.keyValuePairs(instruction.arguments.text, escape: dockerfile.escapeCharacter).contains {
                        $0.key.uppercased() == "PIP_NO_CACHE_DIR"
                    }
            }
        }
    }

    mutating func checkAdd() {
        for instruction in dockerfile.instructions where instruction.keyword == "ADD" && instruction.heredocs.isEmpty {
            let words: [String]
            if case .json(let items) = instruction.arguments { words = items } else {
                words = DockerfileParser.instructionWords(instruction.arguments.text, escape: dockerfile.escapeCharacter)
            }
            let sources = words.dropLast()
            var plainReported = false
            for source in sources {
                let lower = source.lowercased()
                if lower.contains("://") || lower.hasPrefix("git@") {
                    if instruction.flag("checksum") == nil {
                        report(.addRemoteURL, line: instruction.startLine, "ADD downloads \(source) without --checksum")
                    }
                } else if Catalog.archiveExtensions.contains(where: { lower.hasSuffix($0) }) {
                    report(.addArchive, line: instruction.startLine, "ADD unpacks the archive \(source); use COPY to copy it unchanged")
                } else if !plainReported {
                    plainReported = true
                    report(.addLocalFile, line: instruction.startLine, "use COPY instead of ADD for \(source)")
                }
            }
        }
    }

    mutating func checkSecrets() {
        for instruction in dockerfile.instructions {
            let pairs: [(key: String, value: String?)]
            switch instruction.keyword {
            case "ENV", "LABEL":
                pairs = DockerfileParser.keyValuePairs(instruction.arguments.text, escape: dockerfile.escapeCharacter).map { ($0.key, $0.value) }
            case "ARG":
                pairs = DockerfileParser.instructionWords(instruction.arguments.text, escape: dockerfile.escapeCharacter).map { word in
                    guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
                    return (String(word[..<eq]), String(word[word.index(after: eq)...]))
                }
            default:
                continue
            }
            for (key, value) in pairs {
                // Never include the value in a message.
                if let value, Catalog.looksLikeCredential(value) {
                    report(.secretValue, line: instruction.startLine, "\(instruction.keyword) \(key) has a value that looks like a real credential (value not shown)")
                } else if Catalog.isSecretName(key) {
                    report(
                        .secretName, line: instruction.startLine,
                        "\(instruction.keyword) \(key) looks like a secret; it is stored in the image config/history")
                }
            }
        }
    }

    static func isRoot(_ user: String) -> Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? user
        return name == "root" || name == "0"
    }

    mutating func checkUsers() {
        for stage in dockerfile.stages {
            guard let last = stage.instructions.last(where: { $0.keyword == "USER" }) else { continue }
            let user = last.arguments.text.trimmingCharacters(in: .whitespaces)
            if Self.isRoot(user) {
                report(.rootUser, line: last.startLine, "the last USER of stage \(stage.displayName) is \(user)")
            }
        }
        let chain = finalChain
        let hasUser = chain.contains { dockerfile.stages[$0].instructions.contains { $0.keyword == "USER" } }
        if !hasUser, let root = chain.first, let final = chain.last {
            let base = (dockerfile.stages[root].resolvedBaseImage ?? "").lowercased()
            let nonRootBase = base.contains("nonroot") || base.hasPrefix("cgr.dev/chainguard/")
            if !nonRootBase {
                report(.noUser, line: dockerfile.stages[final].fromLine, "the final stage has no USER, so the container runs as root")
            }
        }
    }

    mutating func checkCommandForms() {
        for instruction in dockerfile.instructions where instruction.keyword == "CMD" || instruction.keyword == "ENTRYPOINT" {
            if !instruction.arguments.isJSON, !instruction.arguments.text.isEmpty {
                report(.shellFormCommand, line: instruction.startLine, "\(instruction.keyword) is in shell form; use JSON form [\"…\"]")
            }
        }
    }
}
