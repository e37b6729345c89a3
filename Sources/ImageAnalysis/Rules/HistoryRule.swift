import LayerFS
import OCIImage
import OCIModel
import Compression
/// Build steps recorded in history that a production image should not have: `ADD` from a URL.
struct HistoryRule: ImageRule {
    func findings(in context: ImageContext) -> [Finding] {
        var findings: [Finding] = []
        for (index, entry) in (context.image.config.history ?? []).enumerated() {
            let text = entry.createdBy ?? ""
            let instruction = text.replacingOccurrences(of: "/bin/sh -c #(nop) ", with: "").trimmingCharacters(in: .whitespaces)
            guard instruction.hasPrefix("ADD "), let url = instruction.split(separator: " ").first(where: {
                $0.hasPrefix("http://") || $0.hasPrefix("https://")
            }) else { continue }
            findings.append(context.configFinding(RuleCatalog.addFromURL,
                "history entry \(index + 1) ADDs \(url.prefix(120)) straight from the network without a checksum",
                seed: "history-\(index)-\(url)", details: ["url": String(url.prefix(200))]))
        }
        return findings
    }
}

import Foundation
