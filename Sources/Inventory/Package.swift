/// The kind of package database or artifact a package was found in.
public enum PackageType: String, Codable, Sendable, CaseIterable {
    case dpkg, apk, rpm
    case python = "python-pkg"
    case node = "node-pkg"
    case gobinary
    case jar
    case rustbinary

    /// Whether the package belongs to the operating system's package manager.
    public var isOSPackage: Bool { self == .dpkg || self == .apk || self == .rpm }
}

/// One installed package, as a scanner reports it: identity, source package, where it was found, and a purl.
public struct Package: Codable, Sendable, Hashable {
    public var type: PackageType
    public var name: String
    /// The version as the ecosystem spells it, without epoch or release for rpm
    /// (dpkg: `upstream[-revision]` without the epoch; apk: `1.2.3-r4`; rpm: `1.2.3`).
    public var version: String
    /// dpkg and rpm epoch, when not 0.
    public var epoch: Int?
    /// rpm release (`4.el9`).
    public var release: String?
    public var arch: String?
    /// dpkg `Source:`, apk origin, rpm source-rpm name.
    public var sourceName: String?
    public var sourceVersion: String?
    public var sourceRelease: String?
    public var sourceEpoch: Int?
    public var licenses: [String]
    public var maintainer: String?
    public var vendor: String?
    /// rpm modularity label (`nodejs:16:8040020210708131418:9edba152`).
    public var modularityLabel: String?
    /// Package URL (purl-spec), e.g. `pkg:deb/debian/bash@5.2.15-2?arch=amd64&distro=debian-12`.
    public var purl: String?
    /// Path inside the image of the database or file the package was read from (no leading slash).
    public var filePath: String
    /// 0-based layer the package's record came from (set when the image is assembled).
    public var layer: Int?

    public init(type: PackageType, name: String, version: String, epoch: Int? = nil, release: String? = nil, arch: String? = nil,
                sourceName: String? = nil, sourceVersion: String? = nil, sourceRelease: String? = nil, sourceEpoch: Int? = nil,
                licenses: [String] = [], maintainer: String? = nil, vendor: String? = nil, modularityLabel: String? = nil,
                purl: String? = nil, filePath: String, layer: Int? = nil) {
        self.type = type
        self.name = name
        self.version = version
        self.epoch = epoch
        self.release = release
        self.arch = arch
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.sourceRelease = sourceRelease
        self.sourceEpoch = sourceEpoch
        self.licenses = licenses
        self.maintainer = maintainer
        self.vendor = vendor
        self.modularityLabel = modularityLabel
        self.purl = purl
        self.filePath = filePath
        self.layer = layer
    }

    /// The full version as the ecosystem compares it: `epoch:version-release` for rpm, `epoch:version` for dpkg.
    public var fullVersion: String {
        var text = version
        if let release, !release.isEmpty { text += "-" + release }
        if let epoch, epoch != 0 { text = "\(epoch):" + text }
        return text
    }
}
