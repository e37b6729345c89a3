@testable import AdmissionService
import Foundation
import ImagePolicy
import Testing

/// The cache behind warm admission decisions: one computation however many ask at once, expiry, no cached failures,
/// and a deadline that answers in time while the work goes on.
@Suite struct FactCacheTests {
    actor Counter {
        var calls = 0
        func increment() -> Int { calls += 1; return calls }
    }

    struct Failure: Error {}

    @Test func concurrentRequestsShareOneComputation() async throws {
        let cache = FactCache<Int>(lifetime: .seconds(60))
        let counter = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value(for: "k", within: .seconds(5), what: "k") {
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
        let cache = FactCache<Int>(lifetime: .milliseconds(100))
        let counter = Counter()
        let compute: @Sendable () async throws -> Int = { await counter.increment() }
        _ = try await cache.value(for: "k", within: .seconds(5), what: "k", compute: compute)
        _ = try await cache.value(for: "k", within: .seconds(5), what: "k", compute: compute)
        #expect(await counter.calls == 1)
        try await Task.sleep(for: .milliseconds(150))
        _ = try await cache.value(for: "k", within: .seconds(5), what: "k", compute: compute)
        #expect(await counter.calls == 2, "an expired entry is computed again")

        let failing = try? await cache.value(for: "bad", within: .seconds(5), what: "bad") { throw Failure() }
        #expect(failing == nil)
        try await Task.sleep(for: .milliseconds(20))
        let retried = try await cache.value(for: "bad", within: .seconds(5), what: "bad") { 7 }
        #expect(retried == 7, "a failure is forgotten, so the next request tries again")
    }

    @Test func theDeadlineAnswersInTimeAndTheWorkLandsInTheCache() async throws {
        let cache = FactCache<Int>(lifetime: .seconds(60))
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            _ = try await cache.value(for: "slow", within: .milliseconds(50), what: "slow fact") {
                try await Task.sleep(for: .milliseconds(400))
                return 42
            }
        }
        #expect(ContinuousClock.now - started < .milliseconds(300), "the caller is not held for the slow work")
        try await Task.sleep(for: .milliseconds(450))
        let again = try await cache.value(for: "slow", within: .milliseconds(50), what: "slow fact") { 0 }
        #expect(again == 42, "the slow result landed in the cache")
        #expect(cache.hits == 1)
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
        let first = FactCache<String>(lifetime: .seconds(60), persistence: try persistence())
        #expect(try await first.value(for: "k", within: .seconds(5), what: "k") { "computed" } == "computed")
        try await Task.sleep(for: .milliseconds(50))
        // A new process: nothing in memory, the value comes from SQLite without computing.
        let second = FactCache<String>(lifetime: .seconds(60), persistence: try persistence())
        let reloaded = try await second.value(for: "k", within: .seconds(5), what: "k") { "computed again" }
        #expect(reloaded == "computed")
        #expect(second.hits == 1)
        #expect(second.misses == 0)

        let shortLived = FactCache<String>(lifetime: .seconds(1), persistence: try persistence())
        _ = try await shortLived.value(for: "brief", within: .seconds(5), what: "brief") { "old" }
        try await Task.sleep(for: .milliseconds(1200))
        let later = FactCache<String>(lifetime: .seconds(1), persistence: try persistence())
        #expect(try await later.value(for: "brief", within: .seconds(5), what: "brief") { "new" } == "new", "expired rows are not served")
    }
}
