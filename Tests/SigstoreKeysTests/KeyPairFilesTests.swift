import Foundation
import Testing
@testable import SigstoreKeys

/// Writing `<prefix>.key` and `<prefix>.pub`: permissions, no overwriting without force, atomic replacement.
@Suite struct KeyPairFilesTests {
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    static func pair() throws -> (privatePEM: String, publicPEM: String, key: SigningKey) {
        let key = SigningKey.generate()
        return (try key.encryptedPEM(password: Data("pw".utf8)), key.publicKey.pem, key)
    }

    @Test func writesThePairWithCosignsPermissions() throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try Self.pair()
        let written = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: directory + "/cosign", force: false)
        #expect(written.privateKey == directory + "/cosign.key")
        #expect(written.publicKey == directory + "/cosign.pub")
        #expect(try Self.permissions(written.privateKey) == 0o600)
        #expect(try Self.permissions(written.publicKey) == 0o644)
        let privateText = try String(contentsOfFile: written.privateKey, encoding: .utf8)
        let publicText = try String(contentsOfFile: written.publicKey, encoding: .utf8)
        #expect(privateText == pair.privatePEM)
        #expect(publicText == pair.publicPEM)
        #expect(try SigningKey(pem: privateText) { Data("pw".utf8) }.publicKey == (try VerificationKey(pem: publicText)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["cosign.key", "cosign.pub"], "no temporary files left")
    }

    @Test(arguments: ["key", "pub"])
    func refusesToOverwriteEitherFile(existing: String) throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let prefix = directory + "/cosign"
        try Scratch.write("precious\n", to: prefix + "." + existing)
        let pair = try Self.pair()
        let error = keyError { _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: prefix, force: false) }
        #expect(error?.code == .fileExists)
        #expect(error?.message.contains("cosign.\(existing)") == true)
        #expect(error?.message.contains("--force") == true)
        #expect(try String(contentsOfFile: prefix + "." + existing, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["cosign." + existing], "nothing else was written")
    }

    @Test func aDanglingSymbolicLinkCountsAsExisting() throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/cosign.key", withDestinationPath: directory + "/elsewhere")
        let pair = try Self.pair()
        let error = keyError { _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: directory + "/cosign", force: false) }
        #expect(error?.code == .fileExists)
        #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere"), "the link's target was not created")
    }

    @Test func forceReplacesBothAndResetsPermissions() throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let prefix = directory + "/release"
        try Scratch.write("old key\n", to: prefix + ".key")
        try Scratch.write("old pub\n", to: prefix + ".pub")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: prefix + ".key")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: prefix + ".pub")
        let pair = try Self.pair()
        _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: prefix, force: true)
        #expect(try String(contentsOfFile: prefix + ".key", encoding: .utf8) == pair.privatePEM)
        #expect(try String(contentsOfFile: prefix + ".pub", encoding: .utf8) == pair.publicPEM)
        #expect(try Self.permissions(prefix + ".key") == 0o600)
        #expect(try Self.permissions(prefix + ".pub") == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["release.key", "release.pub"])
    }

    @Test func aMissingDirectoryIsAFileSystemError() throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try Self.pair()
        let error = keyError { _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: directory + "/missing/cosign", force: false) }
        #expect(error?.code == .fileSystem)
        #expect(error?.message.contains("missing/cosign.key") == true)
        #expect(keyError { _ = try KeyPairFiles.write(privatePEM: "", publicPEM: "", prefix: "", force: false) }?.code == .invalidArgument)
    }

    /// When the public key cannot be placed, no temporary file is left behind.
    @Test func aFailedSecondFileLeavesNoTemporaryFiles() throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let prefix = directory + "/cosign"
        // A directory named like the public key: it exists, so without force the pair is refused up front.
        try FileManager.default.createDirectory(atPath: prefix + ".pub", withIntermediateDirectories: false)
        let pair = try Self.pair()
        #expect(keyError { _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: prefix, force: false) }?.code == .fileExists)
        // With force, renaming a file over a non-empty directory fails after the private key was placed.
        try Scratch.write("x", to: prefix + ".pub/inside")
        let error = keyError { _ = try KeyPairFiles.write(privatePEM: pair.privatePEM, publicPEM: pair.publicPEM, prefix: prefix, force: true) }
        #expect(error?.code == .fileSystem)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(!names.contains { $0.contains(".tmp-") }, "temporary files are removed: \(names)")
    }
}
