import Foundation

/// A fact that could not be gathered before the webhook's deadline.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public let what: String
    public let deadline: Duration
    public var description: String { "\(what) did not finish within \(deadline) (the admission deadline); it goes on in the background and will be cached" }
}

/// Waits for `task` at most `deadline`. The task is not cancelled: its result still lands in the cache, so the
/// API server's retry finds it. The timer is cancelled as soon as the value arrives.
func value<T: Sendable>(of task: Task<T, any Error>, within deadline: Duration, what: String) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = ResumeOnce(continuation)
        let timer = Task {
            try await Task.sleep(for: deadline)
            once.resume(with: .failure(DeadlineExceeded(what: what, deadline: deadline)))
        }
        Task {
            let result = await task.result
            timer.cancel()
            once.resume(with: result)
        }
    }
}

/// Resumes a continuation exactly once, whichever of the racers comes first.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = continuation
    }

    func resume(with result: Result<T, any Error>) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(with: result)
    }
}
