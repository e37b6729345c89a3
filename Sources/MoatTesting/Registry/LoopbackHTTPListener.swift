import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird server on a loopback address and a port the kernel picks (port 0), so there is
/// no window in which another process can take the port.
///
/// The server runs in its own service group, in a task; `stop()` asks the group for a graceful
/// shutdown (open requests finish, idle keep-alive connections close) and cancels the task if
/// that takes more than five seconds.
final class LoopbackHTTPListener: Sendable {
    let address: String
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(address: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.address = address
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts `responder` on `address` (127.0.0.1 unless a test needs a second loopback address).
    static func start<Responder: HTTPResponder>(
        _ responder: Responder, address: String = "127.0.0.1", name: String
    ) async throws -> LoopbackHTTPListener where Responder.Context == BasicRequestContext {
        var logger = Logger(label: "moat.testing.\(name)")
        // Hummingbird logs every start at info and cancelled connections at error; a failure to
        // listen reaches the caller as a thrown error instead.
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(address, port: 0), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let group = ServiceGroup(services: [application], logger: logger)
        let task = Task {
            // Ending the stream lets `start` see a server that failed to bind instead of waiting forever.
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        if let port = await iterator.next(), port > 0 {
            return LoopbackHTTPListener(address: address, port: port, group: group, task: task)
        }
        task.cancel()
        let reason: String
        switch await task.result {
        case .failure(let error): reason = "\(error)"
        case .success: reason = "the server stopped at once or has no local address"
        }
        throw RegistryHarnessError(.network, "\(name) could not listen on \(address): \(reason)")
    }

    /// Shuts the server down; after five seconds of a client holding a request open, cancels it.
    func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Bool.self) { waiters in
            waiters.addTask { _ = await task.result; return true }
            waiters.addTask { try? await Task.sleep(for: .seconds(5)); return false }
            if await waiters.next() == false {
                // Waiting on `task.result` cannot be cancelled; ending the server ends that waiter.
                task.cancel()
            }
            waiters.cancelAll()
        }
    }

    deinit {
        task.cancel()
    }
}
