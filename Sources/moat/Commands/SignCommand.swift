import ArgumentParser
import Foundation
import ImageSigning
import OCIModel
import Registry
import SigstoreKeys

/// `moat sign --key cosign.key IMAGE`: a cosign-compatible signature, stored beside the image.
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign an image with a key, as cosign does.",
        discussion: """
        The image is resolved to its digest (a multi-platform image is signed by its index digest) and the \
        simple-signing payload naming that digest and the repository is signed with ECDSA P-256 / SHA-256. With \
        --format simple-signing (the default) the signature is added to the tag sha256-<hex>.sig, which cosign, \
        Kyverno, skopeo and podman read; --format bundle stores a Sigstore bundle as an OCI 1.1 referrer (cosign v3), \
        keeping the sha256-<hex> fallback index when the registry has no referrers API; both writes both.

        moat works offline: nothing is uploaded to a transparency log (Rekor). Verifiers that require one need \
        cosign's --insecure-ignore-tlog, or moat verify, which does not require it unless asked.

        IMAGE is a registry reference (sign by digest, REF@sha256:..., to be sure what you sign) or oci:DIR[:NAME].

        Examples:
          moat sign --key cosign.key 127.0.0.1:5000/team/app@sha256:0123...
          moat sign --key cosign.key -a env=prod --format both registry.example.com/team/app:1.4
          moat sign --key cosign.key --upload=false --output-signature app.sig --output-payload app.json REF
        """
    )

    @Argument(help: ArgumentHelp("The image to sign.", valueName: "image"))
    var image: String

    @Option(help: ArgumentHelp("Private key file (cosign's encrypted key, or a PKCS#8/SEC1 P-256 PEM).", valueName: "file"))
    var key: String

    @Option(name: [.customShort("a"), .long], parsing: .singleValue,
            help: ArgumentHelp("Annotation to sign into the payload's optional section (repeatable).", valueName: "key=value"))
    var annotations: [String] = []

    @Option(help: ArgumentHelp("Where to store the signature: simple-signing, bundle or both.", valueName: "format"))
    var format: String = SignatureFormat.simpleSigning.rawValue

    @Option(help: ArgumentHelp("Sign this repository name instead of the image's own (cosign's --sign-container-identity).", valueName: "reference"))
    var signContainerIdentity: String?

    @Option(help: ArgumentHelp("Write the base64 signature to this file.", valueName: "file"))
    var outputSignature: String?

    @Option(help: ArgumentHelp("Write the signed payload to this file.", valueName: "file"))
    var outputPayload: String?

    @Option(help: ArgumentHelp("Store the signature beside the image (true) or only write the output files (false).", valueName: "bool"))
    var upload = true

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    func validate() throws {
        guard SignatureFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(SignatureFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !upload && outputSignature == nil && outputPayload == nil {
            throw ValidationError("--upload=false signs nothing useful without --output-signature or --output-payload")
        }
        _ = try AnnotationArguments.parse(annotations)
    }

    func run() async throws {
        let signingKey = try KeyFiles.signingKey(at: key)
        let target = try await SigningTarget.open(image, registry: registry)
        do {
            let signed = target.image
            if signed.namedByTag && target.client != nil {
                FileHandle.standardError.write(Data("moat: warning: \(signed.reference) is a tag; signing its current digest \(signed.digest). Sign by digest (\(signed.identity ?? "REPOSITORY")@\(signed.digest)) to be sure what you sign.\n".utf8))
            }
            guard let identity = try signContainerIdentity.map(Self.identity) ?? signed.identity else {
                throw RuntimeError("\(signed.reference) does not name its repository; give --sign-container-identity REGISTRY/REPOSITORY")
            }
            let outcome = try await ImageSigner(key: signingKey).sign(
                signed, identity: identity, annotations: try AnnotationArguments.parse(annotations),
                format: SignatureFormat(rawValue: format) ?? .simpleSigning, upload: upload)
            try outputSignature.map { try Data(outcome.signature.base64EncodedString().utf8).write(to: URL(fileURLWithPath: $0)) }
            try outputPayload.map { try outcome.payload.write(to: URL(fileURLWithPath: $0)) }
            await target.close()
            report(outcome, image: signed)
        } catch let error as RuntimeError {
            await target.close()
            throw error
        } catch {
            await target.close()
            throw RuntimeError("signing \(target.image.reference): \(error)")
        }
    }

    private func report(_ outcome: SignatureOutcome, image: SignedImage) {
        var lines: [String] = []
        if let tag = outcome.signatureTag {
            lines.append(outcome.alreadySigned
                ? "\(image.store.displayName):\(tag) already holds this signature by this key; nothing added"
                : "Pushed signature to \(image.store.displayName):\(tag)")
        }
        if let referrer = outcome.bundleReferrer {
            lines.append("Pushed Sigstore bundle as referrer \(referrer) of \(image.digest)"
                         + (outcome.usedReferrersFallbackTag ? " (and in the fallback tag \(CosignFormat.referrersTag(for: image.digest)))" : ""))
        }
        if outcome.signatureTag == nil && outcome.bundleReferrer == nil {
            lines.append("Signed \(image.digest) (not uploaded)")
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        print(image.digest)
    }

    static func identity(_ text: String) throws -> String {
        guard let parsed = try? ImageReference(parsing: text) else {
            throw RuntimeError("--sign-container-identity \(text) is not an image reference")
        }
        return SignedImage.cosignIdentity(parsed)
    }
}

/// Reads key files with messages that name the file.
enum KeyFiles {
    static func signingKey(at path: String) throws -> SigningKey {
        let text = try readText(path, what: "private key")
        do {
            return try SigningKey(pem: text, password: { try KeyPassword.read(confirm: false) })
        } catch {
            throw RuntimeError("\(path): \(error)")
        }
    }

    /// A public key file, or every `.pub`/`.pem` file of a directory.
    static func verificationKeys(at path: String) throws -> [VerificationKey] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuntimeError("\(path): no such key file or directory")
        }
        guard isDirectory.boolValue else {
            do {
                return [try VerificationKey(pem: try readText(path, what: "public key"))]
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError("\(path): \(error)")
            }
        }
        let names = (try FileManager.default.contentsOfDirectory(atPath: path)).filter { $0.hasSuffix(".pub") || $0.hasSuffix(".pem") }.sorted()
        guard !names.isEmpty else { throw RuntimeError("\(path): the directory holds no .pub or .pem key files") }
        return try names.flatMap { try verificationKeys(at: path + "/" + $0) }
    }

    static func readText(_ path: String, what: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RuntimeError("\(path): cannot read the \(what) file") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1 << 20)) ?? Data()
        guard data.count < 1 << 20 else { throw RuntimeError("\(path): too large for a \(what) file") }
        return String(decoding: data, as: UTF8.self)
    }
}
