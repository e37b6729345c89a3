import Foundation
import ImageAnalysis
import MoatTesting
import Testing

@Suite("minbase in every storage format gives the same report")
struct ImageFormatsTests {
    /// The report as JSON without what legitimately depends on how the image is stored: where it came from,
    /// its format and names, and the stored (compressed) form of each layer.
    static func normalised(_ run: MoatRun) throws -> String {
        #expect(run.status == 0, "\(run.commandLine): \(run.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        var image = try #require(object["image"] as? [String: Any])
        for key in ["source", "format", "names", "manifestDigest"] { image[key] = nil }
        object["image"] = image
        object["layers"] = try #require(object["layers"] as? [[String: Any]]).map { layer in
            layer.filter { !["digest", "mediaType", "compression", "compressedBytes"].contains($0.key) }
        }
        var totals = try #require(object["totals"] as? [String: Any])
        totals["compressedBytes"] = nil
        object["totals"] = totals
        object["findings"] = try #require(object["findings"] as? [[String: Any]]).map { finding in
            finding.filter { $0.key != "layerDigest" }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    static let sources: [(label: String, arguments: [String])] = [
        ("docker-archive", ["--input", "minbase.docker.tar"]),
        ("docker-archive.gz", ["--input", "minbase.docker.tar.gz"]),
        ("oci-archive", ["--input", "minbase.oci.tar"]),
        ("oci-layout", ["--layout", "minbase.oci"]),
        ("oci-layout via --input", ["--input", "minbase.oci"]),
    ]

    func run(_ arguments: [String], images: String) async throws -> MoatRun {
        var arguments = arguments
        arguments[1] = images + "/" + arguments[1]
        return try await MoatCLI.cached(["image"] + arguments + ["--format", "json", "--scanners", "footprint,secret"])
    }

    @Test("same findings, base, waste and layer diff_ids from docker-archive, .gz, OCI archive and OCI layout")
    func sameReport() async throws {
        let images = try MoatCLI.images()
        let reference = try await run(Self.sources[0].arguments, images: images)
        let expected = try Self.normalised(reference)
        let referenceReport = try JSONDecoder().decode(FootprintReport.self, from: Data(reference.stdout.utf8))
        #expect(referenceReport.findings.count > 10)
        #expect(referenceReport.layers.count == 1)
        for source in Self.sources.dropFirst() {
            let other = try await run(source.arguments, images: images)
            let report = try JSONDecoder().decode(FootprintReport.self, from: Data(other.stdout.utf8))
            #expect(report.layers.map(\.diffID) == referenceReport.layers.map(\.diffID), "\(source.label)")
            #expect(report.findings.map(\.fingerprint) == referenceReport.findings.map(\.fingerprint), "\(source.label)")
            #expect(try Self.normalised(other) == expected, "\(source.label) differs from docker-archive")
        }
    }

    @Test("the format and stored layer form are reported per source")
    func formatNames() async throws {
        let images = try MoatCLI.images()
        let expected = ["docker-archive": ("docker-archive", "none"), "docker-archive.gz": ("docker-archive", "none"),
                        "oci-archive": ("oci-archive", "gzip"), "oci-layout": ("oci-layout", "gzip")]
        for source in Self.sources where expected[source.label] != nil {
            let report = try await JSONDecoder().decode(FootprintReport.self, from: Data(try run(source.arguments, images: images).stdout.utf8))
            #expect(report.image.format == expected[source.label]?.0, "\(source.label)")
            #expect(report.layers.first?.compression == expected[source.label]?.1, "\(source.label)")
        }
    }

    @Test("the zstd-recompressed layout has the same layer diff_id and findings")
    func zstd() async throws {
        let images = try MoatCLI.images()
        let reference = try await JSONDecoder().decode(FootprintReport.self, from: Data(try run(Self.sources[3].arguments, images: images).stdout.utf8))
        let run = try await MoatCLI.cached(["image", "--layout", images + "/minbase-zstd.oci", "--format", "json", "--scanners", "footprint,secret"])
        try #require(run.status == 0, "\(run.commandLine) exited \(run.status): \(run.stderr)")
        let report = try JSONDecoder().decode(FootprintReport.self, from: Data(run.stdout.utf8))
        #expect(report.layers.first?.compression == "zstd")
        #expect(report.layers.map(\.diffID) == reference.layers.map(\.diffID))
        #expect(report.findings.map(\.fingerprint) == reference.findings.map(\.fingerprint))
    }
}
