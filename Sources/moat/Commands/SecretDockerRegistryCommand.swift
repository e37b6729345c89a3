import ArgumentParser
import Foundation
import RegistryCredentials

/// `moat secret docker-registry`: the Secret `kubectl create secret docker-registry --dry-run=client -o yaml`
/// prints, byte for byte, without kubectl or a cluster.
///
/// The flags are parsed the way kubectl's pflag parses them (`--flag=value`, `--flag value` even when the value
/// starts with `-`, `--flag=` for an empty value, `-n NS`, `-nNS`, `--`), from the raw bytes of the command line,
/// so that scripts written for kubectl behave the same and arguments that are not valid UTF-8 come out as kubectl
/// writes them.
struct SecretDockerRegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker-registry",
        abstract: "Print a kubernetes.io/dockerconfigjson Secret exactly as kubectl create secret docker-registry does.",
        usage: """
        moat secret docker-registry NAME --docker-username=USER --docker-password=PASSWORD [--docker-email=EMAIL]
                                        [--docker-server=SERVER] [-n NAMESPACE] [-o yaml|json]
          moat secret docker-registry NAME --from-file=[KEY=]PATH ... | --from-docker-config=FILE [-n NAMESPACE] [-o yaml|json]
        """,
        discussion: """
        The output is byte for byte what `kubectl create secret docker-registry NAME ... --dry-run=client -o yaml` \
        (or -o json) prints with kubectl 1.32: the same JSON inside .dockerconfigjson (field order, HTML-safe \
        escaping, auth = base64 of user:password), the same YAML quoting and line folding. Nothing is sent anywhere.

        OPTIONS (parsed like kubectl's):
          --docker-server=SERVER       Server location for Docker registry (default https://index.docker.io/v1/).
          --docker-username=USER       Username for Docker registry authentication.
          --docker-password=PASSWORD   Password for Docker registry authentication.
          --docker-password-stdin      Read the password from standard input instead (moat only).
          --docker-email=EMAIL         Email for Docker registry.
          -n, --namespace=NAMESPACE    Namespace written into the Secret.
          --from-file=[KEY=]PATH       Store a file under KEY (default .dockerconfigjson); repeatable, comma-separated.
          --from-docker-config=FILE    Store a Docker config.json as .dockerconfigjson (--from-file=.dockerconfigjson=FILE).
          -o, --output=yaml|json       Output format (default yaml).
          --dry-run=client             Accepted for kubectl compatibility; moat never contacts a cluster.

        EXAMPLES:
          moat secret docker-registry regcred --docker-server=ghcr.io --docker-username=alice --docker-password="$TOKEN" -n prod
          printf '%s' "$TOKEN" | moat secret docker-registry regcred --docker-server=ghcr.io --docker-username=alice --docker-password-stdin
          moat secret docker-registry regcred --from-docker-config=$HOME/.docker/config.json -o json
        """
    )

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("NAME and the options above.", valueName: "arguments"))
    var arguments: [String] = []

    func run() throws {
        let raw = RawArguments.afterSubcommand(["secret", "docker-registry"]) ?? arguments.map { Array($0.utf8) }
        let options: KubectlSecretOptions
        do { options = try KubectlSecretOptions.parse(raw) } catch { throw RuntimeError(error.message) }
        var password = options.password
        if options.passwordStdin {
            guard options.password.isEmpty else { throw RuntimeError("--docker-password and --docker-password-stdin are mutually exclusive") }
            password = Self.trimmedPassword(FileHandle.standardInput.readDataToEndOfFile())
        }

        // kubectl's checks, in kubectl's order and words (1.32).
        guard options.names.count == 1, let name = options.names.first else {
            throw RuntimeError("exactly one NAME is required, got \(options.names.count)")
        }
        guard !name.isEmpty else { throw RuntimeError("name must be specified") }
        var fileSources: [String] = []
        for value in options.fromFile {
            do { fileSources += try Self.splitFileSources(value) } catch { throw RuntimeError(error.message) }
        }
        fileSources += options.fromDockerConfig.map { DockerRegistrySecret.dataKey + "=" + $0 }
        if fileSources.isEmpty && (options.username.isEmpty || password.isEmpty || options.server.isEmpty) {
            throw RuntimeError("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required")
        }
        guard options.output == "yaml" || options.output == "json" else {
            throw RuntimeError("unable to match a printer suitable for the output format \"\(options.output)\", allowed formats are: json,yaml")
        }

        var secret = DockerRegistrySecret(name: name, namespace: options.namespace.flatMap { $0.isEmpty ? nil : $0 })
        if fileSources.isEmpty {
            secret.setDockerConfigJSON(server: options.server, username: options.username, password: password, email: options.email)
        } else {
            for source in fileSources {
                do { try Self.add(source, to: &secret) } catch { throw RuntimeError(error.message) }
            }
        }
        let text: [UInt8]
        do { text = options.output == "json" ? secret.json() : try secret.yaml() } catch { throw RuntimeError(error.message) }
        FileHandle.standardOutput.write(Data(text))
    }

    /// `--docker-password-stdin`: one trailing `\n`, then one `\r`, removed (as `docker login` does), bytes kept otherwise.
    static func trimmedPassword(_ data: Data) -> [UInt8] {
        var bytes = Array(data)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
    }

    // MARK: - --from-file (kubectl's ParseFileSource and handleSecretFromFileSources)

    static func add(_ source: String, to secret: inout DockerRegistrySecret) throws(KubectlError) {
        let (key, path) = try parseFileSource(source)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KubectlError("error reading \(path): no such file or directory")
        }
        // Every source has a key by now, and kubectl refuses a key for a directory (1.20 stored its files).
        if isDirectory.boolValue { throw KubectlError("cannot give a key name for a directory path") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubectlError("open \(path): permission denied")
        }
        try secret.add(key: key, contents: Array(data))
    }

    static func parseFileSource(_ source: String) throws(KubectlError) -> (key: String, path: String) {
        let separators = source.filter { $0 == "=" }.count
        // kubectl 1.32 stores a file given without a key as .dockerconfigjson (1.20 used its base name).
        if separators == 0 { return (DockerRegistrySecret.dataKey, source) }
        if separators > 1 { throw KubectlError("key names or file paths cannot contain '='") }
        if source.hasPrefix("=") { throw KubectlError("key name for file path \(source.dropFirst()) missing") }
        if source.hasSuffix("=") { throw KubectlError("file path for key name \(source.dropLast()) missing") }
        let parts = source.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), String(parts[1]))
    }

    /// pflag's string slices are CSV records: `a,b` is two values, `"a,b"` one; a bare `"` is an error.
    static func splitFileSources(_ value: String) throws(KubectlError) -> [String] {
        if value.isEmpty { return [] }
        var fields: [String] = []
        var field = ""
        var characters = Array(value)[...]
        var column = 1
        let prefix = "invalid argument \"\(value)\" for \"--from-file\" flag: parse error on line 1, column "
        while true {
            if characters.first == "\"" {
                characters = characters.dropFirst()
                column += 1
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    column += 1
                    if character == "\"" {
                        if characters.first == "\"" {
                            field.append("\"")
                            characters = characters.dropFirst()
                            column += 1
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        field.append(character)
                    }
                }
                guard closed, characters.isEmpty || characters.first == "," else {
                    throw KubectlError(prefix + "\(column): extraneous or missing \" in quoted-field")
                }
            } else {
                while let character = characters.first, character != "," {
                    if character == "\"" { throw KubectlError(prefix + "\(column): bare \" in non-quoted-field") }
                    field.append(character)
                    characters = characters.dropFirst()
                    column += 1
                }
            }
            fields.append(field)
            field = ""
            guard characters.first == "," else { break }
            characters = characters.dropFirst()
            column += 1
        }
        return fields
    }
}

