import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// Executables a production image should not contain, by the basename they are reachable as
/// (`../shared/specs/lint-rules.md` §3.1). Names are matched after symlinks and alternatives are resolved.
enum ToolCatalogue {
    static let entries: [(RuleDefinition, [String])] = [
        (RuleCatalog.shell, ["sh", "bash", "rbash", "dash", "ash", "hush", "zsh", "ksh", "ksh93", "rksh93", "mksh", "csh", "tcsh",
                             "fish", "yash", "elvish", "xonsh", "git-shell", "screen", "tmux"]),
        (RuleCatalog.multiCall, ["busybox", "toybox"]),
        (RuleCatalog.osPackageManager, ["apt", "apt-get", "apt-cache", "apt-mark", "aptitude", "dpkg", "dpkg-deb", "dpkg-query",
                                        "apk", "rpm", "rpm2cpio", "yum", "dnf", "dnf-3", "dnf5", "microdnf", "tdnf", "zypper",
                                        "pacman", "opkg"]),
        (RuleCatalog.languagePackageManager, ["pip", "pip3", "pipx", "easy_install", "uv", "poetry", "conda", "mamba", "npm", "npx",
                                              "yarn", "pnpm", "corepack", "gem", "bundle", "bundler", "composer", "cargo", "rustup",
                                              "go", "mvn", "gradle", "cpan", "cpanm"]),
        (RuleCatalog.networkTool, ["curl", "wget", "nc", "netcat", "ncat", "socat", "telnet", "ftp", "tftp", "ftpget", "ftpput",
                                   "rsync", "ssh", "scp", "sftp", "ssh-keyscan", "ssh-agent", "sshd", "nmap", "tcpdump"]),
        (RuleCatalog.networkDiagnostic, ["ping", "ping6", "traceroute", "dig", "nslookup", "host", "ip", "ifconfig", "route",
                                         "netstat", "ss", "arp", "openssl", "ssl_client"]),
        (RuleCatalog.editor, ["vi", "vim", "vim.tiny", "vim.basic", "view", "ex", "rvim", "editor", "nano", "pico", "ed", "red",
                              "emacs", "mg", "joe", "jed", "micro", "mcedit"]),
        (RuleCatalog.debugger, ["gdb", "gdbserver", "gcore", "strace", "ltrace", "perf", "valgrind", "lsof"]),
        (RuleCatalog.buildTool, ["gcc", "cc", "c++", "g++", "clang", "clang++", "as", "ld", "make", "gmake", "cmake", "ninja",
                                 "autoconf", "pkg-config", "git", "javac", "rustc", "swiftc", "cpp"]),
        (RuleCatalog.privilegeTool, ["sudo", "su", "doas", "pkexec"]),
        (RuleCatalog.interpreter, ["perl", "python", "python2", "python3", "awk", "mawk", "gawk", "nawk", "ruby", "node", "nodejs",
                                   "php", "lua", "tclsh"]),
    ]

    static let byName: [String: RuleDefinition] = {
        var map: [String: RuleDefinition] = [:]
        for (rule, names) in entries { for name in names { map[name] = rule } }
        return map
    }()

    /// The rule for a command name: exact, else without a version suffix (`python3.11`, `gcc-12`) or
    /// a target-triplet prefix (`x86_64-linux-gnu-gcc-12`).
    static func rule(for name: String) -> (RuleDefinition, String)? {
        if let rule = byName[name] { return (rule, name) }
        var stripped = Substring(name)
        if let range = stripped.range(of: "-linux-gnu-") ?? stripped.range(of: "-linux-musl-") {
            stripped = stripped[range.upperBound...]
        }
        while let last = stripped.last, last.isNumber || last == "." || last == "-" { stripped.removeLast() }
        guard !stripped.isEmpty, stripped != Substring(name) || byName[String(stripped)] != nil else { return nil }
        return byName[String(stripped)].map { ($0, String(stripped)) }
    }
}
