import LayerFS
import OCIImage
import OCIModel
import Compression
/// The operating system an image is built on, from os-release and distribution files (trivy.md §2).
public struct OperatingSystem: Codable, Sendable, Hashable {
    public var id: String
    public var versionID: String?
    public var prettyName: String?
    public var versionCodename: String?

    /// Parses `/etc/os-release` (KEY=value, optionally quoted).
    static func parse(osRelease content: [UInt8]) -> OperatingSystem? {
        var fields: [String: String] = [:]
        for line in String(decoding: content, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            fields[key] = value
        }
        guard let id = fields["ID"], !id.isEmpty else { return nil }
        return OperatingSystem(id: id.lowercased(), versionID: fields["VERSION_ID"], prettyName: fields["PRETTY_NAME"],
                               versionCodename: fields["VERSION_CODENAME"])
    }

    /// Detects the OS from the system files visible in the merged image.
    static func detect(_ files: [String: [UInt8]]) -> OperatingSystem? {
        var os = (files["etc/os-release"] ?? files["usr/lib/os-release"]).flatMap(parse(osRelease:))
        // Debian's exact point release lives in debian_version; Alpine's in alpine-release.
        if let debian = files["etc/debian_version"], os == nil || os?.id == "debian" {
            let version = String(decoding: debian, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            os = OperatingSystem(id: "debian", versionID: version, prettyName: os?.prettyName ?? "Debian \(version)",
                                 versionCodename: os?.versionCodename)
        }
        if os == nil, let alpine = files["etc/alpine-release"] {
            let version = String(decoding: alpine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            os = OperatingSystem(id: "alpine", versionID: version, prettyName: "Alpine Linux v\(version)", versionCodename: nil)
        }
        return os
    }

    public var displayName: String {
        prettyName ?? [id, versionID].compactMap { $0 }.joined(separator: " ")
    }
}

import Foundation
