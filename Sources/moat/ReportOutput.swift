import Foundation

/// Writes a report to `--output`.
enum ReportOutput {
    /// Regular files are replaced atomically (a reader never sees half a report). Anything else that already
    /// exists — /dev/null, a FIFO, /dev/stdout — is written in place: an atomic rename would replace the device
    /// node itself with a regular file.
    static func write(_ text: String, to path: String) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue { throw RuntimeError("cannot write \(path): it is a directory") }
        let type = exists ? (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) : nil
        do {
            if !exists || type == .typeRegular {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } else {
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw RuntimeError("cannot write \(path): cannot open it for writing")
                }
                defer { try? handle.close() }
                try handle.write(contentsOf: Data(text.utf8))
            }
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
