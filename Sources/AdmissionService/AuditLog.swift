import Foundation
import OCIModel
import ImagePolicy

/// One decision as the audit log records it: what was asked, the verdict, every rule that failed or warned, how
/// long it took. Never credentials; pod annotations are not recorded (users write them).
struct AuditRecord: Sendable {
    var decision: PolicyDecision
    var webhook: String
    var uid: String?
    var namespace: String?
    var operation: String?
    var kind: String
    var duration: Duration

    func json(at time: Date) -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var object: [String: Any] = [
            "time": formatter.string(from: time),
            "webhook": webhook,
            "kind": kind,
            "allowed": decision.allowed,
            "breakGlass": decision.breakGlassUsed,
            "durationMs": Double(duration.components.attoseconds / 1_000_000_000_000) / 1000 + Double(duration.components.seconds) * 1000,
            "images": decision.images.map { image -> [String: Any] in
                var entry: [String: Any] = ["image": image.subject.image]
                entry["container"] = image.subject.container
                entry["digest"] = image.digest?.description
                let failed = image.results.filter { $0.outcome != .passed && $0.outcome != .skipped }
                if !failed.isEmpty {
                    entry["violations"] = failed.map { ["rule": "\($0.rule)", "mode": "\($0.mode)", "outcome": $0.outcome.rawValue, "message": $0.message] }
                }
                return entry
            },
        ]
        object["uid"] = uid
        object["namespace"] = namespace
        object["operation"] = operation
        var data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// JSON lines appended to a file (or stderr), one per decision, written whole under a lock.
public final class AuditLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    /// `path` "-" writes to stderr.
    public init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardError
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        guard let opened = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        opened.seekToEndOfFile()
        handle = opened
    }

    func write(_ record: AuditRecord) {
        let line = record.json(at: Date())
        lock.lock()
        defer { lock.unlock() }
        handle.write(line)
    }
}
