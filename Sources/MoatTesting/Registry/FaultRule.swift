import Foundation

/// Something a ``FaultProxy`` does instead of (or to) a normal answer.
public enum Fault: Sendable, Equatable, CustomStringConvertible {
    /// Answer with this status and a registry-style JSON error, without asking upstream;
    /// with `Retry-After: N` when `retryAfter` is set (429, 503).
    case status(Int, retryAfter: Int? = nil)
    /// Send the headers (with the true `Content-Length`) and this many body bytes, then close the
    /// connection: a registry dying mid-blob.
    case closeConnection(afterBodyBytes: Int)
    /// Claim `extraBytes` more in `Content-Length` than the body has, send the whole body, close.
    case overstateContentLength(by: Int)
    /// Serve a manifest whose bytes differ from what `Docker-Content-Digest` and the requested
    /// digest say (a newline is appended, so it is still valid JSON and only the digest shows it).
    case corruptBody
    /// Answer 307 with a `Location` on the proxy's second listener, on another host name or
    /// address, which serves the same path from upstream and records whether `Authorization` arrived.
    case redirectToOtherHost

    public var description: String {
        switch self {
        case .status(let code, let retryAfter): return retryAfter.map { "status \(code), Retry-After \($0)" } ?? "status \(code)"
        case .closeConnection(let bytes): return "close after \(bytes) body bytes"
        case .overstateContentLength(let extra): return "Content-Length overstated by \(extra)"
        case .corruptBody: return "corrupt body"
        case .redirectToOtherHost: return "redirect to other host"
        }
    }
}

/// Which request paths a ``FaultRule`` applies to (the path only, without the query).
public enum PathPattern: Sendable, Equatable {
    case any
    case contains(String)
    /// An ICU regular expression, searched anywhere in the path.
    case regex(String)

    /// Blob downloads and HEADs: `/v2/NAME/blobs/sha256:…` (not uploads).
    public static let blobs = PathPattern.regex("^/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+$")
    /// Manifests by tag or digest: `/v2/NAME/manifests/REFERENCE`.
    public static let manifests = PathPattern.regex("^/v2/.+/manifests/[^/]+$")

    func matches(_ path: String) -> Bool {
        switch self {
        case .any: return true
        case .contains(let text): return path.contains(text)
        case .regex(let pattern): return path.range(of: pattern, options: .regularExpression) != nil
        }
    }
}

/// "For the first K requests matching METHOD and PATH, do FAULT."
public struct FaultRule: Sendable, Equatable {
    public var fault: Fault
    /// `GET`, `HEAD`, … or nil for every method.
    public var method: String?
    public var path: PathPattern
    /// How many matching requests get the fault; nil for all of them.
    public var count: Int?

    public init(_ fault: Fault, method: String? = nil, path: PathPattern = .any, first count: Int? = nil) {
        self.fault = fault
        self.method = method?.uppercased()
        self.path = path
        self.count = count
    }

    /// `429 Too Many Requests` with `Retry-After` for the first `count` matching requests.
    public static func tooManyRequests(retryAfter seconds: Int, first count: Int, method: String? = nil, path: PathPattern = .any) -> FaultRule {
        FaultRule(.status(429, retryAfter: seconds), method: method, path: path, first: count)
    }

    /// A 5xx status for the first `count` matching requests.
    public static func serverError(_ status: Int = 503, first count: Int, method: String? = nil, path: PathPattern = .any) -> FaultRule {
        FaultRule(.status(status), method: method, path: path, first: count)
    }

    func applies(method requestMethod: String, path requestPath: String) -> Bool {
        if let count, count <= 0 { return false }
        if let method, method != requestMethod { return false }
        return path.matches(requestPath)
    }
}

/// One request a ``FaultProxy`` saw, for assertions. Holds no credentials, only whether some came.
public struct ProxiedRequest: Sendable, Equatable, CustomStringConvertible {
    public enum Listener: Sendable, Equatable {
        /// The proxy's main address (``FaultProxy/baseURL``).
        case proxy
        /// The second listener that ``Fault/redirectToOtherHost`` points at.
        case redirectTarget
    }

    public let listener: Listener
    public let method: String
    public let path: String
    public let query: String?
    public let status: Int
    public let hadAuthorization: Bool
    /// The injected fault, if one applied.
    public let fault: Fault?

    public var description: String {
        "\(listener == .proxy ? "" : "[redirect target] ")\(method) \(path) → \(status)"
            + (hadAuthorization ? " (Authorization)" : "") + (fault.map { " [\($0)]" } ?? "")
    }
}
