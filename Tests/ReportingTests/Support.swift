import Foundation
import ImageAnalysis
import OCIImage
import OCIModel
import Testing
import MoatTesting

/// Raw secrets planted in the fixture image; no writer may print them.
enum Planted {
    static let envSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYREPORTINGKEY"
    static let awsKeyID = "AKIAIOSFODNN7EXAMPLE"
    static let keyBody = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
    static var all: [String] { [envSecret, awsKeyID, keyBody] }
}

/// Analyses an image with findings of every severity, secrets planted in files and in Env, and waste.
enum Fixture {
    static func makeReport() async throws -> FootprintReport {
        var base = TarBuilder()
        for directory in ["etc", "usr", "usr/bin", "srv"] { base.directory(directory) }
        base.directory("tmp", mode: 0o1777)
        base.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
        base.file("usr/bin/dash", bytes: [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0, count: 60), mode: 0o755)
        base.symlink("usr/bin/sh", to: "dash")
        base.file("usr/bin/perl", bytes: [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 1, count: 60), mode: 0o755)
        base.file("srv/big.bin", bytes: [UInt8](repeating: 7, count: 1_200_000))
        var app = TarBuilder()
        app.file("srv/shared.conf", "aws_access_key_id = \(Planted.awsKeyID)\n", mode: 0o666)
        app.file("srv/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n\(Planted.keyBody)\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        app.file("tmp/build.log", "compiling\n")
        app.whiteout("srv/big.bin")
        var image = TestImage()
        image.addLayer(base, compression: .none, createdBy: "/bin/sh -c #(nop) ADD file:0123456789abcdef in / ")
        image.addLayer(app, compression: .none, createdBy: "COPY . /srv # buildkit")
        image.containerConfig = ContainerConfig(env: ["AWS_SECRET_ACCESS_KEY=\(Planted.envSecret)"], cmd: ["/srv/app"], exposedPorts: ["80/tcp"])
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ImageWriter.writeOCILayout([(name: "fixture", image: image)], to: directory)
        return try await FootprintAnalyzer(toolVersion: "9.9.9-test").analyze(try ImageOpener().openDirectory(directory))
    }
}
