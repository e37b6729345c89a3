#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// A source of bytes read front to back.
public protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// True when the stream itself ends with an error unless its bytes hash to the expected sha256 digest (a registry
    /// download), so a reader need not hash them again.
    var verifiesDigest: Bool { get }
}

extension ByteStream {
    public var verifiesDigest: Bool { false }
}

/// An open file shared by many readers; `pread` lets layers of one archive be read in parallel without seeking.
public final class SharedFile: @unchecked Sendable {
    // The descriptor is immutable after init and pread is thread-safe, so sharing it is safe.
    public let path: String
    let descriptor: Int32
    public let size: Int64

    public init(path: String) throws(ImageError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageError(.notFound, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw ImageError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        size = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ImageError(.io, "read error in \(path) at byte \(offset): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads exactly `length` bytes at `offset`.
    func readData(at offset: Int64, length: Int) throws -> Data {
        var bytes = [UInt8](repeating: 0, count: length)
        var filled = 0
        while filled < length {
            let n = try bytes.withUnsafeMutableBytes { raw in
                try read(at: offset + Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            guard n > 0 else { throw ImageError(.io, "\(path) ends early at byte \(offset + Int64(filled))") }
            filled += n
        }
        return Data(bytes)
    }

    /// A stream over `length` bytes starting at `offset`.
    public func stream(offset: Int64 = 0, length: Int64? = nil) -> any ByteStream {
        FileRangeStream(file: self, offset: offset, length: length ?? (size - offset))
    }
}

final class FileRangeStream: ByteStream {
    let file: SharedFile
    var position: Int64
    let end: Int64

    init(file: SharedFile, offset: Int64, length: Int64) {
        self.file = file
        self.position = offset
        self.end = offset + length
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let wanted = Int(min(Int64(buffer.count), end - position))
        guard wanted > 0 else { return 0 }
        let n = try file.read(at: position, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
        guard n > 0 else {
            throw ImageError(.io, "\(file.path) is truncated: expected data up to byte \(end), file ends at \(position)")
        }
        position += Int64(n)
        return n
    }
}

/// A stream over bytes already in memory.
public final class DataStream: ByteStream {
    let data: Data
    var position = 0

    public init(_ data: Data) { self.data = data }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, data.count - position)
        guard n > 0 else { return 0 }
        data.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[position..<(position + n)]))
        }
        position += n
        return n
    }
}
