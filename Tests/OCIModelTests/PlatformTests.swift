import Testing
import Foundation
import OCIModel

@Suite("Platform")
struct PlatformTests {
    @Test("OS/ARCH[/VARIANT] parses", arguments: [
        ("linux/amd64", "linux", "amd64", nil),
        ("linux/arm64/v8", "linux", "arm64", "v8"),
        ("linux/arm/v7", "linux", "arm", "v7"),
        ("windows/amd64", "windows", "amd64", nil),
    ] as [(String, String, String, String?)])
    func parses(_ text: String, _ os: String, _ architecture: String, _ variant: String?) throws {
        let platform = try Platform(parsing: text)
        #expect(platform.os == os)
        #expect(platform.architecture == architecture)
        #expect(platform.variant == variant)
        #expect(platform.description == text)
        #expect(platform == Platform(os: os, architecture: architecture, variant: variant))
    }

    @Test("malformed platforms are refused with a hint", arguments: ["", "linux", "linux/", "/amd64", "linux//v8", "linux/arm64/v8/extra", "linux/arm64/"])
    func refuses(_ text: String) {
        do {
            _ = try Platform(parsing: text)
            Issue.record("\"\(text)\" should not parse")
        } catch {
            #expect(error == .invalidPlatform(text))
            #expect(error.description.contains("expected OS/ARCH[/VARIANT]"))
            #expect(error.description.contains("linux/amd64"))
        }
    }

    @Test("accepts: same os and architecture, variants compatible", arguments: [
        ("linux/amd64", "linux/amd64", true),
        ("linux/arm64", "linux/arm64/v8", true),
        ("linux/arm64/v8", "linux/arm64", true),
        ("linux/arm64/v8", "linux/arm64/v8", true),
        ("linux/arm/v7", "linux/arm/v7", true),
        ("linux/arm/v7", "linux/arm/v6", false),
        ("linux/arm/v6", "linux/arm/v7", false),
        ("linux/arm", "linux/arm/v7", true),
        ("linux/arm/v7", "linux/arm", true),
        ("linux/amd64", "windows/amd64", false),
        ("linux/amd64", "linux/arm64", false),
        ("linux/arm64", "linux/arm", false),
        ("linux/arm64/v8", "linux/arm64/v9", false),  // an explicit v8 is not v9
    ])
    func accepts(_ wanted: String, _ offered: String, _ expected: Bool) throws {
        #expect(try Platform(parsing: wanted).accepts(try Platform(parsing: offered)) == expected)
    }

    @Test("v8 is only the default variant on arm64")
    func v8OnlyOnArm64() {
        let arm = Platform(os: "linux", architecture: "arm", variant: "v8")
        #expect(!arm.accepts(Platform(os: "linux", architecture: "arm", variant: "v7")))
        #expect(arm.accepts(Platform(os: "linux", architecture: "arm", variant: "v8")))
    }

    @Test("the host platform is a Linux platform this build can name")
    func host() {
        let host = Platform.host
        #expect(host.os == "linux")
        #if arch(x86_64)
        #expect(host.architecture == "amd64")
        #elseif arch(arm64)
        #expect(host.description == "linux/arm64/v8")
        #endif
        #expect(host.accepts(host))
    }

    @Test("JSON uses the OCI field names, including os.version")
    func codable() throws {
        let json = #"{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2227"}"#
        let platform = try JSONDecoder().decode(Platform.self, from: Data(json.utf8))
        #expect(platform.osVersion == "10.0.20348.2227")
        #expect(platform.description == "windows/amd64")
        let encoded = String(decoding: try JSONEncoder().encode(platform), as: UTF8.self)
        #expect(encoded.contains("\"os.version\""))
    }
}
