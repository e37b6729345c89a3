import Foundation
import MoatTesting
import Testing
@testable import SigstoreKeys

/// Signing with moat and verifying with the reference, and the other way round, for every verification algorithm.
@Suite struct SignatureTests {
    static let payload = Data(#"{"critical":{"identity":{"docker-reference":"ghcr.io/acme/app"},"image":{"docker-manifest-digest":"sha256:0a"},"type":"cosign container image signature"},"optional":null}"#.utf8)

    @Test func moatSignaturesVerifyInTheReference() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let key = SigningKey.generate()
        let signature = try key.signature(for: Self.payload)
        #expect(signature.first == 0x30, "an ASN.1 DER SEQUENCE")
        #expect(key.publicKey.isValidSignature(signature, for: Self.payload))
        try Scratch.write(key.publicKey.pem, to: directory + "/moat.pub")
        try Scratch.write(Self.payload, to: directory + "/payload")
        try Scratch.write(signature.base64EncodedString(), to: directory + "/payload.sig")
        let verified = try await Reference.run(["verify", "--key", directory + "/moat.pub", "--payload", directory + "/payload", "--signature", directory + "/payload.sig"])
        #expect(verified.status == 0, "\(verified.standardOutputText) \(verified.standardError)")
        try Scratch.write(Self.payload + Data(" ".utf8), to: directory + "/other")
        let rejected = try await Reference.run(["verify", "--key", directory + "/moat.pub", "--payload", directory + "/other", "--signature", directory + "/payload.sig"])
        #expect(rejected.status == 1)
    }

    @Test func referenceSignaturesVerifyInMoat() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: "pw")
        try Scratch.write(Self.payload, to: directory + "/payload")
        let signature = try #require(Data(base64Encoded: try await Reference.text(
            ["sign", "--key", pair.prefix + ".key", "--payload", directory + "/payload"], environment: ["COSIGN_PASSWORD": "pw"])))
        let key = try VerificationKey(pem: pair.publicPEM)
        #expect(key.algorithm == .ecdsaP256)
        #expect(key.isValidSignature(signature, for: Self.payload))
        #expect(!key.isValidSignature(signature, for: Self.payload.dropLast()))
        #expect(!SigningKey.generate().publicKey.isValidSignature(signature, for: Self.payload), "another key")
    }

    @Test func alteredSignaturesAreRejected() throws {
        let key = SigningKey.generate()
        let signature = try key.signature(for: Self.payload)
        for position in signature.indices {
            var flipped = signature
            flipped[position] ^= 0x04
            #expect(!key.publicKey.isValidSignature(flipped, for: Self.payload), "bit flipped at \(position)")
        }
        for length in [0, 1, 8, signature.count / 2, signature.count - 1] {
            #expect(!key.publicKey.isValidSignature(signature.prefix(length), for: Self.payload), "truncated to \(length)")
        }
        #expect(!key.publicKey.isValidSignature(signature + Data([0]), for: Self.payload), "trailing byte")
        var generator = SeededGenerator(seed: 3)
        #expect(!key.publicKey.isValidSignature(Data.random(72, using: &generator), for: Self.payload))
        #expect(!key.publicKey.isValidSignature(Data(count: 64), for: Self.payload))
    }

    /// A P-256 signature is not valid under a P-384 key, nor one made with another key.
    @Test func wrongKeysAndCurvesAreRejected() async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let signature = try SigningKey.generate().signature(for: Self.payload)
        let p384 = try VerificationKey(pem: try await Reference.keyPair(in: directory, password: nil, options: ["--curve", "p384"]).publicPEM)
        #expect(!p384.isValidSignature(signature, for: Self.payload))
        let ed25519 = try VerificationKey(pem: try await Reference.keyPair(in: directory, name: "ed", password: nil, options: ["--ed25519"]).publicPEM)
        #expect(!ed25519.isValidSignature(signature, for: Self.payload))
        #expect(!SigningKey.generate().publicKey.isValidSignature(signature, for: Self.payload))
    }

    /// Keys of every verification algorithm, signed by the reference with the schemes cosign uses.
    @Test(arguments: [
        (["--curve", "p384"], [] as [String], KeyAlgorithm.ecdsaP384, true),
        (["--curve", "p384"], ["--hash", "sha384"], KeyAlgorithm.ecdsaP384, true),
        (["--curve", "p384"], ["--hash", "sha512"], KeyAlgorithm.ecdsaP384, false),
        (["--curve", "p521"], [], KeyAlgorithm.ecdsaP521, true),
        (["--curve", "p521"], ["--hash", "sha512"], KeyAlgorithm.ecdsaP521, true),
        (["--curve", "p521"], ["--hash", "sha384"], KeyAlgorithm.ecdsaP521, false),
        (["--curve", "p256"], ["--hash", "sha384"], KeyAlgorithm.ecdsaP256, false),
        (["--ed25519"], [], KeyAlgorithm.ed25519, true),
        (["--rsa"], [], KeyAlgorithm.rsa(bits: 2048), true),
        (["--rsa"], ["--rsa-pss"], KeyAlgorithm.rsa(bits: 2048), true),
        (["--rsa", "--rsa-bits", "3072"], [], KeyAlgorithm.rsa(bits: 3072), true),
        (["--rsa"], ["--hash", "sha512"], KeyAlgorithm.rsa(bits: 2048), false),
    ])
    func verifiesEveryAlgorithm(keyOptions: [String], signOptions: [String], algorithm: KeyAlgorithm, valid: Bool) async throws {
        let directory = try Scratch.directory()
        defer { Scratch.remove(directory) }
        let pair = try await Reference.keyPair(in: directory, password: nil, options: keyOptions + ["--unencrypted"])
        try Scratch.write(Self.payload, to: directory + "/payload")
        let signature = try #require(Data(base64Encoded: try await Reference.text(
            ["sign", "--key", pair.prefix + ".key", "--payload", directory + "/payload"] + signOptions)))
        let key = try VerificationKey(pem: pair.publicPEM)
        #expect(key.algorithm == algorithm)
        #expect(key.isValidSignature(signature, for: Self.payload) == valid)
        #expect(!key.isValidSignature(signature, for: Self.payload + Data("x".utf8)))
        var flipped = signature
        flipped[flipped.startIndex + flipped.count / 2] ^= 0x10
        #expect(!key.isValidSignature(flipped, for: Self.payload))
        #expect(!key.isValidSignature(signature.prefix(signature.count - 1), for: Self.payload))
        // The hint is cosign's: base64(SHA-256(the PKIX DER Go would marshal)).
        let hint = try await Reference.text(["public-key-hint", pair.prefix + ".pub"])
        #expect(key.hint == hint)
    }

    @Test func algorithmsHaveNamesForPeople() {
        #expect(KeyAlgorithm.ecdsaP256.description == "ECDSA P-256")
        #expect(KeyAlgorithm.ecdsaP384.description == "ECDSA P-384")
        #expect(KeyAlgorithm.ecdsaP521.description == "ECDSA P-521")
        #expect(KeyAlgorithm.ed25519.description == "Ed25519")
        #expect(KeyAlgorithm.rsa(bits: 2048).description == "RSA 2048")
    }
}
