@testable import AdmissionService
import Foundation
import ImagePolicy
import Testing

/// The cache behind warm admission decisions: one computation however many ask at once, expiry, no cached failures,
/// and a deadline that answers in time while the work goes on.
/// Deadlines that are not under test are two minutes: on a loaded 2-core machine the pool can stall for seconds.
@Suite struct FactCacheTests {
    actor Counter {
        var calls = 0
        func increment() -> Int { calls += 1; return calls }
    }

    struct Failure: Error {}

    @Test func concurrentRequestsShareOneComputation() async throws {
        let cache = FactCache<String, Int>(lifetime: .seconds(60))
        let counter = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value(for: "k", within: .seconds(120), what: "k") {
                        try await Task.sleep(for: .milliseconds(50))
                        return await counter.increment()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == 1 })
        #expect(await counter.calls == 1)
        #expect(cache.misses == 1)
        #expect(cache.hits == 19)
    }

    @Test func entriesExpireAndFailuresAreNotKept() async throws {
        // Lifetimes far from what a loaded test machine could blur: an hour, and a millisecond.
        let lasting = FactCache<String, Int>(lifetime: .seconds(3600))
        let counter = Counter()
        let compute: @Sendable () async throws -> Int = { await counter.increment() }
        _ = try await lasting.value(for: "k", within: .seconds(60), what: "k", compute: compute)
        _ = try await lasting.value(for: "k", within: .seconds(60), what: "k", compute: compute)
        #expect(await counter.calls == 1)
        let brief = FactCache<String, Int>(lifetime: .milliseconds(1))
        _ = try await brief.value(for: "k", within: .seconds(60), what: "k", compute: compute)
        try await Task.sleep(for: .milliseconds(20))
        _ = try await brief.value(for: "k", within: .seconds(60), what: "k", compute: compute)
        #expect(await counter.calls == 3, "an expired entry is computed again")

        let failing = try? await lasting.value(for: "bad", within: .seconds(60), what: "bad") { throw Failure() }
        #expect(failing == nil)
        var retried: Int?
        for _ in 0..<200 where retried == nil {
            // The failure is forgotten as soon as it settles; until then the failed task is still the entry.
            retried = try? await lasting.value(for: "bad", within: .seconds(60), what: "bad") { 7 }
            if retried == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(retried == 7, "a failure is forgotten, so the next request tries again")
    }

    /// Holds a computation until the test lets it finish.
    actor Gate {
        private var waiters: [CheckedContinuation<Void, Never>] = []
        private var open = false

        func wait() async {
            if open { return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            open = true
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
        }
    }

    @Test func theDeadlineAnswersWithoutTheWorkAndTheWorkLandsInTheCache() async throws {
        let cache = FactCache<String, Int>(lifetime: .seconds(3600))
        let gate = Gate()
        // The computation cannot finish before the gate opens, so only the deadline can end the first wait.
        await #expect(throws: DeadlineExceeded.self) {
            _ = try await cache.value(for: "slow", within: .milliseconds(50), what: "slow fact") {
                await gate.wait()
                return 42
            }
        }
        await gate.release()
        var again: Int?
        for _ in 0..<500 where again != 42 {
            again = try? await cache.value(for: "slow", within: .seconds(60), what: "slow fact") { 0 }
            if again != 42 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(again == 42, "the slow result landed in the cache and is served from it")
    }
}

@Suite struct ManifestSubjectsTests {
    @Test func workloadsOfEveryKindBecomeSubjectsWithPointers() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          template:
            metadata:
              annotations: {team: a}
            spec:
              initContainers: [{name: init, image: "busybox:1.36"}]
              containers: [{name: app, image: "registry.example.com/team/app:1.4"}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: job, image: "nginx"}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        """
        let subjects = try ManifestSubjects.subjects(from: Data(yaml.utf8), file: "m.yaml")
        #expect(subjects.map(\.object) == ["Deployment/web", "CronJob/nightly"])
        let web = try #require(subjects.first?.subject)
        #expect(web.namespace == "prod")
        #expect(web.annotations == ["team": "a"])
        #expect(web.images.map(\.image) == ["busybox:1.36", "registry.example.com/team/app:1.4"])
        #expect(web.images.map(\.location) == ["/spec/template/spec/initContainers/0/image", "/spec/template/spec/containers/0/image"])
        #expect(web.images.map(\.role) == [.initContainer, .container])
        #expect(subjects.last?.subject.images.first?.location == "/spec/jobTemplate/spec/template/spec/containers/0/image")
        #expect(subjects.last?.subject.namespace == "default")
    }

    @Test func brokenManifestsNameTheFile() {
        #expect(throws: FactError.self) {
            _ = try ManifestSubjects.subjects(from: Data("a: [unclosed".utf8), file: "bad.yaml")
        }
    }
}

@Suite struct FactStoreTests {
    @Test func factsSurviveARestartUntilTheyExpire() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-facts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/facts.db"
        func persistence() throws -> FactPersistence<String> {
            FactPersistence(store: try FactStore(path: path), kind: "test", encode: { Array($0.utf8) },
                            decode: { String(decoding: $0, as: UTF8.self) })
        }
        let first = FactCache<String, String>(lifetime: .seconds(60), persistence: try persistence())
        #expect(try await first.value(for: "k", within: .seconds(120), what: "k") { "computed" } == "computed")
        let store = try FactStore(path: path)
        for _ in 0..<500 where store.load(kind: "test", key: "k") == nil {
            try await Task.sleep(for: .milliseconds(10))   // the value is stored once its task settles
        }
        // A new process: nothing in memory, the value comes from SQLite without computing.
        let second = FactCache<String, String>(lifetime: .seconds(60), persistence: try persistence())
        let reloaded = try await second.value(for: "k", within: .seconds(120), what: "k") { "computed again" }
        #expect(reloaded == "computed")
        #expect(second.hits == 1)
        #expect(second.misses == 0)

        let shortLived = FactCache<String, String>(lifetime: .seconds(1), persistence: try persistence())
        _ = try await shortLived.value(for: "brief", within: .seconds(120), what: "brief") { "old" }
        for _ in 0..<500 where store.load(kind: "test", key: "brief") == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(1200))
        let later = FactCache<String, String>(lifetime: .seconds(1), persistence: try persistence())
        #expect(try await later.value(for: "brief", within: .seconds(120), what: "brief") { "new" } == "new", "expired rows are not served")
    }
}
