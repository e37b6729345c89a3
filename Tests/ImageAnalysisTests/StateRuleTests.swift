import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("StateRule: VOLUME declarations and baked-in data directories")
struct StateRuleTests {
    @Test("an ordinary VOLUME is info; /proc, /sys and /dev are high MOAT-C009")
    func volumes() async throws {
        let image = singleLayerImage(config: ContainerConfig(volumes: ["/var/lib/app", "/proc", "/sys/", "/dev"])) { tar in
            tar.directory("var")
        }
        let report = try await analyze(image)
        let ordinary = report.findings(RuleCatalog.volume)
        #expect(ordinary.count == 1)
        #expect(ordinary.first?.severity == .info)
        #expect(ordinary.first?.message.contains("/var/lib/app") == true)
        let sensitive = report.findings(RuleCatalog.sensitiveVolume)
        #expect(sensitive.count == 3)
        #expect(sensitive.allSatisfy { $0.severity == .high && $0.origin == .config })
        #expect(sensitive.contains { $0.message.contains("VOLUME /proc ") })
        #expect(sensitive.contains { $0.message.contains("VOLUME /sys/ ") })
    }

    @Test("database files baked into the image are medium MOAT-C005 at the data directory")
    func bakedInDatabase() async throws {
        let image = singleLayerImage { tar in
            tar.directories("var", "var/lib", "var/lib/mysql")
            tar.blob("var/lib/mysql/ibdata1", size: 4096)
            tar.blob("var/lib/mysql/ib_logfile0", size: 1024)
        }
        let report = try await analyze(image)
        let state = try #require(report.finding(RuleCatalog.volume, path: "/var/lib/mysql"))
        #expect(state.severity == .medium)
        #expect(state.message.contains("2 data files"))
    }

    @Test("no volumes and no data directories: nothing reported")
    func nothing() async throws {
        let report = try await analyze(singleLayerImage { tar in tar.directories("var", "var/lib", "var/lib/mysql") })
        #expect(report.findings(RuleCatalog.volume).isEmpty)
        #expect(report.findings(RuleCatalog.sensitiveVolume).isEmpty)
    }
}
