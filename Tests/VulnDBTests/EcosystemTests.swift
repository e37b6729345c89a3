import Inventory
import Testing
import VulnDB

@Suite("Ecosystem and package-name normalisation")
struct EcosystemTests {
    @Test("OSV ecosystems map to the normalised keys", arguments: [
        ("Debian:12", "debian:12"),
        ("Debian:11", "debian:11"),
        ("Debian:12.4", "debian:12"),
        ("Debian", "debian"),
        ("Ubuntu:22.04:LTS", "ubuntu:22.04"),
        ("Ubuntu:23.10", "ubuntu:23.10"),
        ("Ubuntu:Pro:18.04:LTS", "ubuntu:18.04-esm"),
        ("Ubuntu:Pro:FIPS-updates:22.04:LTS", "ubuntu:22.04-fips-updates"),
        ("Alpine:v3.18", "alpine:v3.18"),
        ("Alpine:v3.10", "alpine:v3.10"),
        ("Alpine:3.18", "alpine:v3.18"),
        ("Alpine:edge", "alpine:edge"),
        ("Rocky Linux:8", "rocky:8"),
        ("AlmaLinux:9", "alma:9"),
        ("Photon OS:3.0", "photon:3.0"),
        ("Wolfi", "wolfi"),
        ("Chainguard", "chainguard"),
        ("PyPI", "PyPI"),
        ("pypi", "PyPI"),
        ("pip", "PyPI"),
        ("npm", "npm"),
        ("Go", "Go"),
        ("golang", "Go"),
        ("Maven", "Maven"),
        ("Maven:https://repo1.maven.org/maven2/", "Maven"),
        ("crates.io", "crates.io"),
        ("cargo", "crates.io"),
        ("RubyGems", "RubyGems"),
        ("Packagist", "Packagist"),
        ("NuGet", "NuGet"),
        ("GitHub Actions", "GitHub Actions"),
        ("  PyPI  ", "PyPI"),
        ("SomethingNew:1", "SomethingNew:1"),
    ])
    func ecosystems(raw: String, expected: String) {
        #expect(Ecosystem.normalize(raw) == expected)
        #expect(Ecosystem.normalize(expected) == expected, "normalisation is idempotent")
    }

    @Test("operating-system releases as os-release names them")
    func operatingSystems() {
        #expect(Ecosystem.forOperatingSystem(family: "debian", version: "12.4") == "debian:12")
        #expect(Ecosystem.forOperatingSystem(family: "ubuntu", version: "22.04") == "ubuntu:22.04")
        #expect(Ecosystem.forOperatingSystem(family: "alpine", version: "3.10.2") == "alpine:v3.10")
        #expect(Ecosystem.forOperatingSystem(family: "alpine", version: "3.21_alpha20240807") == "alpine:v3.21")
        #expect(Ecosystem.forOperatingSystem(family: "", version: "1") == nil)
    }

    @Test("inventory package types map to language ecosystems")
    func packageTypes() {
        #expect(Ecosystem.forPackageType(.python) == "PyPI")
        #expect(Ecosystem.forPackageType(.node) == "npm")
        #expect(Ecosystem.forPackageType(.gobinary) == "Go")
        #expect(Ecosystem.forPackageType(.jar) == "Maven")
        #expect(Ecosystem.forPackageType(.rustbinary) == "crates.io")
        #expect(Ecosystem.forPackageType(.dpkg) == nil)
    }

    /// PEP 503's own list of names that all normalise to `friendly-bard`, plus other ecosystems' rules.
    @Test("package names per ecosystem", arguments: [
        ("PyPI", "friendly-bard", "friendly-bard"),
        ("PyPI", "Friendly-Bard", "friendly-bard"),
        ("PyPI", "FRIENDLY-BARD", "friendly-bard"),
        ("PyPI", "friendly.bard", "friendly-bard"),
        ("PyPI", "friendly_bard", "friendly-bard"),
        ("PyPI", "friendly--bard", "friendly-bard"),
        ("PyPI", "FrIeNdLy-._.-bArD", "friendly-bard"),
        ("PyPI", "Zope.Interface", "zope-interface"),
        ("PyPI", " requests ", "requests"),
        ("npm", "JSONStream", "JSONStream"),
        ("npm", "@babel/core", "@babel/core"),
        ("Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
        ("Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"),
        ("Maven", "org.apache.logging.log4j/log4j-core", "org.apache.logging.log4j:log4j-core"),
        ("crates.io", "Serde_JSON", "serde_json"),
        ("NuGet", "Newtonsoft.Json", "newtonsoft.json"),
        ("Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"),
        ("RubyGems", "Rack", "Rack"),
        ("debian:12", "OpenSSL", "openssl"),
        ("Debian:12", "OpenSSL", "openssl"),
        ("ubuntu:22.04", "Glibc", "glibc"),
        ("alpine:v3.10", "py3-Pillow", "py3-Pillow"),
    ])
    func names(ecosystem: String, name: String, expected: String) {
        #expect(PackageName.normalize(name, ecosystem: Ecosystem.normalize(ecosystem)) == expected)
    }

    @Test("vendor severity words")
    func vendorWords() {
        #expect(Severity(vendorText: "MODERATE") == .medium)
        #expect(Severity(vendorText: "Important") == .high)
        #expect(Severity(vendorText: "unimportant") == .low)
        #expect(Severity(vendorText: "low**") == .low)
        #expect(Severity(vendorText: "negligible") == .low)
        #expect(Severity(vendorText: "CRITICAL") == .critical)
        #expect(Severity(vendorText: "not yet assigned") == nil)
        #expect(Severity(vendorText: "untriaged") == nil)
        #expect(Severity.low < Severity.critical)
    }
}
