import Foundation

/// The answer to an `AdmissionReview`, written exactly as the apiserver expects:
///
/// ```json
/// {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"<request.uid>",
///  "allowed":false,"status":{"code":403,"message":"…"},"warnings":["…"]}}
/// ```
///
/// It is sent with HTTP 200 whatever the verdict. The apiserver rejects a response whose `uid` differs from the
/// request's, whose apiVersion/kind differ, a mutating response with only one of `patch`/`patchType`, and a
/// validating response with either. The constructors make those impossible:
/// * ``allow(uid:warnings:auditAnnotations:)`` and ``deny(uid:message:code:warnings:auditAnnotations:)`` never
///   carry a patch: use them, and only them, from a **validating** webhook.
/// * ``allow(uid:patch:warnings:auditAnnotations:)`` is for a **mutating** webhook; it writes `patchType` and
///   `patch` together, and neither when the patch is empty.
/// * `status` is written only when denying (with `code`, 403 by default, and the message).
///
/// Warnings are shown to the user by kubectl. Each is cleaned as the apiserver needs:
/// * a leading `Warning:` is removed (kubectl adds its own);
/// * control characters become spaces (the apiserver silently drops a warning that contains one);
/// * it is cut to at most 120 characters (``maxWarningLength``; counted as Unicode scalars, as Go counts
///   runes), the last being "…" when something was cut;
/// * empty and repeated warnings are dropped, and the whole `warnings` key is omitted when none remain;
/// * past 4,096 runes in all (where the apiserver stops forwarding them) the rest are replaced by one
///   "N more warnings not shown".
///
/// `auditAnnotations` go to the audit log under `<webhook name>/<key>`; keys should be short names (`rule`).
public struct AdmissionResponse: Sendable, Hashable {
    /// The denial written to `response.status`.
    public struct Status: Sendable, Hashable {
        /// An HTTP status code, 403 unless given.
        public let code: Int
        /// Shown to the user after `admission webhook "<name>" denied the request: `.
        public let message: String
    }

    /// The longest warning written, in Unicode scalars.
    public static let maxWarningLength = 120

    /// The request's uid, echoed.
    public let uid: String
    public let allowed: Bool
    /// Present only on a denial.
    public let status: Status?
    /// The cleaned warnings, as they will be written.
    public let warnings: [String]
    /// Present only on a mutating allow with at least one operation.
    public let patch: JSONPatch?
    public let auditAnnotations: [String: String]

    private init(
        uid: String, allowed: Bool, status: Status?, warnings: [String], patch: JSONPatch?, auditAnnotations: [String: String]
    ) {
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.warnings = Self.clean(warnings)
        self.patch = patch
        self.auditAnnotations = auditAnnotations
    }

    /// Admits the object unchanged (validating or mutating webhook).
    public static func allow(uid: String, warnings: [String] = [], auditAnnotations: [String: String] = [:]) -> AdmissionResponse {
        AdmissionResponse(uid: uid, allowed: true, status: nil, warnings: warnings, patch: nil, auditAnnotations: auditAnnotations)
    }

    /// Rejects the request with `message` (shown to the user) and HTTP status `code` (403 Forbidden by default).
    public static func deny(
        uid: String, message: String, code: Int = 403, warnings: [String] = [], auditAnnotations: [String: String] = [:]
    ) -> AdmissionResponse {
        AdmissionResponse(
            uid: uid, allowed: false, status: Status(code: code, message: message), warnings: warnings, patch: nil,
            auditAnnotations: auditAnnotations
        )
    }

    /// Admits the object with `patch` applied (mutating webhook only). An empty patch is a plain allow.
    public static func allow(
        uid: String, patch: [JSONPatchOperation], warnings: [String] = [], auditAnnotations: [String: String] = [:]
    ) -> AdmissionResponse {
        AdmissionResponse(
            uid: uid, allowed: true, status: nil, warnings: warnings, patch: patch.isEmpty ? nil : JSONPatch(patch),
            auditAnnotations: auditAnnotations
        )
    }

    /// The response body.
    public func json() -> Data { Data(jsonBytes()) }

    /// The response body as bytes, for servers that write into their own buffers.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 128 + uid.utf8.count + (status?.message.utf8.count ?? 0) + warnings.count * 64)
        writer.raw(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"#)
        writer.string(uid)
        writer.raw(#","allowed":"#)
        writer.bool(allowed)
        if let status {
            writer.raw(#","status":{"code":"#)
            writer.int(status.code)
            writer.raw(#","message":"#)
            writer.string(status.message)
            writer.raw("}")
        }
        if !warnings.isEmpty {
            writer.raw(#","warnings":["#)
            for (index, warning) in warnings.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.string(warning)
            }
            writer.raw("]")
        }
        if !auditAnnotations.isEmpty {
            writer.raw(#","auditAnnotations":"#)
            writer.stringMap(auditAnnotations)
        }
        if let patch {
            writer.raw(#","patchType":"JSONPatch","patch":"#)
            writer.base64String(patch.jsonBytes())
        }
        writer.raw("}}")
        return writer.bytes
    }

    // MARK: - Warnings

    /// One warning as it will be written, or nil when nothing is left of it. See the type's documentation.
    public static func cleanWarning(_ warning: String) -> String? {
        if isPlain(warning) { return warning }
        var text = Substring(warning)
        text = text.drop(while: \.isWhitespace)
        if text.prefix(8).lowercased() == "warning:" { text = text.dropFirst(8) }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            // Go's unicode.IsControl: C0, DEL and C1.
            scalars.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar)
        }
        let cleaned = String(scalars).trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return nil }
        guard cleaned.unicodeScalars.count > maxWarningLength else { return cleaned }
        // Cut on a character boundary, leaving room for the ellipsis.
        var kept = ""
        var used = 0
        for character in cleaned {
            let size = character.unicodeScalars.count
            guard used + size <= maxWarningLength - 1 else { break }
            kept.append(character)
            used += size
        }
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return kept + "…"
    }

    /// The apiserver stops forwarding warnings past this many runes in all (`truncateAtTotalRunes`).
    static let maxTotalWarningLength = 4 * 1024

    private static func clean(_ warnings: [String]) -> [String] {
        guard !warnings.isEmpty else { return [] }
        if warnings.count == 1 { return cleanWarning(warnings[0]).map { [$0] } ?? [] }
        var seen = Set<String>()
        var cleaned: [String] = []
        cleaned.reserveCapacity(min(warnings.count, 64))
        var total = 0
        // Room for the closing note, so a pod with thousands of images cannot produce an unbounded response.
        let budget = maxTotalWarningLength - 40
        for (index, warning) in warnings.enumerated() {
            guard let text = cleanWarning(warning), seen.insert(text).inserted else { continue }
            let length = text.unicodeScalars.count
            guard total + length <= budget else {
                cleaned.append("\(warnings.count - index) more warnings not shown")
                break
            }
            total += length
            cleaned.append(text)
        }
        return cleaned
    }

    /// Printable ASCII, short enough, no surrounding spaces and no `Warning:` prefix: nothing to clean.
    private static func isPlain(_ warning: String) -> Bool {
        let utf8 = warning.utf8
        guard let first = utf8.first, let last = utf8.last, utf8.count <= maxWarningLength,
            first != UInt8(ascii: " "), last != UInt8(ascii: " "), first | 0x20 != UInt8(ascii: "w")
        else { return false }
        return utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
