import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a key pair as cosign does: `<prefix>.key` (mode 0600) and `<prefix>.pub` (mode 0644).
///
/// Each file is written in full to a temporary file in the same directory, flushed to disk, and only then moved
/// into place, so a crash or a full disk never leaves a half-written key. Without `force`, existing files are
/// never replaced, even when one appears while the pair is being written (the final step is a hard link, which
/// fails if the name exists); if the second file cannot be placed, the first is removed again.
public enum KeyPairFiles {
    /// Writes the pair.
    /// - Parameters:
    ///   - privatePEM: The private key file's text (normally `SigningKey.encryptedPEM(password:)`).
    ///   - publicPEM: The public key file's text (normally `VerificationKey.pem`).
    ///   - prefix: The path without extension, e.g. `cosign` or `keys/release`.
    ///   - force: Replace existing files.
    /// - Returns: The two paths written.
    /// - Throws: `KeyError.fileExists` when either file exists and `force` is false; `KeyError.fileSystem` when a file
    ///   cannot be created, written or moved into place.
    public static func write(privatePEM: String, publicPEM: String, prefix: String, force: Bool) throws -> (privateKey: String, publicKey: String) {
        guard !prefix.isEmpty, !prefix.hasSuffix("/") else {
            throw KeyError(.invalidArgument, "the key file prefix \"\(prefix)\" does not name a file; give a path without extension such as \"cosign\"")
        }
        let privatePath = prefix + ".key"
        let publicPath = prefix + ".pub"
        if !force {
            for path in [privatePath, publicPath] where exists(path) {
                throw KeyError(.fileExists, "\(path) already exists; remove it, choose another prefix, or use --force to overwrite it")
            }
        }
        let privateFile = try StagedFile(contents: Data(privatePEM.utf8), finalPath: privatePath, mode: 0o600)
        let publicFile: StagedFile
        do {
            publicFile = try StagedFile(contents: Data(publicPEM.utf8), finalPath: publicPath, mode: 0o644)
        } catch {
            privateFile.discard()
            throw error
        }
        do {
            try privateFile.commit(replacing: force)
        } catch {
            privateFile.discard()
            publicFile.discard()
            throw error
        }
        do {
            try publicFile.commit(replacing: force)
        } catch {
            publicFile.discard()
            if !force { _ = unlink(privatePath) }
            throw error
        }
        syncDirectory(of: privatePath)
        return (privatePath, publicPath)
    }

    /// Whether anything (a file, a directory, even a dangling symbolic link) has this name.
    private static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    private static func syncDirectory(of path: String) {
        let descriptor = open(directory(of: path), O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func systemError(_ action: String, _ path: String, _ code: Int32) -> KeyError {
        KeyError(.fileSystem, "cannot \(action) \(path): \(String(cString: strerror(code)))")
    }

    /// A complete temporary copy of a file, ready to be moved into place.
    private struct StagedFile {
        let temporaryPath: String
        let finalPath: String

        init(contents: Data, finalPath: String, mode: mode_t) throws {
            let name = (finalPath as NSString).lastPathComponent
            let suffix = SymmetricKey(size: .bits128).withUnsafeBytes { bytes in bytes.prefix(6).map { String(format: "%02x", $0) }.joined() }
            let temporaryPath = KeyPairFiles.directory(of: finalPath) + "/." + name + ".tmp-" + suffix
            let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard descriptor >= 0 else {
                throw KeyPairFiles.systemError("create a file in the directory of", finalPath, errno)
            }
            var failure: Int32?
            if fchmod(descriptor, mode) != 0 { failure = errno }
            if failure == nil {
                failure = contents.withUnsafeBytes { buffer -> Int32? in
                    var offset = 0
                    while offset < buffer.count {
                        let written = Glue.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                        if written < 0 {
                            if errno == EINTR { continue }
                            return errno
                        }
                        offset += written
                    }
                    return nil
                }
            }
            if failure == nil, fsync(descriptor) != 0 { failure = errno }
            if close(descriptor) != 0, failure == nil { failure = errno }
            if let failure {
                _ = unlink(temporaryPath)
                throw KeyPairFiles.systemError("write", finalPath, failure)
            }
            self.temporaryPath = temporaryPath
            self.finalPath = finalPath
        }

        /// Moves the file into place: a rename when replacing, else a hard link that fails if the name exists.
        func commit(replacing: Bool) throws {
            if replacing {
                guard rename(temporaryPath, finalPath) == 0 else {
                    throw KeyPairFiles.systemError("replace", finalPath, errno)
                }
                return
            }
            if link(temporaryPath, finalPath) == 0 {
                _ = unlink(temporaryPath)
                return
            }
            let code = errno
            if code == EEXIST {
                throw KeyError(.fileExists, "\(finalPath) already exists (it appeared while the key pair was written); remove it or use --force to overwrite it")
            }
            // Filesystems without hard links: check, then rename (a narrow race, as good as they allow).
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK else {
                throw KeyPairFiles.systemError("create", finalPath, code)
            }
            guard !KeyPairFiles.exists(finalPath) else {
                throw KeyError(.fileExists, "\(finalPath) already exists; remove it or use --force to overwrite it")
            }
            guard rename(temporaryPath, finalPath) == 0 else {
                throw KeyPairFiles.systemError("create", finalPath, errno)
            }
        }

        /// Removes the temporary file (after a failure).
        func discard() {
            _ = unlink(temporaryPath)
        }
    }
}

/// The C `write`, under a name that no Swift method shadows.
private enum Glue {
    static func write(_ descriptor: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(descriptor, pointer, count)
        #elseif canImport(Musl)
        return Musl.write(descriptor, pointer, count)
        #else
        return Darwin.write(descriptor, pointer, count)
        #endif
    }
}
