import ArgumentParser
import Foundation
import SigstoreKeys

/// `moat generate-key-pair`: a P-256 key pair in cosign's file formats.
struct GenerateKeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key-pair",
        abstract: "Generate a cosign-compatible key pair for signing images.",
        discussion: """
        Writes PREFIX.key (an ENCRYPTED SIGSTORE PRIVATE KEY: scrypt N=65536 r=8 p=1 and NaCl secretbox, exactly as \
        cosign writes it; mode 0600) and PREFIX.pub (PEM public key). The password comes from $MOAT_PASSWORD, else \
        $COSIGN_PASSWORD (an empty password is allowed), else a prompt when standard input is a terminal. Existing \
        files are never overwritten without --force.
        """
    )

    @Option(help: ArgumentHelp("Write PREFIX.key and PREFIX.pub.", valueName: "prefix"))
    var outputKeyPrefix = "cosign"

    @Flag(help: "Overwrite existing key files.")
    var force = false

    func run() throws {
        do {
            let key = SigningKey.generate()
            let password = try KeyPassword.read(confirm: true)
            let written = try KeyPairFiles.write(privatePEM: try key.encryptedPEM(password: password), publicPEM: key.publicKey.pem,
                                                 prefix: outputKeyPrefix, force: force)
            FileHandle.standardError.write(Data("Private key written to \(written.privateKey)\nPublic key written to \(written.publicKey)\n".utf8))
        } catch let error as KeyError {
            throw RuntimeError(error.description)
        }
    }
}
