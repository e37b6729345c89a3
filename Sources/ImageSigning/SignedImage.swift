import OCIImage
public import OCIModel
public import Registry

/// An image to sign or verify: where it lives, the manifest (or index) digest that signatures name, and the
/// repository name cosign puts in `docker-reference`.
public struct SignedImage: Sendable {
    public let store: any ArtifactStore
    /// The top-level manifest or index: a multi-platform image is signed by its index digest.
    public let descriptor: Descriptor
    /// The name signatures carry (`127.0.0.1:5000/team/app`, `index.docker.io/library/nginx`); nil for a layout image
    /// whose name does not say which repository it is.
    public let identity: String?
    /// What the user named it by, for messages.
    public let reference: String
    /// True when the user named the image by tag: a tag can move between resolving and signing.
    public let namedByTag: Bool

    public var digest: Digest { descriptor.digest }

    public init(store: any ArtifactStore, descriptor: Descriptor, identity: String?, reference: String, namedByTag: Bool) {
        self.store = store
        self.descriptor = descriptor
        self.identity = identity
        self.reference = reference
        self.namedByTag = namedByTag
    }

    /// Resolves a registry reference to its digest (`HEAD`); a reference with a digest is checked to exist.
    public static func registry(_ reference: ImageReference, client: RegistryClient) async throws -> SignedImage {
        let repository = Repository(registry: reference.domain, path: reference.path)
        let descriptor = try await client.resolve(repository, reference: reference.digest ?? reference.effectiveTag ?? "latest")
        return SignedImage(store: RegistryArtifactStore(client: client, repository: repository), descriptor: descriptor,
                           identity: cosignIdentity(reference), reference: reference.description, namedByTag: reference.digest == nil)
    }

    /// The image named `name` (or the only image) in an OCI layout. Its identity comes from the name when that is a
    /// full reference (`registry.example.com/team/app:1.4`).
    public static func layout(_ store: OCILayoutArtifactStore, name: String?) throws -> SignedImage {
        let refNameKey = OCILayoutArtifactStore.refNameKey
        let images = try store.index().manifests.filter { !OCILayout.isArtifact($0) }
        let chosen: Descriptor
        if let name {
            let matches = images.filter { descriptor in
                guard let ref = descriptor.annotations?[refNameKey] else { return false }
                return ref == name || name.hasSuffix(":" + ref)
            }
            guard let match = matches.last else {
                let names = images.compactMap { $0.annotations?[refNameKey] }
                throw SigningError(.notFound, "\(store.displayName) has no image named \(name) (present: \(names.isEmpty ? "no named images" : names.joined(separator: ", ")))")
            }
            chosen = match
        } else {
            guard images.count == 1, let only = images.first else {
                let names = images.compactMap { $0.annotations?[refNameKey] }
                throw SigningError(.usage, images.isEmpty ? "\(store.displayName) holds no image"
                    : "\(store.displayName) holds \(images.count) images; name one as oci:DIR:NAME (present: \(names.joined(separator: ", ")))")
            }
            chosen = only
        }
        let refName = name ?? chosen.annotations?[refNameKey]
        let identity = refName.flatMap { text -> String? in
            guard text.contains("/"), let parsed = try? ImageReference(parsing: text) else { return nil }
            return cosignIdentity(parsed)
        }
        let shown = store.displayName + (refName.map { ":" + $0 } ?? "")
        return SignedImage(store: store, descriptor: chosen, identity: identity, reference: shown, namedByTag: true)
    }

    /// cosign's `docker-reference`: the repository without tag or digest, as go-containerregistry names it
    /// (`index.docker.io/library/nginx` for Docker Hub).
    public static func cosignIdentity(_ reference: ImageReference) -> String {
        let domain = reference.domain == ImageReference.defaultDomain ? "index.docker.io" : reference.domain
        return domain + "/" + reference.path
    }
}
