public import NIOCore

/// Extra POST endpoints served beside kubesec's API (the admission webhooks), kept behind a protocol so the server
/// does not depend on what decides.
public protocol WebhookHandler: Sendable {
    /// The paths answered (`/imagepolicy`, `/validate`, `/mutate`); a POST to one of them goes to `respond`.
    var paths: Set<String> { get }
    /// Answers one request body; the server has already enforced the body-size limit.
    func respond(path: String, body: ByteBuffer) async -> WebhookReply
    /// `/readyz`: whether decisions can be made (policy loaded, stores open).
    func isReady() async -> Bool
}

/// An HTTP answer from a webhook: the admission APIs always want 200 with JSON, errors included.
public struct WebhookReply: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}
