#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain socket calls on loopback addresses: finding a free port and probing a listener.
///
/// `docker-registry` cannot be told "port 0, then tell me which port", so the harness picks a port
/// by binding port 0, reading it back and closing. Another process may grab it before the registry
/// binds; callers retry on that (see ``RegistryServer``).
public enum LoopbackSocket {
    /// A TCP port that was free on `address` a moment ago.
    public static func freePort(on address: String = "127.0.0.1") throws -> Int {
        let descriptor = try openSocket()
        defer { close(descriptor) }
        var socketAddress = try makeAddress(address, port: 0)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw RegistryHarnessError(.network, "cannot bind \(address):0 (errno \(errno))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            throw RegistryHarnessError(.network, "getsockname on \(address) failed (errno \(errno))")
        }
        return Int(UInt16(bigEndian: socketAddress.sin_port))
    }

    /// Whether this machine lets us bind `address` (127.0.0.2 works on Linux, not by default on macOS).
    static func canBind(_ address: String) -> Bool {
        (try? freePort(on: address)) != nil
    }

    /// Whether something accepts TCP connections on `address:port` now.
    public static func isAccepting(_ address: String = "127.0.0.1", port: Int) -> Bool {
        guard let descriptor = try? openSocket() else { return false }
        defer { close(descriptor) }
        guard var socketAddress = try? makeAddress(address, port: port) else { return false }
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0
    }

    private static func openSocket() throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw RegistryHarnessError(.network, "socket() failed (errno \(errno))") }
        return descriptor
    }

    private static func makeAddress(_ address: String, port: Int) throws -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            throw RegistryHarnessError(.network, "\(address) is not an IPv4 address")
        }
        return socketAddress
    }
}
