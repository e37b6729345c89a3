import Foundation

/// Writes a ustar archive of regular files and directories, front to back (the docker-archive writer's container).
final class TarWriter {
    private let handle: FileHandle
    private(set) var path: String

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ImageError(.io, "cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// A member of `size` bytes whose content `fill` writes through `write`, in order.
    func addFile(_ name: String, size: Int64, fill: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try handle.write(contentsOf: header(name: name, size: size, type: UInt8(ascii: "0"), mode: 0o644))
        var written: Int64 = 0
        try fill { bytes in
            written += Int64(bytes.count)
            guard written <= size else { throw ImageError(.io, "\(name): more bytes than the \(size) announced") }
            try handle.write(contentsOf: Data(bytes))
        }
        guard written == size else { throw ImageError(.io, "\(name): \(written) bytes written, \(size) announced") }
        let padding = Int((512 - size % 512) % 512)
        if padding > 0 { try handle.write(contentsOf: Data(count: padding)) }
    }

    func addFile(_ name: String, data: Data) throws {
        try addFile(name, size: Int64(data.count)) { write in try data.withUnsafeBytes { try write($0) } }
    }

    func addDirectory(_ name: String) throws {
        try handle.write(contentsOf: header(name: name.hasSuffix("/") ? name : name + "/", size: 0, type: UInt8(ascii: "5"), mode: 0o755))
    }

    /// Two zero blocks end the archive.
    func finish() throws {
        try handle.write(contentsOf: Data(count: 1024))
        try handle.close()
    }

    private func header(name: String, size: Int64, type: UInt8, mode: Int) throws -> Data {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 100 else { throw ImageError(.io, "tar member name too long: \(name)") }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) { for (index, byte) in bytes.enumerated() { block[offset + index] = byte } }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            Array(String(value, radix: 8).leftPadded(to: width - 1).utf8) + [0]
        }
        put(nameBytes, at: 0)
        put(octal(Int64(mode), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        if size < 0o77777777777 {
            put(octal(size, width: 12), at: 124)
        } else {
            // GNU base-256 for members of 8 GiB and more.
            var value = size
            block[124] = 0x80
            for index in stride(from: 135, to: 124, by: -1) { block[index] = UInt8(value & 0xFF); value >>= 8 }
        }
        put(octal(0, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        block[156] = type
        put(Array("ustar".utf8) + [0] + Array("00".utf8), at: 257)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(Array(String(checksum, radix: 8).leftPadded(to: 6).utf8) + [0, 0x20], at: 148)
        return Data(block)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
