import Foundation
import MoatTesting
import OCIModel
import Testing

/// `moat generate-key-pair`, `moat sign` and `moat verify` as a user runs them, against Debian's real registry, with an
/// independent Python implementation of cosign's formats on the other side.
@Suite(.serialized) struct SigningCommandTests {
    let password = ["MOAT_PASSWORD": "correct horse"]

    @Test func keyPairFilesAreProtectedAndNotOverwritten() async throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let first = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/signer"], environment: password)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Private key written to \(work)/signer.key"))
        let attributes = try FileManager.default.attributesOfItem(atPath: work + "/signer.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let privateText = try String(contentsOfFile: work + "/signer.key", encoding: .utf8)
        #expect(privateText.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"))
        #expect(try String(contentsOfFile: work + "/signer.pub", encoding: .utf8).hasPrefix("-----BEGIN PUBLIC KEY-----"))

        let again = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/signer"], environment: password)
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try String(contentsOfFile: work + "/signer.key", encoding: .utf8) == privateText, "the existing key is untouched")
        let forced = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/signer", "--force"], environment: password)
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: work + "/signer.key", encoding: .utf8) != privateText)
    }

    @Test func signVerifyAndRetagAgainstARealRegistry() async throws {
        let images = try MoatCLI.images()
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let (registry, work, insecure) = (workspace.registry, workspace.work, workspace.insecure)
        let image = "\(registry.host)/team/app"
        let digest = try await MoatCLI.copy("oci:" + images + "/minbase.oci", "docker://\(image):1.0", insecure)
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/moat"], environment: password)

        let unsigned = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "\(image):1.0"] + insecure)
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("no signatures found"), "\(unsigned.stderr)")

        let sign = try await MoatCLI.run(["sign", "--key", work + "/moat.key", "-a", "env=prod", "\(image):1.0"] + insecure, environment: password)
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(sign.stderr.contains("is a tag; signing its current digest \(digest)"), "signing by tag warns")
        #expect(sign.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == digest)

        let verify = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "-a", "env=prod", "\(image):1.0"] + insecure)
        #expect(verify.status == 0, "\(verify.stderr)")
        let payloads = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [[String: Any]])
        let critical = try #require(payloads.first?["critical"] as? [String: Any])
        #expect((critical["image"] as? [String: String])?["docker-manifest-digest"] == digest)
        #expect((critical["identity"] as? [String: String])?["docker-reference"] == image)
        #expect((payloads.first?["optional"] as? [String: String])?["env"] == "prod")

        let wrongAnnotation = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "-a", "env=dev", "\(image):1.0"] + insecure)
        #expect(wrongAnnotation.status == 1)
        #expect(wrongAnnotation.stderr.contains("annotation env is \"prod\", not \"dev\""), "\(wrongAnnotation.stderr)")

        // The independent implementation reads moat's signature straight from the registry.
        let pythonVerify = try await ReferenceScripts.run("cosign_registry_reference.py",
            ["verify", "--registry", registry.host, "--repository", "team/app", "--digest", digest, "--key", work + "/moat.pub"])
        #expect(pythonVerify.succeeded, "\(pythonVerify.standardOutputText) \(pythonVerify.standardError)")

        // Re-tag 1.0 to other content: the tag's new digest has no signature; the old digest still verifies.
        try await MoatCLI.copy("oci:" + images + "/scratch.oci", "docker://\(image):1.0", insecure)
        let moved = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "\(image):1.0"] + insecure)
        #expect(moved.status == 1)
        #expect(moved.stderr.contains("no signatures found"), "\(moved.stderr)")
        let pinned = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "\(image)@\(digest)"] + insecure)
        #expect(pinned.status == 0, "\(pinned.stderr)")

        // Signatures copied to another repository do not vouch for it (the signed repository is checked) unless asked.
        try await MoatCLI.copy("oci:" + images + "/minbase.oci", "docker://\(registry.host)/mirror/app:1.0", insecure)
        let detached = try await MoatCLI.run(["sign", "--key", work + "/moat.key", "--upload=false", "--output-signature", work + "/s.sig",
                                        "--output-payload", work + "/s.json", "\(image)@\(digest)"] + insecure, environment: password)
        #expect(detached.status == 0, "\(detached.stderr)")
        let planted = try await ReferenceScripts.run("cosign_registry_reference.py",
            ["push-signature", "--registry", registry.host, "--repository", "mirror/app", "--digest", digest,
             "--payload", work + "/s.json", "--signature", work + "/s.sig"])
        #expect(planted.succeeded, "\(planted.standardError)")
        let mirrored = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "\(registry.host)/mirror/app:1.0"] + insecure)
        #expect(mirrored.status == 1)
        #expect(mirrored.stderr.contains("signed for \(image), not for repository \(registry.host)/mirror/app"), "\(mirrored.stderr)")
        let expected = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "--expected-reference", image, "\(registry.host)/mirror/app:1.0"] + insecure)
        #expect(expected.status == 0, "\(expected.stderr)")
        let ignored = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "--reference-check", "ignore", "\(registry.host)/mirror/app:1.0"] + insecure)
        #expect(ignored.status == 0, "cosign's behaviour on request: \(ignored.stderr)")
    }

    @Test func pythonSignaturesVerifyInMoatAndMoatKeysDecryptInPython() async throws {
        let images = try MoatCLI.images()
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let (registry, work, insecure) = (workspace.registry, workspace.work, workspace.insecure)
        let image = "\(registry.host)/interop/app"
        let digest = try await MoatCLI.copy("oci:" + images + "/minbase.oci", "docker://\(image):1", insecure)

        // A key pair made by the reference implementation: moat signs with its encrypted private key.
        let cosignEnvironment = ["COSIGN_PASSWORD": "py-pass"]
        let generated = try await ReferenceScripts.run("cosign_reference.py", ["generate-key-pair", work + "/py"], environment: cosignEnvironment)
        #expect(generated.succeeded, "\(generated.standardError)")
        let moatSigns = try await MoatCLI.run(["sign", "--key", work + "/py.key", "\(image)@\(digest)"] + insecure, environment: cosignEnvironment)
        #expect(moatSigns.status == 0, "moat decrypts a key written by the reference implementation: \(moatSigns.stderr)")

        // The reference implementation signs a payload it built itself and stores it with its own registry code.
        let payload = try await ReferenceScripts.run("cosign_reference.py", ["payload", "--reference", image, "--digest", digest, "-a", "by=python"])
        #expect(payload.succeeded)
        try payload.standardOutput.write(to: URL(fileURLWithPath: work + "/payload.json"))
        let signature = try await ReferenceScripts.run("cosign_reference.py", ["sign", "--key", work + "/py.key", "--payload", work + "/payload.json"],
                                                       environment: cosignEnvironment)
        #expect(signature.succeeded, "\(signature.standardError)")
        try signature.standardOutput.write(to: URL(fileURLWithPath: work + "/payload.sig"))
        let pushed = try await ReferenceScripts.run("cosign_registry_reference.py",
            ["push-signature", "--registry", registry.host, "--repository", "interop/app", "--digest", digest,
             "--payload", work + "/payload.json", "--signature", work + "/payload.sig"])
        #expect(pushed.succeeded, "\(pushed.standardError)")

        let verify = try await MoatCLI.run(["verify", "--key", work + "/py.pub", "--output", "text", "-a", "by=python", "\(image):1"] + insecure)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("layer 2: verified"), "the Python-made signature is the second layer: \(verify.stdout)")
        let both = try await MoatCLI.run(["verify", "--key", work + "/py.pub", "\(image):1"] + insecure)
        let payloads = try #require(try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [Any])
        #expect(payloads.count == 2, "moat's and Python's signatures both verify")

        // Python verifies moat's signature over moat's payload, offline.
        let offline = try await MoatCLI.run(["sign", "--key", work + "/py.key", "--upload=false", "--output-signature", work + "/moat.sig",
                                       "--output-payload", work + "/moat.json", "\(image)@\(digest)"] + insecure, environment: cosignEnvironment)
        #expect(offline.status == 0, "\(offline.stderr)")
        let pythonChecks = try await ReferenceScripts.run("cosign_reference.py",
            ["verify", "--key", work + "/py.pub", "--payload", work + "/moat.json", "--signature", work + "/moat.sig"])
        #expect(pythonChecks.succeeded, "\(pythonChecks.standardOutputText)")
        let expectedPayload = try await ReferenceScripts.run("cosign_reference.py", ["payload", "--reference", image, "--digest", digest])
        #expect(try Data(contentsOf: URL(fileURLWithPath: work + "/moat.json")) == expectedPayload.standardOutput,
                "moat's payload bytes are the reference implementation's")

        // A key moat writes decrypts in Python.
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/moat"], environment: ["MOAT_PASSWORD": ""])
        let decrypted = try await ReferenceScripts.run("cosign_reference.py", ["decrypt-key", work + "/moat.key"], environment: ["COSIGN_PASSWORD": ""])
        #expect(decrypted.succeeded, "\(decrypted.standardError)")
        #expect(decrypted.standardOutputText.contains("-----BEGIN PRIVATE KEY-----"))

        // Offline verification from files: no registry is contacted for a digest reference.
        await registry.stop()
        let detached = try await MoatCLI.run(["verify", "--key", work + "/py.pub", "--signature", work + "/moat.sig", "--payload", work + "/moat.json",
                                        "\(image)@\(digest)"])
        #expect(detached.status == 0, "\(detached.stderr)")
        let detachedWrongKey = try await MoatCLI.run(["verify", "--key", work + "/moat.pub", "--signature", work + "/moat.sig", "--payload", work + "/moat.json",
                                                "\(image)@\(digest)"])
        #expect(detachedWrongKey.status == 1)
        #expect(detachedWrongKey.stderr.contains("does not verify with the key given"), "\(detachedWrongKey.stderr)")
    }

    @Test func keylessAndRekorEvidenceVerifiedOffline() async throws {
        let images = try MoatCLI.images()
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let (registry, work, insecure) = (workspace.registry, workspace.work, workspace.insecure)
        let image = "\(registry.host)/keyless/app"
        let digest = try await MoatCLI.copy("oci:" + images + "/scratch.oci", "docker://\(image):1", insecure)
        func trust(_ arguments: [String]) async throws -> CommandResult {
            let result = try await ReferenceScripts.run("sigstore_trust_reference.py", arguments)
            #expect(result.succeeded, "\(arguments.first ?? ""): \(result.standardError)")
            return result
        }
        func write(_ data: Data, _ name: String) throws -> String {
            try data.write(to: URL(fileURLWithPath: work + "/" + name))
            return work + "/" + name
        }
        // A Fulcio-like CA and a fake Rekor, made by the independent implementation; the leaf lived 10 minutes, an
        // hour ago, and Rekor logged the signature while it was valid.
        _ = try await trust(["fulcio-ca", work + "/ca"])
        _ = try await trust(["rekor-key", work + "/rekor"])
        let notBefore = Int(Date().timeIntervalSince1970) - 3600
        _ = try await trust(["fulcio-leaf", "--ca", work + "/ca", "--identity", "alice@example.com", "--issuer", "https://accounts.example.com",
                             "--not-before", String(notBefore), "--minutes", "10"])
        let payload = try await ReferenceScripts.run("cosign_reference.py", ["payload", "--reference", image, "--digest", digest])
        let payloadFile = try write(payload.standardOutput, "payload.json")
        let signature = try await trust(["sign", "--key", work + "/ca-leaf.key", "--payload", payloadFile])
        let signatureFile = try write(signature.standardOutput, "payload.sig")
        let bundle = try await trust(["rekor-bundle", "--rekor-key", work + "/rekor.key", "--payload", payloadFile, "--signature", signatureFile,
                                      "--public-key", work + "/ca-leaf.pem", "--integrated-time", String(notBefore + 60)])
        let root = try await trust(["trusted-root", "--ca", work + "/ca", "--rekor-key", work + "/rekor.pub"])
        let trustedRoot = try write(root.standardOutput, "trusted_root.json")
        let leaf = try String(contentsOfFile: work + "/ca-leaf.pem", encoding: .utf8)
        let chain = try String(contentsOfFile: work + "/ca-intermediate.pem", encoding: .utf8) + (try String(contentsOfFile: work + "/ca-root.pem", encoding: .utf8))
        let pushed = try await ReferenceScripts.run("cosign_registry_reference.py",
            ["push-signature", "--registry", registry.host, "--repository", "keyless/app", "--digest", digest, "--payload", payloadFile,
             "--signature", signatureFile, "--annotation", "dev.sigstore.cosign/certificate=" + leaf,
             "--annotation", "dev.sigstore.cosign/chain=" + chain, "--annotation", "dev.sigstore.cosign/bundle=" + bundle.standardOutputText])
        #expect(pushed.succeeded, "\(pushed.standardError)")

        let keyless = ["verify", "--trusted-root", trustedRoot, "--certificate-oidc-issuer", "https://accounts.example.com", "--output", "text"]
        let verified = try await MoatCLI.run(keyless + ["--certificate-identity", "alice@example.com", "--require-tlog", "\(image):1"] + insecure)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("certificate for alice@example.com issued by https://accounts.example.com"), "\(verified.stdout)")
        #expect(verified.stdout.contains("logged in Rekor at"))
        let regexp = try await MoatCLI.run(keyless + ["--certificate-identity-regexp", "@example\\.com$", "\(image):1"] + insecure)
        #expect(regexp.status == 0, "\(regexp.stderr)")
        let otherIdentity = try await MoatCLI.run(keyless + ["--certificate-identity", "bob@example.com", "\(image):1"] + insecure)
        #expect(otherIdentity.status == 1)
        #expect(otherIdentity.stderr.contains("bob@example.com"), "\(otherIdentity.stderr)")
        // Without the Rekor key the only time to check the certificate at is now, when it has expired.
        let pemRoot = try await MoatCLI.run(["verify", "--trusted-root", work + "/ca-root.pem", "--certificate-identity", "alice@example.com",
                                       "\(image):1"] + insecure)
        #expect(pemRoot.status == 1)
        #expect(pemRoot.stderr.contains("not trusted"), "\(pemRoot.stderr)")

        // Key-based with a Rekor bundle: verified and required; a bundle logged for another payload is refused.
        let cosignEnvironment = ["COSIGN_PASSWORD": ""]
        _ = try await ReferenceScripts.run("cosign_reference.py", ["generate-key-pair", work + "/py"], environment: cosignEnvironment)
        let keySignature = try await ReferenceScripts.run("cosign_reference.py", ["sign", "--key", work + "/py.key", "--payload", payloadFile],
                                                          environment: cosignEnvironment)
        let keySignatureFile = try write(keySignature.standardOutput, "key.sig")
        let keyBundle = try await trust(["rekor-bundle", "--rekor-key", work + "/rekor.key", "--payload", payloadFile, "--signature", keySignatureFile,
                                         "--public-key", work + "/py.pub"])
        let otherPayload = try write(Data("{}".utf8), "other.json")
        let otherSignature = try await ReferenceScripts.run("cosign_reference.py", ["sign", "--key", work + "/py.key", "--payload", otherPayload],
                                                            environment: cosignEnvironment)
        let otherSignatureFile = try write(otherSignature.standardOutput, "other.sig")
        let foreignBundle = try await trust(["rekor-bundle", "--rekor-key", work + "/rekor.key", "--payload", otherPayload,
                                             "--signature", otherSignatureFile, "--public-key", work + "/py.pub"])
        for evidence in [keyBundle, foreignBundle] {
            let push = try await ReferenceScripts.run("cosign_registry_reference.py",
                ["push-signature", "--registry", registry.host, "--repository", "keyless/app", "--digest", digest, "--payload", payloadFile,
                 "--signature", keySignatureFile, "--annotation", "dev.sigstore.cosign/bundle=" + evidence.standardOutputText])
            #expect(push.succeeded, "\(push.standardError)")
        }
        let withLog = try await MoatCLI.run(["verify", "--key", work + "/py.pub", "--rekor-key", work + "/rekor.pub", "--require-tlog", "--output", "text",
                                       "\(image):1"] + insecure)
        #expect(withLog.status == 0, "\(withLog.stderr)")
        #expect(withLog.stdout.contains("layer 2: verified"), "\(withLog.stdout)")
        #expect(withLog.stderr.contains("layer 3: its Rekor entry records payload sha256:"), "\(withLog.stderr)")
        let unlogged = try await MoatCLI.run(["verify", "--key", work + "/py.pub", "\(image):1"] + insecure)
        #expect(unlogged.status == 0)
        #expect(unlogged.stderr.contains("Rekor bundle that was not verified"), "without a Rekor key the bundle is reported, not trusted")
    }

    @Test func signAndVerifyAnOCILayoutWithAKeyDirectory() async throws {
        let images = try MoatCLI.images()
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let layout = work + "/app.oci"
        try await MoatCLI.copy("oci:" + images + "/scratch.oci", "oci:" + layout + ":registry.example.com/team/app:1.0")
        try FileManager.default.createDirectory(atPath: work + "/keys", withIntermediateDirectories: true)
        for name in ["alice", "bob"] {
            _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/keys/" + name], environment: password)
        }
        try FileManager.default.moveItem(atPath: work + "/keys/bob.key", toPath: work + "/bob.key")
        try FileManager.default.moveItem(atPath: work + "/keys/alice.key", toPath: work + "/alice.key")
        let target = "oci:" + layout + ":registry.example.com/team/app:1.0"
        let sign = try await MoatCLI.run(["sign", "--key", work + "/bob.key", target], environment: password)
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(sign.stderr.contains("Pushed signature to oci:\(layout):sha256-"), "\(sign.stderr)")
        let verify = try await MoatCLI.run(["verify", "--key", work + "/keys", target])
        #expect(verify.status == 0, "any key of the directory may match: \(verify.stderr)")
        #expect(verify.stdout.contains("\"docker-reference\":\"registry.example.com/team/app\""), "\(verify.stdout)")
        let onlyAlice = try await MoatCLI.run(["verify", "--key", work + "/keys/alice.pub", target])
        #expect(onlyAlice.status == 1)
        #expect(onlyAlice.stderr.contains("does not verify with the key given"), "\(onlyAlice.stderr)")
        // The signed layout is still an image moat reads: the signature tag is not taken for one.
        let scan = try await MoatCLI.run(["image", "--layout", layout, "--scanners", "footprint", "--format", "json"])
        #expect(scan.status == 0, "\(scan.stderr)")
    }

    @Test func multiPlatformImagesAreSignedByTheirIndexDigest() async throws {
        let workspace = try await RegistryWorkspace.start()
        defer { workspace.remove() }
        let registry = workspace.registry, work = workspace.work
        let indexDigest = try await workspace.pushTwoPlatformImage(repository: "multi/app", tag: "1").indexDigest
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/k"], environment: password)
        let insecure = ["--insecure-registry", registry.host]
        let sign = try await MoatCLI.run(["sign", "--key", work + "/k.key", "\(registry.host)/multi/app:1"] + insecure, environment: password)
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(sign.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == indexDigest, "the index digest is signed, not one platform's")
        let verify = try await MoatCLI.run(["verify", "--key", work + "/k.pub", "\(registry.host)/multi/app@\(indexDigest)"] + insecure)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func bundleFormatOverTLSWithTokenAuth() async throws {
        let images = try MoatCLI.images()
        let tokens = try await TokenServer.start(TokenServerConfiguration(users: ["sam": "s4m-pass"]))
        defer { Task { await tokens.stop() } }
        let registry = try await RegistryServer.start(.tlsTokenAuth(tokens))
        defer { Task { await registry.stop() } }
        let caFile = try #require(registry.caFile)
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let credentials = ["--ca-file", caFile, "--username", "sam", "--password-stdin"]
        let image = "\(registry.host)/secure/app"
        try await Skopeo().push(ociLayout: images + "/minbase.oci", to: registry.endpoint, repository: "secure/app", tag: "2",
                                credentials: BasicCredentials(username: "sam", password: "s4m-pass"))
        _ = try await MoatCLI.run(["generate-key-pair", "--output-key-prefix", work + "/k"], environment: password)

        let sign = try await MoatCLI.run(["sign", "--key", work + "/k.key", "--format", "both", "\(image):2"] + credentials,
                                   stdin: "s4m-pass\n", environment: password)
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(sign.stderr.contains("fallback tag"), "distribution 2.8 has no referrers API: \(sign.stderr)")
        let verify = try await MoatCLI.run(["verify", "--key", work + "/k.pub", "--output", "text", "\(image):2"] + credentials, stdin: "s4m-pass\n")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains(".sig layer 1: verified"))
        #expect(verify.stdout.contains("bundle referrer sha256:"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("s4m-pass") && !verify.stderr.contains("s4m-pass"))

        let noCredentials = try await MoatCLI.run(["verify", "--key", work + "/k.pub", "\(image):2", "--ca-file", caFile])
        #expect(noCredentials.status == 1)
    }
}
