import Testing
import Versioning

@Suite("VersionComparator and VersionScheme")
struct VersionComparatorTests {
    @Test("string comparison dispatches on the scheme", arguments: [
        (VersionScheme.dpkg, "1.0~rc1", "1.0", VersionComparison.less),
        (.dpkg, "1:0.1", "2.0", .greater),
        (.apk, "1.0_p1", "1.0", .greater),
        (.rpm, "1.0^git1", "1.0.1", .less),
        (.pep440, "1.0RC1", "1.0rc1", .equal),
        (.semver, "1.0.0-alpha.beta", "1.0.0-beta", .less),
        (.go, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", .less),
        (.maven, "1.2.3.final", "1.2.3", .equal),
        // The same strings order differently per scheme.
        (.dpkg, "1.0a", "1.0.1", .less),
        (.rpm, "1.0a", "1.0.1", .less),
        (.maven, "1.0-1", "1.0.1", .less),
        (.dpkg, "1.0-1", "1.0.1", .less),
        (.pep440, "1.0-1", "1.0.1", .less),
        (.pep440, "1.0-1", "1.0", .greater),
        (.rpm, "1.0-1", "1.0", .greater),
        (.maven, "1.0-1", "1.0", .greater),
    ])
    func dispatch(_ row: (VersionScheme, String, String, VersionComparison)) throws {
        #expect(try VersionComparator.compare(row.1, row.2, scheme: row.0) == row.3)
        #expect(try VersionComparator.compare(row.2, row.1, scheme: row.0) == row.3.reversed)
    }

    @Test func schemeTypes() {
        for scheme in VersionScheme.allCases {
            #expect(scheme.versionType.scheme == scheme)
            #expect(!scheme.displayName.isEmpty)
        }
    }

    @Test("validation per scheme", arguments: [
        (VersionScheme.dpkg, "1:2.36-9+deb12u4", true), (.dpkg, "abc", false),
        (.apk, "1.2.3_rc1-r0", true), (.apk, "1.2.3_foo", false),
        (.rpm, "1:1.0-1.el8", true), (.rpm, "x:1.0", false),
        (.pep440, "1.0.post1", true), (.pep440, "1.0-foo", false),
        (.semver, "1.2.3", true), (.semver, "1.2", false),
        (.go, "v1.2", true), (.go, "v1.2-pre", false),
        (.maven, "1.0-SNAPSHOT", true), (.maven, "[1.0,)", false),
    ])
    func validation(_ row: (VersionScheme, String, Bool)) {
        #expect(VersionComparator.isValid(row.1, scheme: row.0) == row.2)
        if !row.2 {
            #expect(throws: VersionError.self) { try VersionComparator.validate(row.1, scheme: row.0) }
        }
    }

    @Test func comparingWithAnInvalidSideNamesThatSide() {
        do {
            _ = try VersionComparator.compare("1.0", "1..0", scheme: .pep440)
            Issue.record("expected an error")
        } catch {
            #expect(error.input == "1..0")
            #expect(error.scheme == .pep440)
            #expect(error.description.hasPrefix(#"invalid PEP 440 version "1..0": "#))
        }
    }

    @Test func longInputsAreTruncatedInMessages() {
        let long = String(repeating: "x", count: 500)
        let error = VersionError(scheme: .maven, input: long, reason: "test")
        #expect(error.description.count < 200)
        #expect(error.input == long)
    }

    // MARK: trivy OS advisory rule (research notes §3/§4)

    @Test("isVulnerable follows trivy's detectors", arguments: [
        // scheme, installed, fixed, affectedVersion, vulnerable
        (VersionScheme.apk, "1.6-r0", "1.6_rc1-r0", "", false),
        (.apk, "1.6-r0", "1.6_rc2", "", false),
        (.apk, "1.6-r0", "1.6-r1", "", true),
        (.apk, "0.1.0_alpha", "0.1.0_alpha2", "", true),
        (.apk, "0.1.0_alpha", "0.1.0_alpha_pre2", "", false),
        (.apk, "1.2.3-r0", "", "", true),                   // unfixed: always reported
        (.apk, "1.2.3-r0", "", "1.3.0-r0", false),          // ... unless below the AffectedVersion bound
        (.apk, "1.2.3-r0", "1.5.0-r0", "1.0.0-r0", true),
        (.apk, "0.9-r0", "1.5.0-r0", "1.0.0-r0", false),
        (.dpkg, "2.36-9+deb12u3", "2.36-9+deb12u4", "", true),
        (.dpkg, "2.36-9+deb12u4", "2.36-9+deb12u4", "", false),
        (.dpkg, "1:1.0-1", "2.0-1", "", false),             // epoch
        (.dpkg, "1.0-1.amzn2", "1.0-2.amzn2", "", true),    // Amazon: deb ordering on rpm-ish versions
        (.rpm, "1:2.9.1-6.el7_2.3", "1:2.9.1-6.0.1.el7_2.3", "", true),
        (.rpm, "3.10.0-327.28.3.el7", "3.10.0-327.el7", "", false),
    ])
    func isVulnerable(_ row: (VersionScheme, String, String, String, Bool)) throws {
        #expect(try VersionComparator.isVulnerable(
            installed: row.1, fixedVersion: row.2, affectedVersion: row.3, scheme: row.0) == row.4)
    }

    @Test func unparsableAdvisoryVersionsThrow() {
        #expect(throws: VersionError.self) {
            try VersionComparator.isVulnerable(installed: "1.0-r0", fixedVersion: "invalid", scheme: .apk)
        }
        #expect(throws: VersionError.self) {
            try VersionComparator.isVulnerable(installed: "bad version", fixedVersion: "", scheme: .apk)
        }
        #expect(throws: VersionError.self) {
            try VersionComparator.isVulnerable(installed: "1.0-r0", fixedVersion: "", affectedVersion: "?", scheme: .apk)
        }
    }

    // MARK: Scheme lookup

    @Test("OS family → scheme", arguments: [
        ("alpine", VersionScheme.apk), ("wolfi", .apk), ("chainguard", .apk), ("debian", .dpkg), ("ubuntu", .dpkg),
        ("amazon", .dpkg), ("redhat", .rpm), ("centos", .rpm), ("rocky", .rpm), ("alma", .rpm), ("oracle", .rpm),
        ("opensuse.leap", .rpm), ("photon", .rpm), ("cbl-mariner", .rpm), ("Ubuntu", .dpkg),
    ])
    func osFamilies(_ row: (String, VersionScheme)) {
        #expect(VersionScheme(osFamily: row.0) == row.1)
    }

    @Test func unknownOSFamily() {
        #expect(VersionScheme(osFamily: "windows") == nil)
    }

    @Test("OSV ecosystem → scheme", arguments: [
        ("Debian:12", VersionScheme.dpkg), ("Debian", .dpkg), ("Ubuntu:Pro:18.04:LTS", .dpkg), ("Alpine:v3.19", .apk),
        ("Wolfi", .apk), ("Red Hat:rhel_aus:8.4::appstream", .rpm), ("Rocky Linux:9", .rpm), ("openSUSE:Leap 15.5", .rpm),
        ("PyPI", .pep440), ("npm", .semver), ("crates.io", .semver), ("Go", .go), ("Maven", .maven),
        ("Maven:https://maven.google.com", .maven),
    ])
    func osvEcosystems(_ row: (String, VersionScheme)) {
        #expect(VersionScheme(osvEcosystem: row.0) == row.1)
    }

    @Test func unknownOSVEcosystems() {
        for name in ["RubyGems", "NuGet", "Packagist", "Hex", "pypi", ""] {
            #expect(VersionScheme(osvEcosystem: name) == nil)
        }
    }
}
