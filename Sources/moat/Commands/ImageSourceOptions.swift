import ArgumentParser
import Compression
import LayerFS
import OCIImage
import OCIModel
import Registry

/// How to find and read the image: shared by `moat image` and `moat sbom`.
struct ImageSourceOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("An image reference to pull from its registry (nginx:1.27, ghcr.io/org/app@sha256:…, 127.0.0.1:5000/team/app:1.4).", valueName: "image"))
    var reference: String?

    @Option(name: [.short, .long], help: ArgumentHelp("A docker-archive or OCI archive (.tar, .tar.gz, .tar.zst), or an image directory.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("An OCI image layout directory.", valueName: "dir"))
    var layout: String?

    @Option(help: ArgumentHelp("Which image of a multi-image archive (NAME:TAG, or the layout's ref name).", valueName: "name:tag"))
    var image: String?

    @Option(help: ArgumentHelp("Platform to pick from a multi-platform index (default: the host's, or the only one).", valueName: "os/arch[/variant]"))
    var platform: String?

    @OptionGroup(title: "Registry options") var registry: RegistryOptions

    @Option(help: ArgumentHelp("Largest uncompressed size of one layer, in bytes.", valueName: "bytes"))
    var maxLayerSize: Int64 = ExpansionLimits.default.maxLayerBytes

    @Option(help: ArgumentHelp("Largest compression ratio of a layer before it is treated as a decompression bomb.", valueName: "ratio"))
    var maxExpansionRatio: Double = ExpansionLimits.default.maxRatio

    @Option(help: ArgumentHelp("Most entries accepted in one layer.", valueName: "count"))
    var maxEntries: Int = TarLimits().maxEntries

    func validate() throws {
        let sources = [reference, input, layout].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError(sources.isEmpty ? "give an image: a reference (nginx:1.27), --input FILE or --layout DIR" : "give only one of IMAGE, --input and --layout")
        }
        if let reference {
            do {
                _ = try ImageReference(parsing: reference)
            } catch {
                throw ValidationError("\"\(reference)\" is not an image reference (\(error)); a local file needs --input, a layout directory --layout")
            }
        }
        if let platform { _ = try Platform(parsing: platform) }
        guard maxLayerSize > 0, maxExpansionRatio > 1, maxEntries > 0 else {
            throw ValidationError("--max-layer-size, --max-expansion-ratio and --max-entries must be positive")
        }
    }

    /// What reports call the image: the path or reference as given.
    var artifactName: String { reference ?? input ?? layout ?? "" }

    var readLimits: ReadLimits {
        ReadLimits(expansion: ExpansionLimits(maxLayerBytes: maxLayerSize, maxRatio: maxExpansionRatio), tar: TarLimits(maxEntries: maxEntries))
    }

    /// Opens the image; a reference is pulled through `client` (made from the registry options when nil).
    func open(cacheDirectory: String? = nil) async throws -> Image {
        let wantedPlatform = try platform.map { try Platform(parsing: $0) }
        if let reference {
            let parsed = try ImageReference(parsing: reference)
            let client = try registry.client(cacheDirectory: cacheDirectory)
            do {
                return try await RegistryImageSource(client: client).open(parsed, platform: wantedPlatform)
            } catch let error as RegistryError {
                await client.shutdown()
                throw RuntimeError(error.description)
            }
        }
        let opener = ImageOpener(imageName: image, platform: wantedPlatform)
        do {
            if let layout { return try opener.openDirectory(layout) }
            return try opener.open(path: input ?? "")
        } catch let error as ImageError {
            throw RuntimeError(error.description)
        }
    }

    /// Releases what reading the image held open (a registry client's connections).
    func close(_ image: Image) async {
        if let store = image.store as? RegistryBlobStore {
            await store.close()
            store.cache?.enforceLimit()
        }
    }
}
