import Testing
import CMoatInflate
import Compression

@Suite("Inflater back end")
struct InflaterBackendTests {
    @Test("a default inflater runs on ISA-L exactly when GzipDecompressor.usesISAL says so; allowISAL: false is zlib")
    func backendMatchesReport() throws {
        let isal = try #require(moat_inflater_create(1))
        defer { moat_inflater_destroy(isal) }
        let zlib = try #require(moat_inflater_create(0))
        defer { moat_inflater_destroy(zlib) }
        #expect((moat_inflater_uses_isal(isal) != 0) == GzipDecompressor.usesISAL)
        #expect(moat_inflater_uses_isal(zlib) == 0)
        print("InflaterBackendTests: default gzip inflater uses \(moat_inflater_uses_isal(isal) != 0 ? "ISA-L" : "zlib")")
    }
}
