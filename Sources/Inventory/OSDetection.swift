import Foundation

/// The operating system family and version that vulnerability data is keyed by (trivy.md §2).
public struct DetectedOS: Codable, Sendable, Hashable {
    /// Trivy's family names: `alpine`, `debian`, `ubuntu`, `redhat`, `centos`, `rocky`, `alma`, `oracle`, `fedora`,
    /// `opensuse.leap`, `opensuse.tumbleweed`, `suse linux enterprise server`, `suse linux enterprise micro`,
    /// `photon`, `wolfi`, `chainguard`, `azurelinux`, `cbl-mariner`, `amazon`, `bottlerocket`, `coreos`, `echo`,
    /// `minimos`, `activestate`.
    public var family: String
    public var name: String

    public init(family: String, name: String) {
        self.family = family
        self.name = name
    }
}

/// Detects the OS from the system files of the merged image, with trivy's precedence: the first detection wins,
/// except that `debian` and `redhat` are weak and give way to any other (Ubuntu ships `debian_version`; CentOS,
/// Rocky, Alma and Oracle ship `redhat-release`).
public enum OSDetector {
    /// Files the detector reads, relative to the image root.
    public static let files: [String] = [
        "etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version", "etc/lsb-release",
        "etc/system-release", "usr/lib/system-release", "etc/redhat-release", "etc/centos-release", "etc/rocky-release",
        "etc/almalinux-release", "etc/oracle-release", "etc/fedora-release", "usr/lib/fedora-release",
    ]

    static let osReleaseFamilies: [String: String] = [
        "alpine": "alpine", "rhel": "redhat", "centos": "centos", "rocky": "rocky", "almalinux": "alma", "ol": "oracle",
        "fedora": "fedora", "opensuse-leap": "opensuse.leap", "opensuse": "opensuse.leap",
        "opensuse-tumbleweed": "opensuse.tumbleweed", "sles": "suse linux enterprise server",
        "sle-micro": "suse linux enterprise micro", "sl-micro": "suse linux enterprise micro",
        "sle-micro-rancher": "suse linux enterprise micro", "photon": "photon", "wolfi": "wolfi", "chainguard": "chainguard",
        "azurelinux": "azurelinux", "mariner": "cbl-mariner", "bottlerocket": "bottlerocket", "coreos": "coreos",
        "echo": "echo", "minimos": "minimos", "activestate": "activestate", "amzn": "amazon",
    ]

    static let weakFamilies: Set<String> = ["debian", "redhat"]

    public static func detect(_ files: [String: [UInt8]]) -> DetectedOS? {
        var found: DetectedOS?
        func offer(_ candidate: DetectedOS?) {
            guard let candidate else { return }
            if let current = found, !weakFamilies.contains(current.family) { return }
            if let current = found, weakFamilies.contains(candidate.family), !weakFamilies.contains(current.family) { return }
            found = found.map { weakFamilies.contains($0.family) ? candidate : $0 } ?? candidate
        }
        for path in ["etc/os-release", "usr/lib/os-release"] {
            if let content = files[path] { offer(fromOSRelease(content)); break }
        }
        if let content = files["etc/alpine-release"], let line = firstLine(content), !line.isEmpty {
            offer(DetectedOS(family: "alpine", name: line))
        }
        if let content = files["etc/lsb-release"] {
            let fields = keyValues(content)
            if fields["DISTRIB_ID"] == "Ubuntu", let release = fields["DISTRIB_RELEASE"] {
                offer(DetectedOS(family: "ubuntu", name: release))
            }
        }
        if let content = files["etc/debian_version"], let line = firstLine(content), !line.isEmpty {
            offer(DetectedOS(family: "debian", name: line))
        }
        for path in ["etc/system-release", "usr/lib/system-release"] {
            if let content = files[path], let line = firstLine(content), line.hasPrefix("Amazon Linux") {
                offer(amazon(line))
                break
            }
        }
        for path in ["etc/centos-release", "etc/rocky-release", "etc/almalinux-release", "etc/oracle-release",
                     "etc/fedora-release", "usr/lib/fedora-release", "etc/redhat-release"] {
            if let content = files[path], let line = firstLine(content), let detected = fromReleaseLine(line) { offer(detected) }
        }
        return found
    }

    static func fromOSRelease(_ content: [UInt8]) -> DetectedOS? {
        let fields = keyValues(content)
        guard let id = fields["ID"]?.lowercased(), let version = fields["VERSION_ID"], !version.isEmpty,
              var family = osReleaseFamilies[id] else { return nil }
        if id == "centos", fields["NAME"] == "CentOS Stream" { family = "centos" }
        if id == "amzn" { return amazon("Amazon Linux " + version) }
        return DetectedOS(family: family, name: version)
    }

    /// Amazon Linux keeps its raw name: `2 (Karoo)`, `AMI release 2018.03`, `2023`.
    static func amazon(_ line: String) -> DetectedOS {
        var name = String(line.dropFirst("Amazon Linux".count)).trimmingWhitespace()
        if name.hasPrefix("release ") { name = String(name.dropFirst("release ".count)) }
        return DetectedOS(family: "amazon", name: name)
    }

    /// "`<name> release <version> …`" files of the Red Hat family.
    static func fromReleaseLine(_ line: String) -> DetectedOS? {
        let lower = line.lowercased()
        guard let range = lower.range(of: " release ") else { return nil }
        let name = lower[..<range.lowerBound]
        let version = String(lower[range.upperBound...].split(separator: " ").first ?? "")
        guard !version.isEmpty else { return nil }
        let family: String
        if name.hasPrefix("centos") { family = "centos" }
        else if name.hasPrefix("rocky") { family = "rocky" }
        else if name.hasPrefix("almalinux") { family = "alma" }
        else if name.hasPrefix("oracle") { family = "oracle" }
        else if name.hasPrefix("fedora") { family = "fedora" }
        else if name.hasPrefix("red hat") { family = "redhat" }
        else { return nil }
        return DetectedOS(family: family, name: version)
    }

    static func firstLine(_ content: [UInt8]) -> String? {
        let line = content.split(separator: 0x0a, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return String(decoding: line, as: UTF8.self).trimmingWhitespace()
    }

    static func keyValues(_ content: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for rawLine in content.split(separator: 0x0a) {
            let line = String(decoding: rawLine, as: UTF8.self)
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            fields[String(line[..<equals]).trimmingWhitespace()] = value
        }
        return fields
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
