/// A failure while doing the work (unreadable image, unwritable output): printed as one line, without usage text.
struct RuntimeError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
