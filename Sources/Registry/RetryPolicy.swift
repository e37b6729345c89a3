import Foundation

/// When and how long to wait before trying a request again.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// First back-off; doubled after every failure.
    public var initialDelay: Double
    /// No single wait is longer, whatever `Retry-After` asks for.
    public var maximumDelay: Double

    public init(attempts: Int = 4, initialDelay: Double = 0.25, maximumDelay: Double = 30) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// Seconds to wait before attempt `attempt + 1` (attempt counts from 1).
    func backoff(after attempt: Int) -> Double {
        min(maximumDelay, initialDelay * pow(2, Double(attempt - 1)))
    }

    /// `Retry-After` as delay-seconds or an HTTP date, capped at `maximumDelay`.
    func delay(retryAfter value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return min(maximumDelay, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return min(maximumDelay, max(0, date.timeIntervalSince(now)))
    }
}
