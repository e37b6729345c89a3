import ArgumentParser
import Foundation
import ImageSigning
import OCIImage
import OCIModel
import Registry

/// The image a signing command works on: a registry reference or `oci:DIR[:NAME]`.
struct SigningTarget {
    let image: SignedImage
    let client: RegistryClient?

    static func open(_ text: String, registry: RegistryOptions) async throws -> SigningTarget {
        switch try ImageLocation.source(text) {
        case .registry(let reference):
            let client = try registry.client()
            do {
                return SigningTarget(image: try await SignedImage.registry(reference, client: client), client: client)
            } catch {
                await client.shutdown()
                throw RuntimeError("\(reference): \(error)")
            }
        case .path(let path, let name):
            guard text.hasPrefix("oci:") || FileManager.default.fileExists(atPath: path + "/index.json") else {
                throw RuntimeError("\(text): signatures are stored in a registry or an OCI layout directory (oci:DIR[:NAME]); copy the archive to one with moat copy first")
            }
            do {
                return SigningTarget(image: try SignedImage.layout(try OCILayoutArtifactStore(directory: path), name: name), client: nil)
            } catch let error as SigningError {
                throw RuntimeError(error.description)
            }
        }
    }

    func close() async {
        await client?.shutdown()
    }
}

/// `-a key=value` pairs.
enum AnnotationArguments {
    static func parse(_ values: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("annotation \"\(value)\" is not key=value")
            }
            result[String(value[..<equals])] = String(value[value.index(after: equals)...])
        }
        return result
    }
}