/// The flags of `kubectl create secret docker-registry`, parsed as pflag does, keeping values as bytes.
struct KubectlSecretOptions {
    var names: [[UInt8]] = []
    var server = Array(RegistryHost.dockerHubServerURL.utf8)
    var username: [UInt8] = []
    var password: [UInt8] = []
    var email: [UInt8] = []
    var passwordStdin = false
    var namespace: [UInt8]?
    var fromFile: [String] = []
    var fromDockerConfig: [String] = []
    var output = "yaml"
    var dryRun: String?

    private enum Flag: CaseIterable {
        case server, username, password, passwordStdin, email, namespace, fromFile, fromDockerConfig, output, dryRun

        var name: String {
            switch self {
            case .server: return "docker-server"
            case .username: return "docker-username"
            case .password: return "docker-password"
            case .passwordStdin: return "docker-password-stdin"
            case .email: return "docker-email"
            case .namespace: return "namespace"
            case .fromFile: return "from-file"
            case .fromDockerConfig: return "from-docker-config"
            case .output: return "output"
            case .dryRun: return "dry-run"
            }
        }

        var shorthand: UInt8? {
            switch self {
            case .namespace: return UInt8(ascii: "n")
            case .output: return UInt8(ascii: "o")
            default: return nil
            }
        }

