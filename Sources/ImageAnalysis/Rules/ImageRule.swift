import LayerFS
import OCIImage
import OCIModel
import Compression
/// One check over an analysed image. Rules are pure: the same context always gives the same findings.
public protocol ImageRule: Sendable {
    func findings(in context: ImageContext) -> [Finding]
}

extension ImageContext {
    /// A finding about a file of a layer, with the layer's digest and base/application origin filled in.
    func fileFinding(_ rule: RuleDefinition, _ message: String, path: String, layer: Int, seed: String? = nil,
                     severity: Severity? = nil, details: [String: String]? = nil) -> Finding {
        Finding(rule: rule, message: message, path: "/" + path, layer: layer, layerDigest: digest(ofLayer: layer),
                origin: origin(ofLayer: layer), fingerprintSeed: seed, severity: severity, details: details)
    }

    func configFinding(_ rule: RuleDefinition, _ message: String, seed: String, severity: Severity? = nil,
                       details: [String: String]? = nil) -> Finding {
        Finding(rule: rule, message: message, origin: .config, fingerprintSeed: seed, severity: severity, details: details)
    }

    /// "layer 3 (RUN apt-get install…)" for messages.
    func describeLayer(_ layer: Int) -> String {
        guard let createdBy = layerHistory[layer]?.createdBy, !createdBy.isEmpty else { return "layer \(layer + 1)" }
        let short = createdBy.replacingOccurrences(of: "/bin/sh -c #(nop) ", with: "").replacingOccurrences(of: "/bin/sh -c ", with: "RUN ")
        return "layer \(layer + 1) (\(short.prefix(60))\(short.count > 60 ? "…" : ""))"
    }
}

import Foundation
