import Foundation
import ImageAnalysis
import OCIImage
import OCIModel
import Testing

/// Raw secrets planted in the fixture image; no writer may print them.
enum Planted {
    static let envSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYREPORTINGKEY"
    static let awsKeyID = "AKIAIOSFODNN7EXAMPLE"
    static let keyBody = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
    static var all: [String] { [envSecret, awsKeyID, keyBody] }
}

/// A tiny ustar writer: ReportingTests does not depend on MoatTesting, and needs only plain entries.
struct MiniTar {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, type: UInt8 = 0x30, content: [UInt8] = [], mode: UInt32 = 0o644, link: String = "") {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: length - 1 - digits.count) + digits, offset, length - 1)
        }
        put(name, 0, 100)
        octal(Int(mode), 100, 8)
        octal(0, 108, 8)
        octal(0, 116, 8)
        octal(content.count, 124, 12)
        octal(1_700_000_000, 136, 12)
        header[156] = type
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        for index in 148..<156 { header[index] = 0x20 }
        let digits = String(header.reduce(0) { $0 + Int($1) }, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, 148, 6)
        header[154] = 0
        bytes += header + content
        if content.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - content.count % 512) }
    }

    mutating func file(_ name: String, _ text: String, mode: UInt32 = 0o644) { add(name, content: Array(text.utf8), mode: mode) }
    mutating func directory(_ name: String, mode: UInt32 = 0o755) { add(name + "/", type: 0x35, mode: mode) }
    mutating func symlink(_ name: String, to target: String) { add(name, type: 0x32, mode: 0o777, link: target) }

    var finished: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }
}

/// Writes an OCI layout with uncompressed layers and opens it with moat's own reader.
func writeLayout(layers: [(tar: MiniTar, createdBy: String)], config: ContainerConfig, to directory: String) throws -> Image {
    func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }
    var files: [String: [UInt8]] = [:]
    var descriptors: [Descriptor] = []
    var diffIDs: [Digest] = []
    for layer in layers {
        let bytes = layer.tar.finished
        let digest = Digest.sha256(of: bytes)
        files["blobs/sha256/\(digest.hex)"] = bytes
        descriptors.append(Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: Int64(bytes.count)))
        diffIDs.append(digest)
    }
    let imageConfig = ImageConfig(architecture: "amd64", os: "linux", config: config, rootfs: RootFS(diffIDs: diffIDs),
                                  history: layers.map { History(createdBy: $0.createdBy) })
    let configBytes = try json(imageConfig)
    let configDigest = Digest.sha256(of: configBytes)
    files["blobs/sha256/\(configDigest.hex)"] = configBytes
    let manifest = Manifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
                            layers: descriptors)
    let manifestBytes = try json(manifest)
    let manifestDigest = Digest.sha256(of: manifestBytes)
    files["blobs/sha256/\(manifestDigest.hex)"] = manifestBytes
    files["index.json"] = try json(Index(manifests: [Descriptor(mediaType: MediaType.ociManifest, digest: manifestDigest,
                                                                size: Int64(manifestBytes.count),
                                                                annotations: ["org.opencontainers.image.ref.name": "fixture"])]))
    files["oci-layout"] = Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)
    for (path, bytes) in files {
        let full = directory + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
    return try ImageOpener().openDirectory(directory)
}

/// Analyses an image with findings of every severity, secrets planted in files and in Env, and waste.
enum Fixture {
    static func makeReport() async throws -> FootprintReport {
        var base = MiniTar()
        for directory in ["etc", "usr", "usr/bin", "srv"] { base.directory(directory) }
        base.directory("tmp", mode: 0o1777)
        base.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
        base.add("usr/bin/dash", content: [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0, count: 60), mode: 0o755)
        base.symlink("usr/bin/sh", to: "dash")
        base.add("usr/bin/perl", content: [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 1, count: 60), mode: 0o755)
        base.add("srv/big.bin", content: [UInt8](repeating: 7, count: 1_200_000))
        var app = MiniTar()
        app.file("srv/shared.conf", "aws_access_key_id = \(Planted.awsKeyID)\n", mode: 0o666)
        app.file("srv/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n\(Planted.keyBody)\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        app.file("tmp/build.log", "compiling\n")
        app.add("srv/.wh.big.bin")
        let directory = NSTemporaryDirectory() + "moat-reporting-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = try writeLayout(
            layers: [(base, "/bin/sh -c #(nop) ADD file:0123456789abcdef in / "), (app, "COPY . /srv # buildkit")],
            config: ContainerConfig(env: ["AWS_SECRET_ACCESS_KEY=\(Planted.envSecret)"], cmd: ["/srv/app"], exposedPorts: ["80/tcp"]),
            to: directory)
        return try await FootprintAnalyzer(toolVersion: "9.9.9-test").analyze(image)
    }
}
