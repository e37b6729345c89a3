/// A Secret of type `kubernetes.io/dockerconfigjson`, printed byte for byte as
/// `kubectl create secret docker-registry NAME … --dry-run=client -o yaml` (or `-o json`) prints it.
///
/// Texts are bytes, not `String`s, so that arguments that are not valid UTF-8 come out as kubectl writes them
/// (`\ufffd` in JSON strings, the raw bytes inside `auth`).
///
/// ```swift
/// var secret = DockerRegistrySecret(name: "regcred", namespace: "prod")
/// secret.setDockerConfigJSON(server: "ghcr.io", username: "alice", password: "s3cret")
/// print(String(decoding: secret.yaml(), as: UTF8.self), terminator: "")
/// ```
public struct DockerRegistrySecret: Sendable, Equatable {
    /// The data key kubectl writes (and `--from-file` uses when no key is given).
    public static let dataKey = ".dockerconfigjson"
    /// The Secret type.
    public static let type = "kubernetes.io/dockerconfigjson"

    /// `metadata.name`, as given on the command line.
    public var name: [UInt8]
    /// Printed only when set (kubectl prints it for `-n`/`--namespace`).
    public var namespace: [UInt8]?
    /// Secret data by key; printed sorted (base64-encoded).
    public private(set) var data: [String: [UInt8]] = [:]

    /// A Secret without data yet; names are bytes as given on the command line.
    public init(name: [UInt8], namespace: [UInt8]? = nil) {
        self.name = name
        self.namespace = namespace
    }

    /// A Secret without data yet.
    public init(name: String, namespace: String? = nil) {
        self.init(name: Array(name.utf8), namespace: namespace.map { Array($0.utf8) })
    }

    // MARK: - Data

    /// Sets `.dockerconfigjson` to what kubectl writes for `--docker-server/-username/-password/-email`.
    public mutating func setDockerConfigJSON(server: [UInt8], username: [UInt8], password: [UInt8], email: [UInt8] = []) {
        data[DockerRegistrySecret.dataKey] = DockerRegistrySecret.dockerConfigJSON(server: server, username: username, password: password, email: email)
    }

    /// `setDockerConfigJSON(server:username:password:email:)` for `String`s.
    public mutating func setDockerConfigJSON(server: String, username: String, password: String, email: String = "") {
        setDockerConfigJSON(server: Array(server.utf8), username: Array(username.utf8), password: Array(password.utf8), email: Array(email.utf8))
    }

    /// Adds a key the way `--from-file=KEY=PATH` does: the key must be a valid ConfigMap key and new.
    public mutating func add(key: String, contents: [UInt8]) throws(KubectlError) {
        let problems = DockerRegistrySecret.keyProblems(key)
        guard problems.isEmpty else {
            throw KubectlError("\(KubectlError.goQuote(key)) is not valid key name for a Secret \(problems.joined(separator: ";"))")
        }
        guard data[key] == nil else { throw KubectlError("cannot add key \(key), another key by that name already exists") }
        data[key] = contents
    }

    /// `{"auths":{SERVER:{"username":…,"password":…,"email":…,"auth":base64(user:password)}}}` as Go's
    /// `json.Marshal` writes it (fields in that order, empty ones left out, HTML-safe escaping).
    public static func dockerConfigJSON(server: [UInt8], username: [UInt8], password: [UInt8], email: [UInt8] = [],
                                        legacyEscaping: Bool = false) -> [UInt8] {
        let escaping: GoJSON.Escaping = legacyEscaping ? .legacy : .current
        let auth = Array(Base64.encode(username + [UInt8(ascii: ":")] + password).utf8)
        var fields: [[UInt8]] = []
        for (name, value) in [("username", username), ("password", password), ("email", email), ("auth", auth)] where !value.isEmpty {
            fields.append(Array("\"\(name)\":".utf8) + GoJSON.string(value, escaping: escaping))
        }
        var entry: [UInt8] = [UInt8(ascii: "{")]
        for (position, field) in fields.enumerated() {
            if position > 0 { entry.append(UInt8(ascii: ",")) }
            entry.append(contentsOf: field)
        }
        entry.append(UInt8(ascii: "}"))
        return Array("{\"auths\":{".utf8) + GoJSON.string(server, escaping: escaping) + [UInt8(ascii: ":")] + entry + Array("}}".utf8)
    }

