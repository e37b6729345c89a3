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
    /// date formatter per record cost more than the decision itself), so it appends bytes and builds no strings.
    func json(at time: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            raw(name)
            GoJSON.appendQuoted(value, to: &out)
        }
        raw("{\"time\":\"")
        Self.appendTimestamp(time, to: &out)
        out.append(UInt8(ascii: "\""))
        string(",\"webhook\":", webhook)
        string(",\"uid\":", uid)
        string(",\"namespace\":", namespace)
        string(",\"operation\":", operation)
        string(",\"kind\":", kind)
        raw(decision.allowed ? ",\"allowed\":true" : ",\"allowed\":false")
        raw(decision.breakGlassUsed ? ",\"breakGlass\":true" : ",\"breakGlass\":false")
        raw(",\"durationMs\":")
        let (seconds, attoseconds) = duration.components
        let microseconds = Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
        Self.appendPadded(microseconds / 1000, width: 1, to: &out)
        out.append(UInt8(ascii: "."))
        Self.appendPadded(microseconds % 1000, width: 3, to: &out)
        raw(",\"images\":[")
        for (index, image) in decision.images.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            raw("{\"image\":")
            GoJSON.appendQuoted(image.subject.image, to: &out)
            string(",\"container\":", image.subject.container)
            if let digest = image.digest {
                raw(",\"digest\":\"")
                out.append(contentsOf: digest.algorithm.utf8)
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: digest.hex.utf8)
                out.append(UInt8(ascii: "\""))
            }
            var first = true
            for result in image.results where result.outcome != .passed && result.outcome != .skipped {
                raw(first ? ",\"violations\":[{\"rule\":" : ",{\"rule\":")
                first = false
                GoJSON.appendQuoted(result.rule.rawValue, to: &out)
                string(",\"mode\":", result.mode.rawValue)
                string(",\"outcome\":", result.outcome.rawValue)
                string(",\"message\":", result.message)
                out.append(UInt8(ascii: "}"))
            }
            if !first { out.append(UInt8(ascii: "]")) }
            out.append(UInt8(ascii: "}"))
        }
        raw("]}\n")
        return out
    }

    /// RFC 3339 in UTC with milliseconds (`2026-11-24T03:42:55.123Z`), without a date formatter or String(format:).
    static func appendTimestamp(_ time: Date, to out: inout [UInt8]) {
        let interval = time.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(999, max(0, Int((interval - Double(seconds)) * 1000)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendPadded(Int(parts.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(Int(parts.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(Int(parts.tm_mday), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendPadded(Int(parts.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(Int(parts.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(Int(parts.tm_sec), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(milliseconds, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Decimal digits of a non-negative number, zero-padded to `width`.
    static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            var remaining = max(0, value)
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0
            for _ in count..<max(width, count) { out.append(UInt8(ascii: "0")) }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(digits[index]) }
        }
    }
}

/// JSON lines appended to a file (or stderr), one per decision. Lines are collected in memory and written in one
/// system call at most every 50 ms (or at 64 KiB), and on `flush()` at shutdown: a write per decision would cost
/// more than the decision. A crash can lose at most the last 50 ms of lines.
public final class AuditLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private var flushScheduled = false
    static let flushInterval: Duration = .milliseconds(50)
    static let flushSize = 64 << 10

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
        pending.append(contentsOf: line)
        let full = pending.count >= Self.flushSize
        let schedule = !full && !flushScheduled
        if schedule { flushScheduled = true }
        lock.unlock()
        if full {
            flush()
        } else if schedule {
            Task {
                try? await Task.sleep(for: Self.flushInterval)
                self.flush()
            }
        }
    }

    /// Writes what is collected; call it before the process ends.
    public func flush() {
        lock.lock()
        let data = pending
        pending.removeAll(keepingCapacity: true)
        flushScheduled = false
        if !data.isEmpty { handle.write(Data(data)) }
        lock.unlock()
    }
}
