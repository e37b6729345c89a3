// Known packages, images and secret names used by the rules (see lint-rules.md §3).

enum ToolCategory: String, Sendable, CaseIterable {
    case downloader = "network downloader"
    case editor = "text editor"
    case buildTool = "build tool"
    case debugTool = "debugging/network tool"
    case shell = "shell"
    case languagePackageManager = "language package manager"
    case webServer = "web server"
    case database = "database"
    case supervisor = "process supervisor"
    case sshServer = "SSH server"
}

enum Catalog {
    static let packages: [String: ToolCategory] = {
        var map: [String: ToolCategory] = [:]
        for name in ["curl", "wget", "aria2", "httpie"] { map[name] = .downloader }
        for name in ["vim", "vim-tiny", "vim-nox", "vim-basic", "vim-minimal", "vim-enhanced", "neovim", "nano", "emacs", "emacs-nox", "ed", "joe", "jed", "micro", "mg", "mc"] {
            map[name] = .editor
        }
        for name in [
            "build-essential", "build-base", "alpine-sdk", "gcc", "g++", "gcc-c++", "cpp", "clang", "llvm", "make", "cmake", "ninja-build", "ninja",
            "autoconf", "automake", "libtool", "pkg-config", "pkgconf", "pkgconfig", "binutils", "musl-dev", "libc6-dev", "libc-dev", "glibc-devel",
            "git", "golang", "golang-go", "go", "rustc", "cargo", "openjdk-17-jdk", "openjdk-21-jdk", "default-jdk", "maven", "gradle", "bison", "flex",
        ] {
            map[name] = .buildTool
        }
        for name in [
            "gdb", "gdbserver", "strace", "ltrace", "valgrind", "linux-perf", "perf", "lsof", "tcpdump", "nmap", "ncat", "netcat", "netcat-openbsd",
            "netcat-traditional", "socat", "telnet", "iputils-ping", "iputils", "net-tools", "dnsutils", "bind-tools", "bind-utils", "traceroute",
            "iproute2", "htop", "procps", "openssh-client",
        ] {
            map[name] = .debugTool
        }
        for name in ["bash", "zsh", "fish", "ksh", "mksh", "tcsh", "csh"] { map[name] = .shell }
        for name in ["python3-pip", "python-pip", "py3-pip", "npm", "yarn", "rubygems", "composer", "pipx"] { map[name] = .languagePackageManager }
        for name in ["nginx", "nginx-full", "nginx-light", "apache2", "httpd", "lighttpd", "caddy", "tomcat9", "tomcat10", "tomcat", "haproxy", "varnish"] {
            map[name] = .webServer
        }
        for name in [
            "postgresql", "postgresql-server", "mysql-server", "mysql", "mariadb-server", "mariadb", "redis", "redis-server", "mongodb",
            "mongodb-org", "memcached", "rabbitmq-server", "elasticsearch", "cassandra",
        ] {
            map[name] = .database
        }
        for name in ["supervisor", "supervisord", "s6", "s6-overlay", "runit", "circus"] { map[name] = .supervisor }
        map["openssh-server"] = .sshServer
        map["dropbear"] = .sshServer
        return map
    }()

    static func category(ofPackage name: String) -> ToolCategory? {
        if let known = packages[name] { return known }
        if name.hasPrefix("postgresql-"), Int(name.dropFirst("postgresql-".count)) != nil { return .database }
        if name.hasPrefix("gcc-") || name.hasPrefix("g++-") || name.hasPrefix("clang-") { return .buildTool }
        if name.hasPrefix("openjdk"), name.contains("jdk"), !name.contains("jre") { return .buildTool }
        if name.hasSuffix("-dev") || name.hasSuffix("-devel") { return .buildTool }
        return nil
    }

