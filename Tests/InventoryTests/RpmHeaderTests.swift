import Foundation
import Inventory
import MoatTesting
import Testing

/// Builds rpm header blobs (`il`, `dl`, index entries, data store; all big-endian).
struct RpmHeaderBuilder {
    enum Value {
        case string(String)
        case i18n([String])
        case strings([String])
        case int32([Int32])
        case raw(type: UInt32, count: UInt32, bytes: [UInt8])
    }

    var entries: [(tag: Int32, value: Value)] = []

    mutating func add(_ tag: Int32, _ value: Value) { entries.append((tag, value)) }

    func build() -> [UInt8] {
        var index: [UInt8] = []
        var data: [UInt8] = []
        for (tag, value) in entries {
            let type: UInt32
            let count: UInt32
            var bytes: [UInt8] = []
            switch value {
            case .string(let text):
                (type, count) = (6, 1)
                bytes = Array(text.utf8) + [0]
            case .i18n(let texts):
                (type, count) = (9, UInt32(texts.count))
                for text in texts { bytes += Array(text.utf8) + [0] }
            case .strings(let texts):
                (type, count) = (8, UInt32(texts.count))
                for text in texts { bytes += Array(text.utf8) + [0] }
            case .int32(let values):
                (type, count) = (4, UInt32(values.count))
                while data.count % 4 != 0 { data.append(0) }
                for value in values { bytes += Self.be32(UInt32(bitPattern: value)) }
            case .raw(let rawType, let rawCount, let rawBytes):
                (type, count, bytes) = (rawType, rawCount, rawBytes)
            }
            index += Self.be32(UInt32(bitPattern: tag)) + Self.be32(type) + Self.be32(UInt32(data.count)) + Self.be32(count)
            data += bytes
        }
        return Self.be32(UInt32(entries.count)) + Self.be32(UInt32(data.count)) + index + data
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    static func package(name: String = "openssl-libs", epoch: Int32? = 1, arch: String? = "x86_64",
                        sourceRPM: String? = "openssl-3.0.7-27.el9.src.rpm") -> RpmHeaderBuilder {
        var builder = RpmHeaderBuilder()
        builder.add(RpmTag.name, .string(name))
        builder.add(RpmTag.version, .string("3.0.7"))
        builder.add(RpmTag.release, .string("27.el9"))
        if let epoch { builder.add(RpmTag.epoch, .int32([epoch])) }
        builder.add(RpmTag.summary, .i18n(["A general purpose cryptography library", "translated"]))
        builder.add(RpmTag.vendor, .string("Red Hat, Inc."))
        builder.add(RpmTag.license, .string("ASL 2.0"))
        if let arch { builder.add(RpmTag.arch, .string(arch)) }
        if let sourceRPM { builder.add(RpmTag.sourceRPM, .string(sourceRPM)) }
        builder.add(1117, .strings(["libcrypto.so.3", "libssl.so.3"])) // BASENAMES
        return builder
    }
}

@Suite("rpm header blobs")
struct RpmHeaderTests {
    @Test("a hand-built header reads back, and maps to trivy's package fields")
    func fields() throws {
        let blob = RpmHeaderBuilder.package().build()
        let header = try RpmHeader(blob: blob)
        #expect(header.entries.count == 10)
        #expect(header.string(RpmTag.name) == "openssl-libs")
        #expect(header.int32(RpmTag.epoch) == 1)
        #expect(header.string(RpmTag.summary) == "A general purpose cryptography library")
        #expect(header.stringArray(1117) == ["libcrypto.so.3", "libssl.so.3"])
        #expect(header.int32(RpmTag.name) == nil) // wrong type
        #expect(header.string(RpmTag.modularityLabel) == nil) // absent

        let package = try #require(RpmDatabase.package(header: header, path: "var/lib/rpm/rpmdb.sqlite"))
        #expect(package == Package(
            type: .rpm, name: "openssl-libs", version: "3.0.7", epoch: 1, release: "27.el9", arch: "x86_64",
            sourceName: "openssl", sourceVersion: "3.0.7", sourceRelease: "27.el9", sourceEpoch: 1,
            licenses: ["ASL 2.0"], maintainer: "Red Hat, Inc.", vendor: "Red Hat, Inc.", filePath: "var/lib/rpm/rpmdb.sqlite"))
        #expect(RpmDatabase.purl(for: package, distro: "redhat", versionID: "9.3")
            == "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=redhat-9.3&epoch=1")
    }

    @Test("gpg-pubkey is skipped; no arch reads as None; epoch 0 and (none) read as absent")
    func rules() throws {
        let key = try RpmHeader(blob: RpmHeaderBuilder.package(name: "gpg-pubkey", arch: nil, sourceRPM: nil).build())
        #expect(RpmDatabase.package(header: key, path: "p") == nil)

        let bare = try RpmHeader(blob: RpmHeaderBuilder.package(epoch: 0, arch: nil, sourceRPM: "(none)").build())
        let package = try #require(RpmDatabase.package(header: bare, path: "p"))
        #expect(package.arch == "None")
        #expect(package.epoch == nil && package.sourceEpoch == nil)
        #expect(package.sourceName == nil && package.sourceVersion == nil && package.sourceRelease == nil)

        let oddSource = try RpmHeader(blob: RpmHeaderBuilder.package(epoch: nil, sourceRPM: "nodashes.src.rpm").build())
        let odd = try #require(RpmDatabase.package(header: oddSource, path: "p"))
        #expect(odd.sourceName == nil && odd.epoch == nil)

        var modular = RpmHeaderBuilder.package()
        modular.add(RpmTag.modularityLabel, .string("nodejs:16:8040020210708131418:9edba152"))
        let module = try #require(RpmDatabase.package(header: RpmHeader(blob: modular.build()), path: "p"))
        #expect(module.modularityLabel == "nodejs:16:8040020210708131418:9edba152")
        #expect(RpmDatabase.purl(for: module, distro: "redhat", versionID: "8.4")
            == "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=redhat-8.4&epoch=1&modularitylabel=nodejs:16:8040020210708131418:9edba152")

        var noName = RpmHeaderBuilder()
        noName.add(RpmTag.version, .string("1"))
        #expect(RpmDatabase.package(header: try RpmHeader(blob: noName.build()), path: "p") == nil)
    }

    @Test("a later entry for the same tag (a dribble entry) wins")
    func dribble() throws {
        var builder = RpmHeaderBuilder.package()
        builder.add(RpmTag.vendor, .string("Fedora Project"))
        #expect(try RpmHeader(blob: builder.build()).string(RpmTag.vendor) == "Fedora Project")
    }

    @Test("every truncation of a real-looking header is an error, never a crash")
    func truncations() throws {
        let blob = RpmHeaderBuilder.package().build()
        for length in 0..<blob.count {
            #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: Array(blob.prefix(length))) }
            #expect(throws: RpmDatabaseError.self) {
                // Through the database layer too: a truncated blob is a clear error naming the record.
                _ = try RpmDatabase.packages(ndb: Self.ndbFile(blobs: [Array(blob.prefix(length))]))
            }
        }
        // Extra bytes after the data store are ignored.
        #expect(try RpmHeader(blob: blob + [1, 2, 3]).string(RpmTag.name) == "openssl-libs")
    }

    @Test("index counts and data lengths that lie are errors")
    func lyingCounts() throws {
        let blob = RpmHeaderBuilder.package().build()
        func with(_ at: Int, _ value: UInt32) -> [UInt8] {
            var copy = blob
            copy.replaceSubrange(at..<(at + 4), with: RpmHeaderBuilder.be32(value))
            return copy
        }
        #expect(throws: RpmHeaderError.badIndexCount(0)) { try RpmHeader(blob: with(0, 0)) }
        #expect(throws: RpmHeaderError.badIndexCount(0x7FFF_FFFF)) { try RpmHeader(blob: with(0, 0x7FFF_FFFF)) }
        #expect(throws: RpmHeaderError.badIndexCount(0xFFFF_FFFF)) { try RpmHeader(blob: with(0, 0xFFFF_FFFF)) }
        #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: with(0, 11)) } // more entries than present
        #expect(throws: RpmHeaderError.badDataLength(0xFFFF_FFFF)) { try RpmHeader(blob: with(4, 0xFFFF_FFFF)) }
        #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: with(4, 1_000_000)) }
        // An entry whose offset points outside the data store, or is negative, or has an unknown type.
        #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: with(8 + 8, 1_000_000)) }
        #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: with(8 + 8, 0xFFFF_FFF0)) }
        #expect(throws: RpmHeaderError.self) { try RpmHeader(blob: with(8 + 4, 42)) }
    }

    @Test("values that run past the data store read as nil")
    func badValues() throws {
        var builder = RpmHeaderBuilder()
        builder.add(RpmTag.epoch, .raw(type: 4, count: 1_000_000, bytes: [0, 0, 0, 1]))
        builder.add(1117, .raw(type: 8, count: 0xFFFF_FFFF, bytes: [0x61, 0]))
        builder.add(1118, .raw(type: 8, count: 3, bytes: [0x61, 0, 0x62]))
        builder.add(RpmTag.version, .raw(type: 6, count: 1, bytes: []))
        // Last, so that no later data supplies a terminator.
        builder.add(RpmTag.name, .raw(type: 6, count: 1, bytes: Array("no-terminator".utf8)))
        let header = try RpmHeader(blob: builder.build())
        #expect(header.string(RpmTag.name) == nil)
        #expect(header.int32(RpmTag.epoch) == nil)
        #expect(header.stringArray(1117) == nil)
        #expect(header.stringArray(1118) == nil)
        #expect(header.string(RpmTag.version) == nil)
        #expect(RpmDatabase.package(header: header, path: "p") == nil)
    }

    /// A minimal NDB file holding `blobs` (slot page, then one blob per slot, 16-byte aligned).
    static func ndbFile(blobs: [[UInt8]]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        var file = Array("RpmP".utf8) + le32(0) + le32(1) + le32(1) + [UInt8](repeating: 0, count: 16)
        var blobArea: [UInt8] = []
        var slots: [UInt8] = []
        for (i, blob) in blobs.enumerated() {
            let offset = 4096 + blobArea.count
            slots += Array("Slot".utf8) + le32(UInt32(i + 1)) + le32(UInt32(offset / 16)) + le32(1)
            blobArea += Array("BlbS".utf8) + le32(UInt32(i + 1)) + le32(0) + le32(UInt32(blob.count)) + blob
            while blobArea.count % 16 != 0 { blobArea.append(0) }
        }
        for _ in blobs.count..<(256 - 2) { slots += Array("Slot".utf8) + le32(0) + le32(0) + le32(0) }
        file += slots
        return file + blobArea
    }

    @Test("the minimal NDB writer used above produces a database the reader accepts")
    func ndbRoundTrip() throws {
        let blobs = [RpmHeaderBuilder.package().build(), RpmHeaderBuilder.package(name: "openssl").build(),
                     RpmHeaderBuilder.package(name: "gpg-pubkey").build()]
        let packages = try RpmDatabase.packages(ndb: Self.ndbFile(blobs: blobs))
        #expect(packages.map(\.name) == ["openssl-libs", "openssl"])
    }
}
