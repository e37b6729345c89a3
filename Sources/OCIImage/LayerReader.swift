import Crypto
public import LayerFS
public import OCIModel
public import Compression
import Foundation

/// Reads every layer of an image once, in parallel where the storage allows it.
public struct LayerReader: Sendable {
    public var limits: ReadLimits
    public var concurrency: Int

    public init(limits: ReadLimits = ReadLimits(), concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.limits = limits
        self.concurrency = max(1, concurrency)
    }

    /// Returns one scan per layer, in layer order. `makeVisitor` is called once per layer.
    public func read<Visitor: ContentVisitor>(
        _ image: Image, makeVisitor: @escaping @Sendable (Layer) -> Visitor,
        progress: (@Sendable (Layer) -> Void)? = nil
    ) async throws -> [LayerScan<Visitor>] {
        let store = image.store
        let limits = self.limits
        if store.isSequential {
            // One pass over the whole archive; a blob used by several layers is read once and shared.
            var pipelines: [String: LayerPipeline<Visitor>] = [:]
            let byPath = Dictionary(grouping: image.layers, by: \.blobPath)
            do {
                try store.visitMembers(Set(byPath.keys)) { path in
                    guard let layer = byPath[path]?.first else {
                        throw ImageError(.io, "\(image.source): unexpected member \(path) while reading layers")
                    }
                    let pipeline = LayerPipeline(layer: layer, visitor: makeVisitor(layer), limits: limits)
                    pipelines[path] = pipeline
                    return pipeline
                }
            } catch {
                for pipeline in pipelines.values { pipeline.abort() }
                throw error
            }
            return try image.layers.map { layer in
                guard var scan = pipelines[layer.blobPath]?.result else {
                    throw ImageError(.notFound, "\(image.source): \(layer.label) blob \(layer.blobPath) is missing from the archive")
                }
                scan.layer = layer
                progress?(layer)
                return scan
            }
        }
        return try await withThrowingTaskGroup(of: LayerScan<Visitor>.self) { group in
            var next = 0
            var results: [LayerScan<Visitor>?] = Array(repeating: nil, count: image.layers.count)
            func submit(_ layer: Layer) {
                group.addTask {
                    let read: @Sendable () throws -> LayerScan<Visitor> = {
                        let pipeline = LayerPipeline(layer: layer, visitor: makeVisitor(layer), limits: limits)
                        let stream = try store.open(layer.blobPath)
                        pipeline.blobVerifiedUpstream = stream.verifiesDigest && layer.digest?.algorithm == "sha256"
                        try pump(stream, into: pipeline)
                        guard let result = pipeline.result else { throw ImageError(.io, "\(layer.label) produced no result") }
                        return result
                    }
                    return store.readsFromNetwork ? try await onOwnThread(read) : try read()
                }
            }
            // Largest layers first, so one big layer does not start last and leave the other cores idle.
            let order = image.layers.sorted { ($0.size ?? store.size(of: $0.blobPath) ?? 0) > ($1.size ?? store.size(of: $1.blobPath) ?? 0) }
            while next < min(concurrency, order.count) { submit(order[next]); next += 1 }
            while let scan = try await group.next() {
                results[scan.layer.index] = scan
                progress?(scan.layer)
                if next < order.count { submit(order[next]); next += 1 }
            }
            return results.compactMap { $0 }
        }
    }
}

/// Runs blocking work on a thread of its own, off the cooperative pool.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
