import Compression
import Foundation

/// The Kubernetes schemas compiled into moat (`BundledSchemas`), decompressed and parsed once per process
/// on first use, each kind compiled on its first lookup and kept.
final class BundledSchemaLibrary: @unchecked Sendable {
    // @unchecked: `compiled` is only touched with `lock` held; everything else is immutable.

    /// The process-wide library; decoding starts on the first access.
    static let shared = BundledSchemaLibrary()

    let kubernetesVersion = BundledSchemas.kubernetesVersion

    /// The decoded bundle, or why it could not be decoded (a build problem, never input-dependent).
    private let bundle: Result<JSONValue, SchemaCompiler.Failure>
    private let lock = NSLock()
    private var compiled: [String: Result<CompiledSchema, SchemaCompiler.Failure>] = [:]

    private init() {
        bundle = Self.decode(BundledSchemas.compressedBase64)
    }

    /// File names (`deployment-apps-v1.json`) of every bundled kind.
    var fileNames: [String] {
        guard case .success(let root) = bundle, let kinds = root["kinds"]?.objectValue else { return [] }
        return kinds.keys.sorted()
    }

    /// The compiled schema for a kubeconform file name, nil when the bundle has no such kind.
    /// `displayLocation` is what messages print (kubesec's download URL for the file).
    func schema(fileName: String, displayLocation: String) -> Result<CompiledSchema, SchemaCompiler.Failure>? {
        guard case .success(let root) = bundle else {
            if case .failure(let failure) = bundle { return .failure(failure) }
            return nil
        }
        guard root["kinds"]?[fileName] != nil else { return nil }
        let key = fileName + "\n" + displayLocation
        lock.lock()
        defer { lock.unlock() }
        if let cached = compiled[key] { return cached }
        var compiler = SchemaCompiler(defaultDraft: .draft2020, transparentReferences: true)
        compiler.add(document: root, url: Self.bundleURL, draft: .draft2020)
        let result: Result<CompiledSchema, SchemaCompiler.Failure>
        do {
            result = .success(try compiler.compile(
                url: Self.bundleURL, pointer: "/kinds/" + SchemaCompiler.escape(fileName), displayLocation: displayLocation))
        } catch {
            result = .failure(error)
        }
        compiled[key] = result
        return result
    }

    private static let bundleURL = "moat:bundled-kubernetes-schemas"

    private static func decode(_ base64: String) -> Result<JSONValue, SchemaCompiler.Failure> {
        guard let compressed = Data(base64Encoded: base64) else {
            return .failure(SchemaCompiler.Failure(description: "bundled schemas: invalid base64"))
        }
        do {
            let decompressor = try GzipDecompressor()
            var json: [UInt8] = []
            json.reserveCapacity(compressed.count * 16)
            try compressed.withUnsafeBytes { buffer in
                try decompressor.decompress(buffer) { chunk in json.append(contentsOf: chunk) }
            }
            try decompressor.finish()
            return .success(try JSONParser.parse(json))
        } catch {
            return .failure(SchemaCompiler.Failure(description: "bundled schemas: \(error)"))
        }
    }
}