    /// Process names that mean "runs several services" when used in RUN/CMD/ENTRYPOINT.
    static let supervisorCommands: Set<String> = ["supervisord", "s6-svscan", "runsvdir", "circusd"]
    /// Commands that compile or build software.
    static func isBuildCommand(_ command: ShellCommand) -> Bool {
        let direct: Set<String> = ["gcc", "g++", "cc", "c++", "clang", "make", "cmake", "ninja", "javac", "rustc", "swiftc", "mvn", "gradle"]
        if direct.contains(command.name) { return true }
        let first = command.operands.first ?? ""
        switch command.name {
        case "go": return first == "build" || first == "install"
        case "cargo": return first == "build" || first == "install"
        case "swift": return first == "build"
        case "dotnet": return first == "publish" || first == "build"
        case "npm", "yarn", "pnpm": return first == "run" && command.operands.dropFirst().first == "build"
        default: return false
        }
    }

    /// Official-image repository → the smaller variant to suggest, for the final stage's base.
    static let minimalVariants: [String: String] = [
        "python": "slim", "node": "alpine", "httpd": "alpine", "nginx": "alpine", "ruby": "slim", "perl": "slim", "php": "fpm-alpine",
        "debian": "slim", "golang": "alpine", "openjdk": "slim", "eclipse-temurin": "jre-alpine", "redis": "alpine", "postgres": "alpine",
        "memcached": "alpine", "haproxy": "alpine", "traefik": "alpine", "rust": "slim", "elixir": "slim", "erlang": "slim", "maven": "eclipse-temurin (JRE)",
        "gradle": "eclipse-temurin (JRE)", "mongo": "jammy", "tomcat": "jre17",
    ]
    static let minimalMarkers = ["slim", "alpine", "distroless", "minimal", "micro", "chiseled", "busybox", "jre", "nonroot"]

    /// Built-in trusted publisher prefixes (normalised references).
    static let trustedPublishers = [
        "docker.io/library/", "gcr.io/distroless/", "cgr.dev/chainguard/", "mcr.microsoft.com/", "registry.access.redhat.com/",
        "registry.redhat.io/", "public.ecr.aws/docker/library/", "quay.io/centos/", "registry.k8s.io/",
    ]

    /// Names that are secrets on their own (hadolint DL3064 list, abridged) and substrings that mark a secret.
    static let secretNames: Set<String> = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_CLIENT_SECRET", "GITHUB_TOKEN", "GH_TOKEN",
        "GITLAB_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "DOCKER_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD",
        "REDIS_PASSWORD", "PGPASSWORD", "SLACK_TOKEN", "STRIPE_SECRET_KEY", "SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN", "DATABASE_URL",
        "GOOGLE_APPLICATION_CREDENTIALS_JSON", "HEROKU_API_KEY", "CODECOV_TOKEN", "SENTRY_AUTH_TOKEN", "PYPI_TOKEN", "TWINE_PASSWORD",
    ]
    static let secretMarkers = [
        "password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "client_key", "private_key", "privatekey", "access_key",
        "credential", "auth_key",
    ]
    static let nonSecretSuffixes = ["_file", "_path", "_dir", "_filename", "_location", "_length", "_url_file"]

    static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        if secretNames.contains(upper) { return true }
        let lower = name.lowercased()
        if nonSecretSuffixes.contains(where: { lower.hasSuffix($0) }) { return false }
        return secretMarkers.contains { lower.contains($0) }
    }

    /// True when a value has the shape of a real credential.
    static func looksLikeCredential(_ value: String) -> Bool {
        if value.contains("PRIVATE KEY-----") { return true }
        let prefixes: [(String, Int)] = [
            ("AKIA", 20), ("ASIA", 20), ("ghp_", 36), ("gho_", 36), ("ghs_", 36), ("github_pat_", 40), ("glpat-", 24), ("xoxb-", 20),
            ("xoxp-", 20), ("sk_live_", 20), ("npm_", 36), ("AIza", 39), ("pypi-", 40),
        ]
        for (prefix, minimum) in prefixes where value.hasPrefix(prefix) && value.count >= minimum {
            let body = value.dropFirst(prefix.count)
            if body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) { return true }
        }
        return false
    }

    static let archiveExtensions = [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".lz",
        ".lzma", ".tlz", ".tz", ".z", ".zst",
    ]
}