        /// pflag's NoOptDefVal: the value of a flag given without `=value`.
        var valueWhenBare: String? {
            switch self {
            case .passwordStdin: return "true"
            case .dryRun: return "unchanged"
            default: return nil
            }
        }
    }

    static func parse(_ arguments: [[UInt8]]) throws(KubectlError) -> KubectlSecretOptions {
        var options = KubectlSecretOptions()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let text = String(decoding: argument, as: UTF8.self)
            if argument == Array("--".utf8) {
                options.names.append(contentsOf: remaining)
                break
            }
            if argument.count < 2 || argument.first != UInt8(ascii: "-") {
                options.names.append(argument)
                continue
            }
            if argument.starts(with: Array("--".utf8)) {
                let body = argument.dropFirst(2)
                if body.first == UInt8(ascii: "-") || body.first == UInt8(ascii: "=") { throw KubectlError("bad flag syntax: \(text)") }
                let equals = body.firstIndex(of: UInt8(ascii: "="))
                let name = String(decoding: body[..<(equals ?? body.endIndex)], as: UTF8.self)
                guard let flag = Flag.allCases.first(where: { $0.name == name }) else { throw KubectlError("unknown flag: --\(name)") }
                let value: [UInt8]
                if let equals {
                    value = Array(body[(equals + 1)...])
                } else if let bare = flag.valueWhenBare {
                    value = Array(bare.utf8)
                } else if let next = remaining.popFirst() {
                    value = next
                } else {
                    throw KubectlError("flag needs an argument: \(text)")
                }
                try options.set(flag, value)
                continue
            }
            // Shorthands: -n NS, -nNS, -n=NS.
            var shorthands = argument.dropFirst()
            while let letter = shorthands.first {
                guard let flag = Flag.allCases.first(where: { $0.shorthand == letter }) else {
                    throw KubectlError("unknown shorthand flag: '\(String(decoding: [letter], as: UTF8.self))' in \(text)")
                }
                let value: [UInt8]
                if shorthands.count > 2 && shorthands[shorthands.startIndex + 1] == UInt8(ascii: "=") {
                    value = Array(shorthands.dropFirst(2))
                } else if shorthands.count > 1 {
                    value = Array(shorthands.dropFirst())
                } else if let next = remaining.popFirst() {
                    value = next
                } else {
                    throw KubectlError("flag needs an argument: '\(String(decoding: [letter], as: UTF8.self))' in \(text)")
                }
                try options.set(flag, value)
                shorthands = []
            }
        }
        return options
    }

    private mutating func set(_ flag: Flag, _ value: [UInt8]) throws(KubectlError) {
        let text = String(decoding: value, as: UTF8.self)
        switch flag {
        case .server: server = value
        case .username: username = value
        case .password: password = value
        case .email: email = value
        case .namespace: namespace = value
        case .fromFile: fromFile.append(text)
        case .fromDockerConfig: fromDockerConfig.append(text)
        case .output: output = text
        case .passwordStdin:
            guard let flag = Bool(text.lowercased()) ?? (text == "1" ? true : text == "0" ? false : nil) else {
                throw KubectlError("invalid argument \"\(text)\" for \"--docker-password-stdin\" flag: strconv.ParseBool: parsing \"\(text)\": invalid syntax")
            }
            passwordStdin = flag
        case .dryRun:
            guard ["client", "none", "unchanged"].contains(text) else {
                throw KubectlError("--dry-run=\(text) is not supported: moat never contacts a cluster; use --dry-run=client or leave it out")
            }
            dryRun = text
        }
    }
}

/// The command line as bytes: kubectl writes invalid UTF-8 in arguments as it finds it (inside `auth`) or as one
/// U+FFFD per bad byte (in JSON strings), while Swift's `String` repairs it differently.
enum RawArguments {
    static let arguments: [[UInt8]] = (1..<Int(CommandLine.argc)).compactMap { index in
        CommandLine.unsafeArgv[index].map { pointer in Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) } }
    }

    /// The arguments after the first occurrence of the subcommand path (`secret docker-registry`), or nil.
    static func afterSubcommand(_ path: [String]) -> [[UInt8]]? {
        let names = path.map { Array($0.utf8) }
        guard arguments.count >= names.count else { return nil }
        for start in 0...(arguments.count - names.count) where Array(arguments[start..<start + names.count]) == names {
            return Array(arguments[(start + names.count)...])
        }
        return nil
    }
}
