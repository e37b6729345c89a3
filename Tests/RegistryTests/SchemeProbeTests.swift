import Foundation
import NIOCore
import NIOPosix
@testable import Registry
import Testing

/// How an insecure registry's scheme is found: https first, as docker does, but without making a plain-HTTP registry
/// wait for the failed handshake before it is asked.
@Suite struct SchemeProbeTests {
    /// The plain request is not held back by the TLS attempt: the server here holds a TLS handshake open, without a
    /// word, until a plain request arrives, and the client's limits are a minute, so asking in turn would take that
    /// minute, while racing is done as soon as both requests have left (however late a loaded machine runs them). The
    /// answer comes over http, which is remembered for the host, and the next request reuses the plain connection (a
    /// pull's config `GET` follows its manifest's).
    @Test func plainHTTPIsAskedWithoutWaitingForTheTLSAttempt() async throws {
        try await withTLSHolder { configuration in
            configuration.tlsProbeTimeout = 60
            configuration.connectTimeout = 60  // a TLS handshake counts as connecting
            configuration.preWarmedConnections = 0  // so that a second plain connection means the pool was not reused
        } test: { client, host, log in
            let started = ContinuousClock.now
            try await client.ping(registry: host)
            #expect(ContinuousClock.now - started < .seconds(30), "the plain request waited for the TLS attempt to give up")
            #expect(await client.transport.hosts.scheme(for: host) == "http")
            #expect(log.saw(.tlsOpened), "no TLS attempt was made")
            try await client.ping(registry: host)
            #expect(log.plainRequests == 2)
            #expect(log.plainConnections == 1, "the request after the race opened a connection of its own")
        }
    }

    /// After the first connection to a host, one more is opened and kept ready (the config and the first layer of a
    /// pull are asked for at once), on the pool of the scheme that answered.
    @Test func aSecondConnectionIsKeptReady() async throws {
        try await withTLSHolder { _ in } test: { client, host, log in
            try await client.ping(registry: host)
            for _ in 0..<500 where log.accepted - log.tlsConnections < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(log.accepted - log.tlsConnections == 2, "one connection used and one kept ready (no request on it yet)")
            #expect(log.plainRequests == 1)
        }
    }

    /// Runs `test` with a client for a `TLSHolder` server on 127.0.0.1 (named insecure), then stops both.
    func withTLSHolder(configure: (inout RegistryConfiguration) -> Void,
                       test: (RegistryClient, String, ConnectionLog) async throws -> Void) async throws {
        let log = ConnectionLog()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(TLSHolder(log: log)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let host = "127.0.0.1:\(server.localAddress?.port ?? 0)"
        var configuration = RegistryConfiguration(insecureRegistries: [host])
        configure(&configuration)
        let client = try RegistryClient(configuration: configuration)
        do {
            try await test(client, host, log)
        } catch {
            await client.shutdown()
            try await server.close()
            throw error
        }
        await client.shutdown()
        try await server.close()
    }

    enum Event: Equatable, Sendable { case tlsOpened, plainRequest }

    /// What the server saw, and the TLS connections it holds open.
    final class ConnectionLog: @unchecked Sendable {
        private let lock = NSLock()
        private var recorded: [Event] = []
        private var held: [any Channel] = []
        private var plainSeen = false
        private var connections = 0
        private var requests = 0
        private var acceptedCount = 0
        var plainConnections: Int { lock.withLock { connections } }
        var accepted: Int { lock.withLock { acceptedCount } }
        var tlsConnections: Int { lock.withLock { recorded.filter { $0 == .tlsOpened }.count } }
        func connectionAccepted() { lock.withLock { acceptedCount += 1 } }
        var plainRequests: Int { lock.withLock { requests } }
        func plainConnectionOpened() { lock.withLock { connections += 1 } }
        func saw(_ event: Event) -> Bool { lock.withLock { recorded.contains(event) } }
        /// Keeps a TLS connection open until a plain request arrives; false if one already has.
        func hold(_ channel: any Channel) -> Bool {
            lock.withLock {
                recorded.append(.tlsOpened)
                if !plainSeen { held.append(channel) }
                return !plainSeen
            }
        }
        /// Records the plain request and hands back the TLS connections held until then.
        func plainArrived() -> [any Channel] {
            lock.withLock {
                recorded.append(.plainRequest)
                requests += 1
                plainSeen = true
                defer { held = [] }
                return held
            }
        }
    }

    /// Answers each plain HTTP request at once, keeping the connection open; holds a TLS handshake (a first byte of
    /// 0x16) open, without a word, until a plain request arrives (or two minutes pass), then drops it: a plain-HTTP
    /// registry that is slow to refuse TLS. A request is assumed to arrive in one read (they are small).
    final class TLSHolder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private let log: ConnectionLog
        private var kind: Kind?
        enum Kind { case tls, plain }

        init(log: ConnectionLog) {
            self.log = log
        }

        func channelActive(context: ChannelHandlerContext) {
            log.connectionAccepted()
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            guard kind != .tls, let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
            let channel = context.channel
            if kind == nil, first == 0x16 {
                kind = .tls
                guard log.hold(channel) else {
                    channel.close(promise: nil)
                    return
                }
                channel.eventLoop.scheduleTask(in: .seconds(120)) { channel.close(promise: nil) }
                return
            }
            if kind == nil {
                kind = .plain
                log.plainConnectionOpened()
            }
            for held in log.plainArrived() { held.close(promise: nil) }
            let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }
}
