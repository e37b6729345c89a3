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

    /// One JSON line, written by hand: the audit log is on the hot path of every decision (JSONSerialization and a
    /// date formatter per record cost more than the decision itself).
    func json(at time: Date) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        func key(_ name: String) { out.append(contentsOf: Array(",\"\(name)\":".utf8)) }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            GoJSON.appendQuoted(value, to: &out)
        }
        out.append(contentsOf: Array("{\"time\":\"\(Self.timestamp(time))\"".utf8))
        string("webhook", webhook)
        string("uid", uid)
        string("namespace", namespace)
        string("operation", operation)
        string("kind", kind)
        key("allowed")
        out.append(contentsOf: Array((decision.allowed ? "true" : "false").utf8))
        key("breakGlass")
        out.append(contentsOf: Array((decision.breakGlassUsed ? "true" : "false").utf8))
        key("durationMs")
        let (seconds, attoseconds) = duration.components
        out.append(contentsOf: Array(String(format: "%.3f", Double(seconds) * 1000 + Double(attoseconds) / 1e15).utf8))
        key("images")
        out.append(UInt8(ascii: "["))
        for (index, image) in decision.images.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("{\"image\":".utf8))
            GoJSON.appendQuoted(image.subject.image, to: &out)
            string("container", image.subject.container)
            string("digest", image.digest?.description)
            let failed = image.results.filter { $0.outcome != .passed && $0.outcome != .skipped }
            if !failed.isEmpty {
                key("violations")
                out.append(UInt8(ascii: "["))
                for (number, result) in failed.enumerated() {
                    if number > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: Array("{\"rule\":".utf8))
                    GoJSON.appendQuoted("\(result.rule)", to: &out)
                    string("mode", "\(result.mode)")
                    string("outcome", result.outcome.rawValue)
                    string("message", result.message)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: Array("]}\n".utf8))
        return Data(out)
    }

    /// RFC 3339 in UTC with milliseconds (`2026-11-24T03:42:55.123Z`), without a date formatter.
    static func timestamp(_ time: Date) -> String {
        let interval = time.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = Int((interval - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), milliseconds)
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
