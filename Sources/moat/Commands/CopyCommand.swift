import ArgumentParser
import Foundation
import OCIImage
import OCIModel
import Registry

/// `moat copy SRC DST`: one image between docker-archives, OCI layouts and registries, digests preserved.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image between registries, OCI layouts and docker-archives.",
        discussion: """
        Locations are written as skopeo writes them:
          docker://REF                   a registry (a bare reference such as nginx:1.27 means the same)
          oci:DIR[:NAME]                 an OCI image layout directory (NAME becomes the ref name)
          docker-archive:FILE[:NAME]     a docker-archive (Docker 25 form, also an OCI archive)
        A source may also be a plain path to an archive or a layout directory.

        Blobs are copied byte for byte, so the manifest digest stays the same, except from a docker-archive, which has \
        no manifest: moat writes an OCI manifest for it. From an index, the platform chosen with --platform (default: \
        this machine's) is copied; from a registry to a registry or an OCI layout, --all copies the index and every \
        manifest in it.

        Examples:
          moat copy oci:./app.oci:1.4 docker://127.0.0.1:5000/team/app:1.4 --insecure-registry 127.0.0.1:5000
          moat copy registry.example.com/team/app:1.4 docker-archive:app.tar:team/app:1.4
          moat copy --all docker.io/library/alpine:3.20 registry.example.com/mirror/alpine:3.20
        """
    )

    @Argument(help: ArgumentHelp("Where to read the image.", valueName: "source"))
    var source: String

    @Argument(help: ArgumentHelp("Where to write it.", valueName: "destination"))
    var destination: String

    @Option(help: ArgumentHelp("Platform to copy from a multi-platform index.", valueName: "os/arch[/variant]"))
    var platform: String?

    @Flag(help: "Copy a multi-platform index whole (every platform, attestations too), keeping its digest; from a registry to a registry or an OCI layout.")
    var all = false

    @Option(help: ArgumentHelp("Cache directory (default: $MOAT_CACHE_DIR, $XDG_CACHE_HOME/moat, ~/.cache/moat).", valueName: "dir"))
    var cacheDir: String?

    @Flag(name: [.short, .long], help: "Print only the digest of the copied manifest.")
    var quiet = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    func run() async throws {
        let wantedPlatform = try platform.map { try Platform(parsing: $0) }
        let target = try ImageLocation.destination(destination)
        let whole = try wholeIndex(to: target)
        let client = try registry.client(cacheDirectory: cacheDir)
        do {
            let onTerminal = !quiet && isatty(STDERR_FILENO) != 0
            let progress: (@Sendable (Int, Int, String) -> Void)? = onTerminal ? Self.showProgress : nil
            let copier = ImageCopier(client: client, progress: progress)
            if let whole, let digest = try await copier.copyIndex(from: whole, to: target) {
                if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                await client.shutdown()
                print(quiet ? digest.description : "Copied the index \(whole) and every image in it to \(target) (index \(digest))")
                return
            }
            let image = try await openSource(client: client, platform: wantedPlatform)
            let digest = try await copier.copy(image, to: target)
            if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            await client.shutdown()
            print(quiet ? digest.description : "Copied \(image.source) to \(target) (manifest \(digest))")
        } catch let error as RegistryError {
            await client.shutdown()
            throw RuntimeError(error.description)
        } catch let error as ImageError {
            await client.shutdown()
            throw RuntimeError(error.description)
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// For `--all`: the registry reference to copy the index of (a single image is then copied as without it).
    private func wholeIndex(to target: CopyDestination) throws -> ImageReference? {
        guard all else { return nil }
        if platform != nil { throw ValidationError("--all copies every platform; drop --platform, or drop --all to copy one") }
        guard case .registry(let source) = try ImageLocation.source(source) else {
            throw ValidationError("--all copies an index from a registry (to a registry or oci:DIR); from a layout or an archive, moat copies one platform (--platform)")
        }
        if case .dockerArchive = target {
            throw ValidationError("--all cannot write a docker-archive, which holds one image: copy to a registry or oci:DIR, or one platform (--platform)")
        }
        return source
    }

    /// One line on stderr, rewritten in place: `[2/5] pushing sha256:abc… (1234 bytes)`.
    @Sendable static func showProgress(done: Int, total: Int, what: String) {
        let step = Swift.min(done + 1, Swift.max(total, 1))
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(step)/\(total)] \(what)".utf8))
    }

    private func openSource(client: RegistryClient, platform: Platform?) async throws -> Image {
        switch try ImageLocation.source(source) {
        case .registry(let reference):
            // No prefetch: the copier fetches each layer itself, or mounts it without downloading at all.
            return try await RegistryImageSource(client: client).open(reference, platform: platform, prefetchLayers: 0)
        case .path(let path, let name):
            return try ImageOpener(imageName: name, platform: platform).open(path: path)
        }
    }
}

/// Parses skopeo-style locations.
enum ImageLocation {
    enum Source {
        case registry(ImageReference)
        case path(String, name: String?)
    }

    static func source(_ text: String) throws -> Source {
        if text.hasPrefix("docker://") { return .registry(try reference(String(text.dropFirst(9)))) }
        for prefix in ["oci:", "docker-archive:", "oci-archive:"] where text.hasPrefix(prefix) {
            let (path, name) = split(String(text.dropFirst(prefix.count)))
            return .path(path, name: name)
        }
        if FileManager.default.fileExists(atPath: text) { return .path(text, name: nil) }
        return .registry(try reference(text))
    }

    static func destination(_ text: String) throws -> CopyDestination {
        if text.hasPrefix("docker://") { return .registry(try reference(String(text.dropFirst(9)))) }
        if text.hasPrefix("oci:") {
            let (path, name) = split(String(text.dropFirst(4)))
            return .ociLayout(directory: path, name: name)
        }
        if text.hasPrefix("docker-archive:") {
            let (path, name) = split(String(text.dropFirst(15)))
            return .dockerArchive(path: path, name: name)
        }
        return .registry(try reference(text))
    }

    /// `path:name` → path and name; the name is what follows the first `:` after the path.
    static func split(_ text: String) -> (String, String?) {
        guard let colon = text.firstIndex(of: ":") else { return (text, nil) }
        let name = String(text[text.index(after: colon)...])
        return (String(text[..<colon]), name.isEmpty ? nil : name)
    }

    static func reference(_ text: String) throws -> ImageReference {
        do {
            return try ImageReference(parsing: text)
        } catch {
            throw RuntimeError("\"\(text)\" is not an image reference (\(error)); local destinations are written oci:DIR or docker-archive:FILE")
        }
    }
}