    /// `validation.IsConfigMapKey`'s messages for `key`, empty when valid.
    static func keyProblems(_ key: String) -> [String] {
        var problems: [String] = []
        if key.utf8.count > 253 { problems.append("must be no more than 253 characters") }
        let valid = !key.isEmpty && key.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        }
        if !valid {
            problems.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." {
            problems.append("must not be '.'")
        } else if key == ".." {
            problems.append("must not be '..'")
        } else if key.hasPrefix("..") {
            problems.append("must not start with '..'")
        }
        return problems
    }

    // MARK: - Output

    /// `-o yaml`: sigs.k8s.io/yaml of the object. That library writes JSON, reads it back with go-yaml and writes
    /// YAML, so texts are Go-sanitised, NEL line breaks are folded by the YAML reader, and characters the reader
    /// refuses (DEL, C1 controls, U+FFFE/U+FFFF) fail with kubectl's error.
    public func yaml() throws(KubectlError) -> [UInt8] {
        var line = 1
        let name = try GoYAML.readBackFromJSON(GoUTF8.sanitize(self.name), line: &line)
        let namespace = try self.namespace.map { text throws(KubectlError) in try GoYAML.readBackFromJSON(GoUTF8.sanitize(text), line: &line) }
        var root: [(key: [UInt8], value: GoYAML.Node)] = [
            (Array("apiVersion".utf8), .string(Array("v1".utf8))),
            (Array("kind".utf8), .string(Array("Secret".utf8))),
            (Array("type".utf8), .string(Array(DockerRegistrySecret.type.utf8))),
        ]
        var metadata: [(key: [UInt8], value: GoYAML.Node)] = [
            (Array("creationTimestamp".utf8), .null),
            (Array("name".utf8), .string(name)),
        ]
        if let namespace, !namespace.isEmpty {
            metadata.append((Array("namespace".utf8), .string(namespace)))
        }
        root.append((Array("metadata".utf8), .mapping(metadata)))
        if !data.isEmpty {
            let items = data.map { (key: Array($0.key.utf8), value: GoYAML.Node.string(Array(Base64.encode($0.value).utf8))) }
            root.append((Array("data".utf8), .mapping(items)))
        }
        return GoYAML.marshal(.mapping(root))
    }

    /// `-o json`: `json.MarshalIndent(secret, "", "    ")` and a newline.
    public func json() -> [UInt8] {
        var lines: [[UInt8]] = []
        func line(_ parts: [UInt8]...) { lines.append(parts.flatMap { $0 }) }
        let quote = { (text: String) in GoJSON.string(Array(text.utf8)) }
        line(Array("{".utf8))
        line(Array("    \"kind\": ".utf8), quote("Secret"), Array(",".utf8))
        line(Array("    \"apiVersion\": ".utf8), quote("v1"), Array(",".utf8))
        line(Array("    \"metadata\": {".utf8))
        line(Array("        \"name\": ".utf8), GoJSON.string(name), Array(",".utf8))
        if let namespace, !namespace.isEmpty {
            line(Array("        \"namespace\": ".utf8), GoJSON.string(namespace), Array(",".utf8))
        }
        line(Array("        \"creationTimestamp\": null".utf8))
        line(Array("    },".utf8))
        if !data.isEmpty {
            line(Array("    \"data\": {".utf8))
            // Go sorts map keys by their bytes.
            let keys = data.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (position, key) in keys.enumerated() {
                let value = Array(Base64.encode(data[key] ?? []).utf8)
                let separator = position == keys.count - 1 ? "" : ","
                line(Array("        ".utf8), quote(key), Array(": ".utf8), GoJSON.string(value), Array(separator.utf8))
            }
            line(Array("    },".utf8))
        }
        line(Array("    \"type\": ".utf8), quote(DockerRegistrySecret.type))
        line(Array("}".utf8))
        return lines.flatMap { $0 + [0x0A] }
    }
}

/// A `kubectl create secret docker-registry` input error, with kubectl's message.
public struct KubectlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// kubectl's message (without its `error: ` prefix).
    public let message: String

    /// An error with kubectl's `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// Go's `%q` for a string: printable characters as is, others escaped.
    static func goQuote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{07}": output += "\\a"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0B}": output += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                            || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                    let hex = String(scalar.value, radix: 16)
                    output += scalar.value > 0xFFFF ? "\\U" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
                        : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
